import { referenceAggregates, viewOf } from '../../lib/core/aggregate';
import { validateRecord } from '../../lib/core/transaction';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { createReadStore } from '../../lib/store/read-store';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { testConfig, tick } from '../support/ingestion-harness';
import { ScriptedUpstream, upstreamRecord } from '../support/scripted-upstream';

test('aggregates written by ingestion are read back by the read API store exactly, payout list included', async () => {
  const table = await createTestTable();
  const store = { document: createDocumentClient(), tableName: table.tableName };
  const t0 = Date.parse('2024-01-01T00:10:00Z');
  const clock = new FakeClock(t0 + 60_000);
  const amounts = ['0.1', '0.2', '12345678901234.56', '0.01', '99999999.99999999', '1.2'];
  const records = amounts.flatMap((amount, i) => [
    upstreamRecord({ id: `e${i}`, userId: 'exact', createdAtMs: t0 + i * 1000, type: 'earned', amount }),
    upstreamRecord({ id: `p${i}`, userId: `payee-${i % 2}`, createdAtMs: t0 + i * 1000, type: 'payout', amount }),
    upstreamRecord({ id: `s${i}`, userId: 'exact', createdAtMs: t0 + i * 1000, type: 'spent', amount: '0.3' }),
  ]);
  await tick(testConfig(table.tableName), store, new ScriptedUpstream(records, clock.nowMs), clock);

  const reference = referenceAggregates(
    records.flatMap((r) => {
      const v = validateRecord(r.record);
      return v.ok ? [v.transaction] : [];
    }),
  );
  const reads = createReadStore(store);
  for (const [userId, sums] of reference) expect(await reads.getAggregate(userId)).toEqual(viewOf(sums));
  expect(await reads.getAggregate('exact')).toMatchObject({ earned: '12345778901236.06999999', balance: '12345778901234.26999999' });
  expect((await reads.listPayouts({ limit: 1000 })).payouts).toEqual([
    { userId: 'payee-0', totalPayout: reference.get('payee-0')!.payout },
    { userId: 'payee-1', totalPayout: reference.get('payee-1')!.payout },
  ]);
  await table.drop();
});
