import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Imports lib/observability.ts in a fresh process with exactly `env`; returns the JSON lines it printed (stdout and stderr). */
function probe(env: Record<string, string>): { lines: Record<string, unknown>[]; tracing: boolean } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'support/observability-probe.ts')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  const printed = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const tracing = printed.find((line) => line.probe === 'tracing');
  return { lines: printed.filter((line) => line !== tracing), tracing: tracing?.enabled === true };
}

describe('observability', () => {
  it('is quiet outside Lambda: warnings and errors only, no EMF metrics, no tracing', () => {
    const { lines, tracing } = probe({});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'WARN', message: 'probe warn', service: 'transaction-aggregation' });
    expect(tracing).toBe(false);
  });

  it('in Lambda, logs at INFO and publishes EMF metrics in the TransactionAggregation namespace with the service dimension', () => {
    const { lines } = probe({ AWS_LAMBDA_FUNCTION_NAME: 'read-api-function', POWERTOOLS_SERVICE_NAME: 'read-api', POWERTOOLS_TRACE_ENABLED: 'false' });
    expect(lines.map((line) => line.message).filter(Boolean)).toEqual(['probe info', 'probe warn']);
    const emf = lines.filter((line) => '_aws' in line);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      service: 'read-api',
      ProbeMetric: 1,
      _aws: { CloudWatchMetrics: [{ Namespace: 'TransactionAggregation', Dimensions: [['service']], Metrics: [{ Name: 'ProbeMetric', Unit: 'Count' }] }] },
    });
  });

  it("publishes in the stack's namespace when POWERTOOLS_METRICS_NAMESPACE names one", () => {
    const { lines } = probe({
      AWS_LAMBDA_FUNCTION_NAME: 'fn',
      POWERTOOLS_METRICS_NAMESPACE: 'TransactionAggregationRebuild',
      POWERTOOLS_TRACE_ENABLED: 'false',
    });
    expect(lines.find((line) => '_aws' in line)).toMatchObject({ _aws: { CloudWatchMetrics: [{ Namespace: 'TransactionAggregationRebuild' }] } });
  });

  it('follows POWERTOOLS_LOG_LEVEL and POWERTOOLS_METRICS_DISABLED when they are set', () => {
    const { lines } = probe({ POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'false' });
    expect(lines.filter((line) => 'message' in line)).toHaveLength(0);
    expect(lines.filter((line) => '_aws' in line)).toHaveLength(1);
  });
});
