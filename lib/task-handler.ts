import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics } from './observability';
import { serviceHandler } from './service-handler';
import { tracer } from './tracing';

/** What a task states: its result for the state machine, or a thrown error. */
type Task<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/**
 * The one error path of a task: the error is logged once, with its stack and the invocation's
 * keys, and thrown on unchanged, so the state machine's Catch sees it as before and Lambda's
 * Errors metric (alarmed, infra/stacks/monitoring.ts) counts it.
 */
const failureLog = <Event, Result>(): MiddlewareObj<Event, Result> => ({
  onError: ({ error }) => {
    logger.error('invocation failed', error as Error);
  },
});

/**
 * The middy chain of a function the state machine invokes (not HTTP): the shared start
 * (lib/service-handler.ts), an X-Ray subsegment for the invocation (Powertools Tracer; the
 * fetch function is the one that carries the X-Ray SDK, lib/tracing.ts), the metrics the task
 * added flushed as EMF after every invocation, failed ones included, and the one error path.
 */
export function taskHandler<Event, Result>(task: Task<Event, Result>) {
  return serviceHandler<Event, Result>().use(captureLambdaHandler(tracer)).use(logMetrics(metrics)).use(failureLog<Event, Result>()).handler(task);
}
