import { emptyLedger } from '../../lib/core/second-ledger';
import { epochSecond, type IngestionPosition } from '../../lib/core/ingestion-position';
import { createCursorRepository } from '../../lib/store/cursor-repository';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { storedCursor, testConfig, tick } from '../support/ingestion-harness';
import { ScriptedUpstream, upstreamRecord } from '../support/scripted-upstream';

const now = Date.parse('2024-06-01T12:00:00Z');
const DAY_MS = 86_400_000;

test('a fresh read moves the watermark to within the margin of now and keeps the settled head beside it', async () => {
  const table = await createTestTable();
  const store = { document: createDocumentClient(), tableName: table.tableName };
  const clock = new FakeClock(now);
  const records = Array.from({ length: 60 }, (_, i) =>
    upstreamRecord({ id: `t${i}`, userId: 'u1', createdAtMs: now - 60_000 + i * 1000, type: 'earned', amount: '1' }),
  );
  const config = testConfig(table.tableName, { INGEST_FROM: new Date(now - 120_000).toISOString(), SETTLE_LAG_SECONDS: '45', HEAD_LAG_TARGET_SECONDS: '70' });
  const upstream = new ScriptedUpstream(records, clock.nowMs);
  // The first call catches the head up (nothing is known of the density yet); the next ones are fresh reads.
  const reports = [];
  for (let i = 0; i < 3; i++) {
    reports.push(await tick(config, store, upstream, clock));
    clock.advance(12_000);
  }
  const last = reports[reports.length - 1]!;
  expect(last).toMatchObject({ outcome: 'applied', pass: 'fresh', lagSeconds: 2, watermark: last.window!.end });
  const status = await createCursorRepository(store).readStatus();
  expect(status!.watermark).toBe(last.watermark);
  expect(status!.settledWatermark).toBe(last.settledWatermark);
  expect(Date.parse(status!.watermark)).toBeGreaterThan(Date.parse(status!.settledWatermark!));
  expect(status!.counters.freshCalls).toBeGreaterThan(0);
  expect(status!.recentCalls.some((call) => call.pass === 'fresh')).toBe(true);
  await table.drop();
});

test('a tail more than MARKER_TTL_DAYS minus a day behind never re-reads those seconds: it checks from the oldest safe one, counting what it stepped over', async () => {
  const table = await createTestTable();
  const store = { document: createDocumentClient(), tableName: table.tableName };
  const clock = new FakeClock(now);
  const head = epochSecond(now) - 50;
  const verified = epochSecond(now - 8 * DAY_MS);
  const position: IngestionPosition = {
    head,
    fresh: head,
    verified,
    reconciled: verified,
    open: {},
    ledger: emptyLedger(verified + 1),
    density: 0,
    probeItems: 1000,
  };
  await createCursorRepository(store).create(position, new Date(now).toISOString());
  // Fresh reads off (margin = settle lag), so the one call is the tail's.
  const config = testConfig(table.tableName, { SETTLE_LAG_SECONDS: '45', HEAD_LAG_TARGET_SECONDS: '70', FRESH_MARGIN_SECONDS: '45', MARKER_TTL_DAYS: '7' });
  const upstream = new ScriptedUpstream(
    [upstreamRecord({ id: 'old', userId: 'u1', createdAtMs: now - 7.5 * DAY_MS, type: 'earned', amount: '1' })],
    clock.nowMs,
  );
  const report = await tick(config, store, upstream, clock);
  expect(report.pass).toBe('tail');
  const safeFrom = epochSecond(now) - config.settings.markerSafeSeconds + 1;
  expect(epochSecond(Date.parse(upstream.calls[0]!.window.start))).toBe(safeFrom);
  expect(report.unverifiedSeconds).toBe(safeFrom - verified - 1);
  expect((await storedCursor(store)).counters.unverifiedSeconds).toBe(safeFrom - verified - 1);
  // The transaction in the unsafe stretch was never asked for again (its marker may be gone).
  expect((await storedCursor(store)).counters.applied).toBe(0);
  await table.drop();
});
