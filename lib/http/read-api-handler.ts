import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger, metrics, tracer } from '../observability';
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

/** Every error becomes problem+json; unexpected ones are logged with their stack and counted. */
const problemJson = (): MiddlewareObj<Event, Result> => ({
  onError: (request) => {
    if (!isHttpProblem(request.error)) {
      logger.error('read request failed', request.error as Error);
      metrics.addMetric('ReadErrors', MetricUnit.Count, 1);
    }
    request.response = problemResponse(request.error, request.event);
  },
});

/** The headers every successful answer carries unless the endpoint chose its own. */
const responseHeaders = (cacheControl: string): MiddlewareObj<Event, Result> => ({
  after: (request) => {
    const response = request.response ?? { statusCode: 204 };
    request.response = {
      ...response,
      headers: { ...baseHeaders, 'Content-Type': 'application/json', 'Cache-Control': cacheControl, ...response.headers },
    };
  },
});

/**
 * The one middleware chain of the read API: Powertools logging (Lambda context + request ids),
 * metrics (cold start, ReadErrors) and tracing, RFC 9457 errors, and the shared headers.
 * `after` runs bottom-up and `onError` likewise, so problemJson answers before the Powertools
 * middlewares flush and reset.
 */
export function readApiHandler(endpoint: ReadEndpoint, options: { cacheControl: string }) {
  return middy<Event, Result>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    // No response bodies in traces: they hold user data (and the docs' 1.7 MB script).
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(requestLogKeys())
    .use(problemJson())
    .use(responseHeaders(options.cacheControl))
    .handler(endpoint);
}
