import { referenceAggregates } from '../../lib/core/aggregate';
import { validateRecord } from '../../lib/core/transaction';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { normalised, storedAggregates, storedCursor, testConfig, tick } from '../support/ingestion-harness';
import { ScriptedUpstream, upstreamRecord, type UpstreamRecord } from '../support/scripted-upstream';

const now = Date.parse('2024-06-01T12:00:00Z');

async function ingest(records: UpstreamRecord[], ingestFrom: string, ticks: number) {
  const table = await createTestTable();
  const store = { document: createDocumentClient(), tableName: table.tableName };
  const clock = new FakeClock(now);
  const upstream = new ScriptedUpstream(records, clock.nowMs);
  const config = testConfig(table.tableName, { INGEST_FROM: ingestFrom });
  const reports = [];
  for (let i = 0; i < ticks; i++) {
    reports.push(await tick(config, store, upstream, clock));
    clock.advance(12_000);
  }
  const valid = records.flatMap((r) => {
    const v = validateRecord(r.record);
    return v.ok ? [v.transaction] : [];
  });
  return { table, store, upstream, reports, valid };
}

test('while behind, every call brings a full page and moves the watermark: the window is split where the page ends', async () => {
  const records = Array.from({ length: 3_500 }, (_, i) =>
    upstreamRecord({
      id: `t${i}`,
      userId: `user-${i % 300}`,
      createdAtMs: now - 3_600_000 + i * 1000,
      type: (['earned', 'spent', 'payout', 'paidOut'] as const)[i % 4],
      amount: `${i % 97}.${i % 10}1`,
    }),
  );
  const { table, store, upstream, reports, valid } = await ingest(records, '2024-06-01T10:00:00Z', 4);
  expect(reports.map((r) => [r.outcome, r.pass, r.fetched])).toEqual([
    ['applied', 'head', 1000],
    ['applied', 'head', 1000],
    ['applied', 'head', 1000],
    ['applied', 'head', 503],
  ]);
  expect(upstream.calls.map((c) => c.page)).toEqual([1, 1, 1, 1]);
  // Each call ends its window just before the last second its page reached; the next starts at that second.
  const watermarks = reports.map((r) => Date.parse(r.watermark));
  expect(watermarks).toEqual([...watermarks].sort((a, b) => a - b));
  expect(new Set(watermarks).size).toBe(4);
  for (let i = 1; i < 4; i++) expect(Date.parse(upstream.calls[i]!.window.start)).toBe(watermarks[i - 1]! + 1000);
  expect(normalised(await storedAggregates(store))).toEqual(normalised(referenceAggregates(valid)));
  // The second a page ended in is read again by the next call: 3 items, counted once.
  expect((await storedCursor(store)).counters).toMatchObject({ calls: 4, headCalls: 4, fetched: 3_503, applied: 3_500, duplicates: 3 });
  await table.drop();
});

test('a sparse history years long costs only the calls its data needs', async () => {
  const records = Array.from({ length: 12 }, (_, i) =>
    upstreamRecord({ id: `old-${i}`, userId: '074092', createdAtMs: Date.parse('2021-01-01T00:00:00Z') + i * 90 * 86_400_000, type: 'earned', amount: '1.1' }),
  );
  const { table, store, upstream, reports } = await ingest(records, '2021-01-01T00:00:00Z', 1);
  expect(upstream.calls).toHaveLength(1);
  expect(reports[0]).toMatchObject({ outcome: 'applied', applied: 12 });
  expect((await storedAggregates(store)).get('074092')?.earned).toBe('13.2');
  expect(Date.parse(reports[0]!.watermark)).toBeGreaterThan(now - 10_000);
  await table.drop();
});
