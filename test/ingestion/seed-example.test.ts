import { createDocumentClient } from '../../lib/store/dynamo-client';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { storedAggregates, testConfig, tick } from '../support/ingestion-harness';
import { ScriptedUpstream, upstreamRecord } from '../support/scripted-upstream';
import { viewOf } from '../../lib/core/aggregate';

test("the seed's example: earned 150, spent 50, payout 30, paidOut 20 give exactly the documented aggregate", async () => {
  const table = await createTestTable();
  const store = { document: createDocumentClient(), tableName: table.tableName };
  const t0 = Date.parse('2024-01-01T00:10:00Z');
  const clock = new FakeClock(t0 + 60_000);
  const upstream = new ScriptedUpstream(
    [
      upstreamRecord({ id: '41bbdf81-1', userId: '074092', createdAtMs: t0, type: 'earned', amount: '150' }),
      upstreamRecord({ id: '41bbdf81-2', userId: '074092', createdAtMs: t0 + 1000, type: 'spent', amount: '50' }),
      upstreamRecord({ id: '41bbdf81-3', userId: '074092', createdAtMs: t0 + 2000, type: 'payout', amount: '30' }),
      upstreamRecord({ id: '41bbdf81-4', userId: '074092', createdAtMs: t0 + 3000, type: 'paidOut', amount: '20' }),
    ],
    clock.nowMs,
  );
  const report = await tick(testConfig(table.tableName), store, upstream, clock);
  expect(report).toMatchObject({ outcome: 'applied', fetched: 4, applied: 4, duplicates: 0, quarantined: 0 });
  const sums = (await storedAggregates(store)).get('074092')!;
  expect(JSON.stringify(Object.fromEntries(Object.entries(viewOf(sums)).map(([k, v]) => [k, Number(v)])))).toBe(
    '{"balance":100,"earned":150,"spent":50,"payout":30,"paidOut":20}',
  );
  await table.drop();
});
