import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { deployedMockSettings, generatedMockUpstream } from '../lib/mock-upstream/mock-settings';

/**
 * The demo Transaction API, deployed when no real one is configured: the same code as the
 * local mock. Data is a pure function of the settings, so every container serves the same
 * history; the rate limit is counted per container in memory, hence approximate when several
 * containers run at once.
 */
const upstream = generatedMockUpstream(deployedMockSettings(process.env, Date.now()));

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const response = upstream.api({
    method: event.requestContext.http.method,
    path: event.rawPath,
    // The raw query string, so a '+' reads as a space exactly as a plain HTTP server reads it.
    query: new URLSearchParams(event.rawQueryString),
  });
  return { statusCode: response.status, headers: response.headers, body: response.body };
};
