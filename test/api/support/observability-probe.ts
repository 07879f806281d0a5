/** Run in a child process: uses the shared logger/metrics/tracer once and reports what they did. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '../../../lib/observability';
import { tracer } from '../../../lib/tracing';

logger.info('probe info');
logger.warn('probe warn');
metrics.addMetric('ProbeMetric', MetricUnit.Count, 1);
metrics.publishStoredMetrics();
metrics.publishStoredMetrics(); // nothing stored: Powertools would warn "no application metrics"
process.stdout.write(`${JSON.stringify({ probe: 'tracing', enabled: tracer.isTracingEnabled() })}\n`);
