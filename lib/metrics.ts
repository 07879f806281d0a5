import { Metrics } from '@aws-lambda-powertools/metrics';
import { logger, runningInLambda, serviceName } from './logging';

/**
 * The one Powertools Metrics of a Lambda container (EMF on stdout), created at import. Outside
 * Lambda no EMF is printed unless POWERTOOLS_METRICS_DISABLED says otherwise. The read functions
 * load this module only when they have something to count (an unexpected error), so it is not
 * part of their cold init (lib/http/read-api-handler.ts).
 */
if (!runningInLambda && process.env.POWERTOOLS_METRICS_DISABLED === undefined) {
  // Metrics has no constructor switch; this is its documented off switch. Set only when unset.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
}

/** The default stack's namespace; a deployed function gets its stack's through POWERTOOLS_METRICS_NAMESPACE. */
export const METRICS_NAMESPACE = 'TransactionAggregation';

export const metrics = new Metrics({
  // A constructor namespace beats POWERTOOLS_METRICS_NAMESPACE, so the environment is read here.
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
  serviceName,
  // Powertools would warn "no application metrics" on invocations that count nothing. Its own
  // diagnostics only surface from ERROR up.
  logger: logger.createChild({ logLevel: 'ERROR' }),
});
