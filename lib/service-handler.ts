import middy, { type MiddyfiedHandler } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from './logging';
import { reportSdkVersion } from './sdk-version';

/**
 * Where every function's middy chain starts: the smoke check of the runtime's AWS SDK at init
 * (lib/sdk-version.ts), then Powertools logging with the Lambda context on every line of the
 * invocation, its keys reset afterwards. The read API goes on with its HTTP middlewares
 * (lib/http/read-api-handler.ts), the fetch function with the task's (lib/task-handler.ts).
 * Use it first: `onError` and `after` run bottom-up, so the later middlewares still log with
 * the invocation's keys.
 */
export function serviceHandler<Event, Result>(): MiddyfiedHandler<Event, Result> {
  reportSdkVersion();
  return middy<Event, Result>().use(injectLambdaContext(logger, { resetKeys: true }));
}
