import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';

/**
 * The one logger of a Lambda container (Powertools), created at import. In Lambda it follows the
 * Powertools environment (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, …); outside Lambda
 * (tests, `npm start`) it is quiet: WARN and up, unless the environment asks otherwise.
 */
export const runningInLambda = Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);

export const serviceName = process.env.POWERTOOLS_SERVICE_NAME || 'transaction-aggregation';

export const logger = new Logger({
  serviceName,
  // A constructor level beats POWERTOOLS_LOG_LEVEL, so only pass one when the environment is silent.
  // (An invalid level is ignored by Powertools, which then falls back to its own defaults.)
  logLevel: (process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? (runningInLambda ? undefined : 'WARN')) as LogLevel | undefined,
});
