/**
 * The logger and metrics of a Lambda container (Powertools), in one import for the fetch function
 * and the tests. The tracer lives in lib/tracing.ts: only the fetch function loads it (X-Ray SDK,
 * ~110 KB of bundle); the read functions are traced by Lambda's active tracing and load
 * lib/logging.ts alone at init (lib/metrics.ts when they first count an error).
 *
 * In Lambda everything follows the Powertools environment (POWERTOOLS_SERVICE_NAME,
 * POWERTOOLS_LOG_LEVEL, …). Outside Lambda (tests, `npm start`) the defaults are quiet: logs
 * from WARN up, no EMF metrics on stdout, no X-Ray — unless the environment asks otherwise.
 */
export { logger } from './logging';
export { METRICS_NAMESPACE, metrics } from './metrics';
