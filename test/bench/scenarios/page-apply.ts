import { ingestionConfigFrom } from '../../../lib/ingestion/ingestion-config';
import { systemClock } from '../../../lib/ingestion/tick-dependencies';
import type { Transaction } from '../../../lib/core/transaction';
import { createAggregateWriter } from '../../../lib/store/aggregate-writer';
import { createBenchTable } from '../support/bench-table';
import { median, rounded } from '../support/percentiles';
import { spreadTransactions } from '../support/synthetic-transactions';
import { progress, type BenchOptions, type ScenarioResult } from '../scenario-result';

const TICK_MS = 12_000;
const USERS = 300;

/**
 * Figure 2: how long the aggregate writer takes to apply one full page (1000 transactions over
 * 300 users, exactly once: marker BatchGet + one TransactWriteItems per user) in DynamoDB Local,
 * as a fraction of the 12 s tick. The first pages warm the engine's JIT and are not counted.
 */
export async function pageApply(options: BenchOptions): Promise<ScenarioResult> {
  const table = await createBenchTable('page-apply');
  const config = ingestionConfigFrom({ TABLE_NAME: table.tableName, TRANSACTIONS_API_URL: 'http://127.0.0.1:9/unused' });
  const writer = createAggregateWriter(table, {
    nowMs: systemClock.nowMs,
    sleep: systemClock.sleep,
    markerTtlSeconds: config.markerTtlSeconds,
    concurrency: config.applyConcurrency,
  });
  const warmUp = 3;
  const measured = options.quick ? 5 : 15;
  const durations: number[] = [];
  for (let page = 0; page < warmUp + measured; page++) {
    const transactions: Transaction[] = spreadTransactions({ count: 1000, users: USERS, fromMs: Date.now() - 60_000, stepMs: 50, idPrefix: `page${page}` });
    const started = performance.now();
    const result = await writer.apply(page + 1, transactions);
    const elapsed = performance.now() - started;
    if (result.applied !== 1000) throw new Error(`page ${page} applied ${result.applied} of 1000`);
    if (page >= warmUp) durations.push(elapsed);
    else progress(`page apply warm-up ${page + 1}/${warmUp}: ${Math.round(elapsed)} ms`);
  }
  const typical = median(durations);
  progress(
    `page apply: median ${Math.round(typical)} ms over ${measured} pages (min ${Math.round(Math.min(...durations))}, max ${Math.round(Math.max(...durations))})`,
  );
  return {
    figures: {
      pageApplyFractionOfTick: rounded(typical / TICK_MS, 4),
      pageApplyMs: Math.round(typical),
      pageApplyMaxMs: Math.round(Math.max(...durations)),
    },
    notes: [
      `page apply: 1000 transactions over ${USERS} users, APPLY_CONCURRENCY ${config.applyConcurrency}, median of ${measured} pages after ${warmUp} warm-up pages`,
    ],
  };
}
