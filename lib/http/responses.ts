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

/** Where a problem happened: the request path (RFC 9457 `instance`) and the id to quote. */
export interface ProblemSite {
  instance: string;
  requestId?: string;
}

/**
 * An RFC 9457 problem document for an error. A deliberate HttpProblem says what is wrong;
 * anything else says only that something failed: no message, no stack, no class name.
 * The local API server answers its own 404/405/431 with it too (infra/local/api-server.ts).
 */
export function problemAnswer(error: unknown, site: ProblemSite): APIGatewayProxyStructuredResultV2 {
  const problem = isHttpProblem(error)
    ? { type: error.type, title: error.title, status: error.status, detail: error.detail }
    : { type: 'about:blank', title: INTERNAL_ERROR.title, status: INTERNAL_ERROR.status, detail: INTERNAL_ERROR.detail };
  const body = {
    ...problem,
    instance: site.instance || '/',
    ...(site.requestId ? { requestId: site.requestId } : {}),
    ...(isHttpProblem(error) ? error.extensions() : {}),
  };
  return {
    statusCode: problem.status,
    headers: { ...baseHeaders, 'Content-Type': 'application/problem+json', 'Cache-Control': cacheControl.problem },
    body: JSON.stringify(body),
  };
}

/** The problem document of a handler's error, placed by its event. */
export const problemResponse = (error: unknown, event: Partial<APIGatewayProxyEventV2>): APIGatewayProxyStructuredResultV2 =>
  problemAnswer(error, { instance: event.rawPath ?? '/', requestId: event.requestContext?.requestId });
