import { systemClock } from '../../../lib/ingestion/tick-dependencies';
import { createAggregateWriter } from '../../../lib/store/aggregate-writer';
import { createBenchTable } from './bench-table';
import { spreadTransactions } from './synthetic-transactions';

/**
 * DynamoDB Local (a JVM) applies its first pages 2–4 times slower than later ones. A timed
 * scenario that may run first (`--only`) applies a few throw-away pages to a table of its own.
 */
export async function warmUpDynamoDbLocal(pages = 3): Promise<void> {
  const table = await createBenchTable('warm-up');
  const writer = createAggregateWriter(table, { nowMs: systemClock.nowMs, sleep: systemClock.sleep, markerTtlSeconds: 86_400, concurrency: 16 });
  for (let page = 0; page < pages; page++) {
    await writer.apply(page + 1, spreadTransactions({ count: 1000, users: 300, fromMs: Date.now() - 60_000, stepMs: 50, idPrefix: `warm-up-${page}` }));
  }
  table.client.destroy();
}
