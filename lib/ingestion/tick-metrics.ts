import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { TickReport } from './run-tick';

/**
 * One tick's figures as CloudWatch metrics (the lag alarms and the dashboard read these); the
 * task chain flushes them after the invocation (lib/task-handler.ts).
 */
export function recordTickMetrics(metrics: Metrics, report: TickReport): void {
  metrics.addMetric('IngestionLagSeconds', MetricUnit.Seconds, report.lagSeconds);
  metrics.addMetric('SettledLagSeconds', MetricUnit.Seconds, report.settledLagSeconds);
  metrics.addMetric('VerifiedLagSeconds', MetricUnit.Seconds, report.verifiedLagSeconds);
  metrics.addMetric('Fetched', MetricUnit.Count, report.fetched);
  metrics.addMetric('Applied', MetricUnit.Count, report.applied);
  metrics.addMetric('Duplicates', MetricUnit.Count, report.duplicates);
  metrics.addMetric('Quarantined', MetricUnit.Count, report.quarantined);
  const failed = report.outcome === 'rate-limited' || report.outcome === 'upstream-error';
  // A call was made only by a tick that fetched (applied) or whose call failed; a re-applied or stuck page made none.
  const calledPass = report.outcome === 'applied' || failed ? report.pass : undefined;
  metrics.addMetric('HeadCalls', MetricUnit.Count, calledPass === 'head' ? 1 : 0);
  metrics.addMetric('TailCalls', MetricUnit.Count, calledPass === 'tail' ? 1 : 0);
  metrics.addMetric('ReconcileCalls', MetricUnit.Count, calledPass === 'reconcile' ? 1 : 0);
  metrics.addMetric('FreshCalls', MetricUnit.Count, calledPass === 'fresh' ? 1 : 0);
  metrics.addMetric('LateApplied', MetricUnit.Count, report.pass === 'tail' || report.pass === 'reconcile' ? report.applied : 0);
  // The tail left seconds unchecked because their markers may have expired: the UnverifiedSeconds alarm reads this.
  metrics.addMetric('UnverifiedSeconds', MetricUnit.Count, report.unverifiedSeconds ?? 0);
  metrics.addMetric('Conflicts', MetricUnit.Count, report.conflicts?.length ?? 0);
  metrics.addMetric('UpstreamCallFailed', MetricUnit.Count, failed ? 1 : 0);
  // A stored page that could not be applied (or whose chunks are gone): the jam alarm below reads its streak.
  metrics.addMetric('ApplyFailed', MetricUnit.Count, report.outcome === 'apply-failed' || report.outcome === 'pending-lost' ? 1 : 0);
  // The jam alarm reads this: the same call failing again and again (JAM_ATTEMPTS and up).
  metrics.addMetric('ConsecutiveFailures', MetricUnit.Count, report.consecutiveFailures ?? 0);
}
