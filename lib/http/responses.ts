import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { cacheControl } from './cache-control';
import { INTERNAL_ERROR, isHttpProblem } from './problems';

/** Sent with every response: no MIME sniffing of JSON or problem documents. */
export const baseHeaders = { 'X-Content-Type-Options': 'nosniff' } as const;

/** A 200 with a JSON body already serialized (money written exactly, see lib/core/money-json.ts). */
export const jsonResponse = (body: string, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json', ...headers },
  body,
});

/**
 * An RFC 9457 problem document for an error. A deliberate HttpProblem says what is wrong;
 * anything else says only that something failed: no message, no stack, no class name.
 */
export function problemResponse(error: unknown, event: Partial<APIGatewayProxyEventV2>): APIGatewayProxyStructuredResultV2 {
  const requestId = event.requestContext?.requestId;
  const problem = isHttpProblem(error)
    ? { type: error.type, title: error.title, status: error.status, detail: error.detail }
    : { type: 'about:blank', title: INTERNAL_ERROR.title, status: INTERNAL_ERROR.status, detail: INTERNAL_ERROR.detail };
  const body = {
    ...problem,
    instance: event.rawPath || '/',
    ...(requestId ? { requestId } : {}),
    ...(isHttpProblem(error) ? error.extensions() : {}),
  };
  return {
    statusCode: problem.status,
    headers: { ...baseHeaders, 'Content-Type': 'application/problem+json', 'Cache-Control': cacheControl.problem },
    body: JSON.stringify(body),
  };
}
