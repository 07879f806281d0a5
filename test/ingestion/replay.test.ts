import { referenceAggregates } from '../../lib/core/aggregate';
import { validateRecord } from '../../lib/core/transaction';
import { createCursorRepository } from '../../lib/store/cursor-repository';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { rewindIngestion } from '../../infra/ops/rewind-ingestion';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { emptyHeadPage, normalised, pendingChunkCount, storedAggregates, storedCursor, testConfig, tick } from '../support/ingestion-harness';
import { ScriptedUpstream, upstreamRecord, type UpstreamRecord } from '../support/scripted-upstream';

const start = Date.parse('2024-06-01T11:00:00Z');
const types = ['earned', 'spent', 'payout', 'paidOut'] as const;
const record = (id: string, createdAtMs: number, visibleAtMs?: number): UpstreamRecord =>
  upstreamRecord({ id, userId: `user-${id.length % 7}`, createdAtMs, visibleAtMs, type: types[id.length % 4]!, amount: `${id.length}.${id.length % 10}1` });

async function setUp(records: UpstreamRecord[]) {
  const table = await createTestTable();
  const store = { document: createDocumentClient(), tableName: table.tableName };
  const clock = new FakeClock(start + 30 * 60_000);
  const upstream = new ScriptedUpstream(records, clock.nowMs);
  const config = testConfig(table.tableName, { INGEST_FROM: new Date(start).toISOString() });
  const tickUntilIdle = async () => {
    for (let i = 0; i < 50; i++) {
      const report = await tick(config, store, upstream, clock);
      clock.advance(12_000);
      if (report.outcome === 'applied' && report.lagSeconds < 30) return;
    }
    throw new Error('ingestion did not settle');
  };
  return {
    table,
    store,
    clock,
    tickUntilIdle,
    rewind: (...args: string[]) => rewindIngestion(['--table', table.tableName, ...args], clock.nowMs(), () => undefined),
  };
}

test('a transaction the upstream added after the tail had checked its second is applied after a rewind, and nothing is counted twice', async () => {
  const onTime = Array.from({ length: 400 }, (_, i) => record(`t${i}`, start + i * 4_000));
  // Created at +10 min, visible only at +40 min: far past the 60 s late horizon.
  const late = [record('late-a', start + 600_000, start + 40 * 60_000), record('late-bb', start + 601_000, start + 40 * 60_000)];
  const { table, store, clock, tickUntilIdle, rewind } = await setUp([...onTime, ...late]);
  await tickUntilIdle();
  clock.advance(15 * 60_000);
  await tickUntilIdle();
  const valid = (records: UpstreamRecord[]) =>
    records.flatMap((r) => {
      const v = validateRecord(r.record);
      return v.ok ? [v.transaction] : [];
    });
  expect(normalised(await storedAggregates(store))).toEqual(normalised(referenceAggregates(valid(onTime))));
  const before = await storedCursor(store);

  expect(await rewind('--to', new Date(start + 5 * 60_000).toISOString())).toBe(0);
  const rewound = await storedCursor(store);
  expect(rewound).toMatchObject({ watermark: '2024-06-01T11:05:00.000Z', sequence: Number(before.sequence) + 1, lastOutcome: 'rewound' });
  expect(rewound.verifiedWatermark).toBe('2024-06-01T11:05:00.000Z');
  await tickUntilIdle();

  expect(normalised(await storedAggregates(store))).toEqual(normalised(referenceAggregates(valid([...onTime, ...late]))));
  const after = await storedCursor(store);
  expect(after.counters.applied).toBe(onTime.length + late.length);
  expect(after.counters.duplicates).toBeGreaterThan(before.counters.duplicates);
  await table.drop();
});

test('a rewind is refused when it could count twice, and a rewind over a waiting page drops the page (and its chunks) so the replay reads it again', async () => {
  const { table, store, clock, tickUntilIdle, rewind } = await setUp([record('a', start + 1000)]);
  expect(await rewind('--to', new Date(start).toISOString())).toBe(1); // no cursor yet
  await tickUntilIdle();
  const settled = await storedCursor(store);

  const lines: string[] = [];
  const run = (to: string) => rewindIngestion(['--table', table.tableName, '--to', to], clock.nowMs(), (line) => lines.push(line));
  expect(await run(new Date(clock.nowMs() - 7 * 86_400_000).toISOString())).toBe(1);
  expect(lines.at(-1)).toMatch(/too far back.*MARKER_TTL_DAYS 7/);
  expect(await run(new Date(clock.nowMs() + 60_000).toISOString())).toBe(1);
  expect(lines.at(-1)).toMatch(/future/);
  expect(await run('yesterday')).toBe(1);
  expect(lines.at(-1)).toMatch(/not a date-time/);
  expect(await run(new Date(Date.parse(settled.watermark) + 1000).toISOString())).toBe(1);
  expect(lines.at(-1)).toMatch(/not later than/);
  expect(await rewindIngestion(['--table', table.tableName], clock.nowMs(), (line) => lines.push(line))).toBe(2);

  const cursor = createCursorRepository(store);
  const state = (await cursor.load())!;
  const second = Date.parse(settled.watermark) / 1000;
  const pending = emptyHeadPage({ start: second, end: second }, clock.nowMs());
  expect(await cursor.savePending(state.sequence, pending)).toBe(true);
  const unchanged = await storedCursor(store);
  expect(unchanged).toMatchObject({ watermark: settled.watermark, sequence: settled.sequence });

  expect(await run(new Date(start).toISOString())).toBe(0);
  expect(lines.at(-1)).toMatch(/was dropped and will be read again/);
  const rewound = await storedCursor(store);
  expect(rewound).toMatchObject({ watermark: new Date(start).toISOString(), sequence: settled.sequence + 1, lastOutcome: 'rewound' });
  expect(rewound.pendingChunks).toBeUndefined();
  expect(await pendingChunkCount(store)).toBe(0);
  await table.drop();
});
