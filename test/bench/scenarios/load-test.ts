import { createBenchTable } from '../support/bench-table';
import { benchUserIds, putAggregates } from '../support/bulk-load';
import { generateLoad } from '../support/load-generator';
import { startReadApi, timedRequests } from '../support/read-api-server';
import { progress, type BenchOptions, type ScenarioResult } from '../scenario-result';

const DURATION_SECONDS = 60;
/** Fixed rates, about half of what the read path sustains on 2 cores (see the read-path figure). */
const AGGREGATE_RATE = 300;
const PAYOUTS_RATE = 20;

/**
 * The load test: both read routes at once, each at a fixed request rate (autocannon overallRate,
 * latencies corrected for coordinated omission) for 60 s against the local read API on
 * 127.0.0.1. Passes with zero errors and zero non-2xx answers; reports each route's p99.
 */
export async function loadTest(_options: BenchOptions): Promise<ScenarioResult> {
  const table = await createBenchTable('load');
  const readers = benchUserIds('reader-', 10_000);
  const payees = benchUserIds('payee-', 5_000);
  await putAggregates(table.document, table.tableName, readers, { withPayout: false });
  await putAggregates(table.document, table.tableName, payees, { withPayout: true });
  const server = await startReadApi(table.tableName);
  try {
    await timedRequests(`${server.url}/aggregatedData/${readers[0]}`, 50);
    await timedRequests(`${server.url}/aggregatedData/payouts`, 10);
    progress(
      `load: GET /aggregatedData/{userId} at ${AGGREGATE_RATE}/s and GET /aggregatedData/payouts (first pages of 1000) at ${PAYOUTS_RATE}/s for ${DURATION_SECONDS} s`,
    );
    const payoutPaths = ['/aggregatedData/payouts', '/aggregatedData/payouts?limit=100', `/aggregatedData/payouts?limit=1000`];
    const [aggregates, payouts] = await Promise.all([
      generateLoad({
        url: server.url,
        paths: readers.map((userId) => `/aggregatedData/${userId}`),
        connections: 16,
        durationSeconds: DURATION_SECONDS,
        overallRate: AGGREGATE_RATE,
      }),
      generateLoad({ url: server.url, paths: payoutPaths, connections: 4, durationSeconds: DURATION_SECONDS, overallRate: PAYOUTS_RATE }),
    ]);
    const errors = aggregates.errors + aggregates.non2xx + aggregates.timeouts + payouts.errors + payouts.non2xx + payouts.timeouts;
    const describe = (name: string, load: typeof aggregates) =>
      `${name}: ${load.requests} requests (${load.requestsPerSecond.toFixed(1)}/s), p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, max ${load.maxMs} ms, ${load.non2xx} non-2xx, ${load.errors} errors, ${load.timeouts} timeouts`;
    progress(describe('aggregates', aggregates));
    progress(describe('payouts', payouts));
    return {
      figures: {
        loadErrors: errors,
        loadAggregateP99Ms: aggregates.p99Ms,
        loadPayoutsP99Ms: payouts.p99Ms,
        loadAggregateRate: Math.round(aggregates.requestsPerSecond),
        loadPayoutsRate: Math.round(payouts.requestsPerSecond),
      },
      labels: {
        loadAggregateP99Ms: `load test: GET /aggregatedData/{userId} p99 at ${AGGREGATE_RATE}/s`,
        loadPayoutsP99Ms: `load test: GET /aggregatedData/payouts p99 at ${PAYOUTS_RATE}/s`,
      },
      notes: [
        `load test (${DURATION_SECONDS} s, fixed rates, both routes at once, 127.0.0.1): ${describe('aggregates', aggregates)}; ${describe('payouts (5,000 payout users, limits 1000/100)', payouts)}`,
      ],
    };
  } finally {
    await server.close();
  }
}
