import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * The one logger and metrics of a Lambda container (Powertools), created at import. The tracer
 * lives in lib/tracing.ts: only the fetch function loads it (X-Ray SDK, ~110 KB of bundle and
 * most of a read function's cold init); the read functions are traced by Lambda's active tracing.
 *
 * In Lambda everything follows the Powertools environment (POWERTOOLS_SERVICE_NAME,
 * POWERTOOLS_LOG_LEVEL, …). Outside Lambda (tests, `npm start`) the defaults are quiet: logs
 * from WARN up, no EMF metrics on stdout, no X-Ray — unless the environment asks otherwise.
 */
const runningInLambda = Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);

if (!runningInLambda && process.env.POWERTOOLS_METRICS_DISABLED === undefined) {
  // Metrics has no constructor switch; this is its documented off switch. Set only when unset.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
}

/** The default stack's namespace; a deployed function gets its stack's through POWERTOOLS_METRICS_NAMESPACE. */
export const METRICS_NAMESPACE = 'TransactionAggregation';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME || 'transaction-aggregation';

export const logger = new Logger({
  serviceName,
  // A constructor level beats POWERTOOLS_LOG_LEVEL, so only pass one when the environment is silent.
  // (An invalid level is ignored by Powertools, which then falls back to its own defaults.)
  logLevel: (process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? (runningInLambda ? undefined : 'WARN')) as LogLevel | undefined,
});

export const metrics = new Metrics({
  // A constructor namespace beats POWERTOOLS_METRICS_NAMESPACE, so the environment is read here.
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
  serviceName,
  // Read handlers publish mostly the cold-start metric; Powertools would warn "no application
  // metrics" on every other invocation. Its own diagnostics only surface from ERROR up.
  logger: logger.createChild({ logLevel: 'ERROR' }),
});

