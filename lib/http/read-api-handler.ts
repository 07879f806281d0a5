import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../logging';
import { serviceHandler } from '../service-handler';
import { isHttpProblem } from './problems';
import { baseHeaders, problemResponse } from './responses';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/** What a read endpoint states: its answer, or a thrown HttpProblem (lib/http/problems.ts). */
export type ReadEndpoint = (event: Event) => Promise<Result>;

/** Request ids on every log line of the invocation (the Lambda one comes from the context). */
const requestLogKeys = (): MiddlewareObj<Event, Result> => ({
  before: ({ event }) => {
    logger.appendKeys({ requestId: event.requestContext?.requestId, route: event.routeKey });
  },
});

/**
 * ReadErrors (EMF): Powertools Metrics is loaded on the first unexpected error, not at init: a
 * read function has nothing else to count, and the metrics module is a tenth of its cold init.
 * (Cold starts are in Lambda's own REPORT lines as Init Duration.)
 */
function countReadError(): void {
  // A require inside the function: esbuild keeps the module in the bundle but runs it only here.
  const { metrics } = require('../metrics') as typeof import('../metrics');
  metrics.addMetric('ReadErrors', 'Count', 1);
  metrics.publishStoredMetrics();
}

/** Every error becomes problem+json; unexpected ones are logged with their stack and counted. */
const problemJson = (): MiddlewareObj<Event, Result> => ({
  onError: (request) => {
    if (!isHttpProblem(request.error)) {
      logger.error('read request failed', request.error as Error);
      countReadError();
    }
    request.response = problemResponse(request.error, request.event);
  },
});

/** The headers every successful answer carries unless the endpoint chose its own. */
const responseHeaders = (cacheControl: string): MiddlewareObj<Event, Result> => ({
  after: (request) => {
    const response = request.response ?? { statusCode: 204 };
    // A 304 has no body, so no Content-Type; it keeps the caching headers of the 200 it stands for.
    const contentType: Record<string, string> = response.statusCode === 304 ? {} : { 'Content-Type': 'application/json' };
    request.response = {
      ...response,
      headers: { ...baseHeaders, ...contentType, 'Cache-Control': cacheControl, ...response.headers },
    };
  },
});

/**
 * The one middleware chain of the read API: the start every function shares (lib/service-handler.ts:
 * the SDK check, Powertools logging with the Lambda context), the request ids, the ReadErrors
 * metric, RFC 9457 errors, and the shared headers. No Powertools tracer here: Lambda's active
 * tracing records each invocation (lib/tracing.ts says why). `after` runs bottom-up and
 * `onError` likewise, so problemJson answers before the Powertools logger middleware resets its keys.
 */
export function readApiHandler(endpoint: ReadEndpoint, options: { cacheControl: string }) {
  return serviceHandler<Event, Result>().use(requestLogKeys()).use(problemJson()).use(responseHeaders(options.cacheControl)).handler(endpoint);
}
