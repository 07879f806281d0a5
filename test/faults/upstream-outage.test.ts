import { referenceAggregates } from '../../lib/core/aggregate';
import type { Transaction } from '../../lib/core/transaction';
import type { TickReport } from '../../lib/ingestion/run-tick';
import { runTick } from '../../lib/ingestion/run-tick';
import { tickDependencies } from '../../lib/ingestion/tick-dependencies';
import { datasetItem, explicitDataset, type MockTransaction } from '../../lib/mock-upstream/dataset';
import { contractLimit } from '../../lib/mock-upstream/mock-settings';
import { createMockTransactionApi } from '../../lib/mock-upstream/transaction-api';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import type { RunningServer } from '../../infra/local/http-listener';
import { startMockUpstreamServer } from '../../infra/local/mock-upstream-server';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { normalised, storedAggregates, storedCursor, testConfig } from '../support/ingestion-harness';

const now = Date.parse('2024-06-01T12:00:00Z');
const types = ['earned', 'spent', 'payout', 'paidOut'] as const;
/** A backlog of 2,500 (pages of 1000, 1000, 500) and then live traffic, one every 2 s, during and after the outage. */
const history: MockTransaction[] = [
  ...Array.from({ length: 2_500 }, (_, i) => ({
    id: `old-${i}`,
    userId: `user-${i % 200}`,
    createdAt: new Date(now - 3_600_000 + i * 1000).toISOString(),
    type: types[i % 4],
    amount: `${i % 53}.${i % 9}`,
  })),
  ...Array.from({ length: 240 }, (_, i) => ({
    id: `new-${i}`,
    userId: `user-${i % 50}`,
    createdAt: new Date(now + i * 2000).toISOString(),
    type: types[i % 4],
    amount: '0.1',
  })),
];

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
});

test('the Transaction API down for several ticks: failed calls are counted, the cursor stays put, then ingestion catches up with nothing lost', async () => {
  const table = await createTestTable();
  const store = { document: createDocumentClient(), tableName: table.tableName };
  const clock = new FakeClock(now);
  const api = createMockTransactionApi({ dataset: explicitDataset(history.map(datasetItem)), limit: contractLimit(1), nowMs: clock.nowMs });
  server = await startMockUpstreamServer(api);
  const port = server.port;
  const config = testConfig(table.tableName, { INGEST_FROM: '2024-06-01T10:00:00Z', TRANSACTIONS_API_URL: server.url, UPSTREAM_TIMEOUT_MS: '2000' });
  const tick = (): Promise<TickReport> => runTick(tickDependencies(config, { store, clock, holder: 'outage-test' }));
  const position = async () => {
    const cursor = await storedCursor(store);
    return {
      sequence: cursor.sequence,
      watermark: cursor.watermark,
      verifiedWatermark: cursor.verifiedWatermark,
      position: cursor.position,
      pendingChunks: cursor.pendingChunks,
    };
  };

  expect(await tick()).toMatchObject({ outcome: 'applied', fetched: 1000 });
  const beforeOutage = await position();
  expect(beforeOutage).toMatchObject({ sequence: 1 });

  // Down: nothing listens on the port any more.
  await server.close();
  server = undefined;
  const outage: TickReport[] = [];
  for (let i = 0; i < 4; i++) {
    clock.advance(12_000);
    outage.push(await tick());
    expect(await position()).toEqual(beforeOutage);
  }
  expect(outage.map((report) => report.outcome)).toEqual(['upstream-error', 'upstream-error', 'upstream-error', 'upstream-error']);
  expect(outage.every((report) => report.error?.startsWith('network'))).toBe(true);
  expect((await storedCursor(store)).counters).toMatchObject({ calls: 1, failedCalls: 4, applied: 1000 });

  // Back on the same address: the same page is asked for again, and ingestion catches up.
  server = await startMockUpstreamServer(api, port);
  const after: TickReport[] = [];
  for (let i = 0; i < 40 && (after.length === 0 || after[after.length - 1]!.lagSeconds > 20); i++) {
    clock.advance(12_000);
    after.push(await tick());
  }
  // The call resumes right after the head watermark the outage left in place.
  expect(after[0]).toMatchObject({
    outcome: 'applied',
    pass: 'head',
    fetched: 1000,
    window: { start: new Date(Date.parse(beforeOutage.watermark) + 1000).toISOString(), page: 1 },
  });

  const watermark = Date.parse((await storedCursor(store)).watermark);
  const visible: Transaction[] = history.filter((transaction) => Date.parse(transaction.createdAt) <= watermark + 999);
  expect(visible.length).toBeGreaterThan(2_500);
  expect(normalised(await storedAggregates(store))).toEqual(normalised(referenceAggregates(visible)));
  expect((await storedCursor(store)).counters).toMatchObject({ applied: visible.length, failedCalls: 4, quarantined: 0 });
  await table.drop();
}, 60_000);
