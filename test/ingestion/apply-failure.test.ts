import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { refuseFaultRecordWrites } from '../../infra/local/refusing-writes';
import { unjamIngestion } from '../../infra/ops/unjam-ingestion';
import { JAM_ATTEMPTS } from '../../lib/core/failure-streak';
import { applyFaultTransactions, applyFaultUsers, type FaultMode } from '../../lib/mock-upstream/faults';
import { createCursorRepository } from '../../lib/store/cursor-repository';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { createReadStore } from '../../lib/store/read-store';
import type { StoreContext } from '../../lib/store/store-context';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { emptyHeadPage, pendingChunkCount, storedAggregates, storedCursor, testConfig, tick } from '../support/ingestion-harness';
import { ScriptedUpstream, upstreamRecord } from '../support/scripted-upstream';

const t0 = Date.parse('2024-01-01T00:10:00Z');

/**
 * 20 ordinary transactions of three users around t0, plus the mock's fault record(s) at t0 + 5 s,
 * read through a table that fails the fault records' writes (the local runtime's fault hook).
 */
async function world(modes: FaultMode[]) {
  const table = await createTestTable();
  const plain: StoreContext = { document: createDocumentClient(), tableName: table.tableName };
  const refusing: StoreContext = { document: createDocumentClient(), tableName: table.tableName };
  const faults = { modes, seed: 'test', badPageAtMs: t0 + 5_000 };
  refuseFaultRecordWrites(refusing.document, faults);
  const clock = new FakeClock(t0 + 60_000);
  const ordinary = Array.from({ length: 20 }, (_, i) =>
    upstreamRecord({ id: `t${i}`, userId: `u${i % 3}`, createdAtMs: t0 + i * 500, type: 'earned', amount: '1.5' }),
  );
  const poison = applyFaultTransactions(faults).map((t) => upstreamRecord({ ...t, createdAtMs: Date.parse(t.createdAt) }));
  const upstream = new ScriptedUpstream([...ordinary, ...poison], clock.nowMs);
  const config = testConfig(table.tableName, { RECONCILE_HOURS: '0' });
  const lines: string[] = [];
  const operator = (action: string) =>
    unjamIngestion(['--table', table.tableName, '--action', action, '--by', 'carol', '--reason', 'OPS-9'], clock.nowMs(), (line) => lines.push(line));
  const status = () => createReadStore(plain).getStatus();
  const earnedOf = async (userId: string) => (await storedAggregates(plain)).get(userId)?.earned;
  return { table, plain, refusing, clock, upstream, config, lines, operator, status, earnedOf };
}

test('a record the table refuses on its own is quarantined with the reason, and the rest of its page applies', async () => {
  const w = await world(['refused-record']);
  const report = await tick(w.config, w.refusing, w.upstream, w.clock);
  expect(report).toMatchObject({ outcome: 'applied', applied: 20, quarantined: 1 });
  expect(report.error).toMatch(/1 record\(s\) refused by the store and quarantined: ValidationException/);
  expect(await w.earnedOf('u0')).toBe('10.5');
  expect(await w.earnedOf(applyFaultUsers['refused-record'])).toBeUndefined();
  const { Items = [] } = await w.plain.document.send(
    new QueryCommand({ TableName: w.table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'QUARANTINE' } }),
  );
  expect(Items).toEqual([
    expect.objectContaining({
      reason: expect.stringMatching(/^refused by the store: ValidationException: /),
      raw: expect.stringContaining('refused-record-1'),
    }),
  ]);
  expect(await storedCursor(w.plain)).toMatchObject({ sequence: 1, lastOutcome: 'applied' });
  expect((await w.status())?.counters).toMatchObject({ applied: 20, quarantined: 1 });
  await w.table.drop();
});

test('a page that cannot be applied jams (recorded, backing off, on /status), an operator quarantines its unapplied record, and ingestion resumes', async () => {
  const w = await world(['stuck-record']);
  const reports = [];
  for (let i = 0; i < JAM_ATTEMPTS; i++) {
    reports.push(await tick(w.config, w.refusing, w.upstream, w.clock));
    w.clock.advance(12_000);
  }
  expect(reports.map((r) => [r.outcome, r.consecutiveFailures])).toEqual(Array.from({ length: JAM_ATTEMPTS }, (_, i) => ['apply-failed', i + 1]));
  expect(reports.at(-1)!.error).toMatch(/^apply-failed: InternalServerError: .*jammed: the same call failed 5 times/);
  expect(w.upstream.calls).toHaveLength(1); // the page is stored once and retried from the table
  // The other users of the page landed (their own transactions); the stuck one never did.
  expect(await w.earnedOf('u1')).toBe('10.5');
  expect(await w.earnedOf(applyFaultUsers['stuck-record'])).toBeUndefined();
  expect(await tick(w.config, w.refusing, w.upstream, w.clock)).toMatchObject({ outcome: 'backing-off' });
  const jammed = (await w.status())!;
  expect(jammed.lastTick?.outcome).toBe('backing-off');
  expect(jammed.jam).toMatchObject({ pass: 'head', attempts: JAM_ATTEMPTS, failure: 'apply-failed: InternalServerError' });

  expect(await w.operator('quarantine')).toBe(0);
  expect(w.lines.at(-1)).toMatch(/^quarantined 1 unapplied record\(s\) of the pending page of: head pass, .*failed 5 times: apply-failed: InternalServerError/);
  const after = (await w.status())!;
  expect(after.jam).toBeUndefined();
  expect(after.lastTick?.outcome).toBe('quarantined');
  expect(after.operatorActions).toEqual([expect.objectContaining({ action: 'quarantine', by: 'carol', reason: 'OPS-9', records: 1, attempts: JAM_ATTEMPTS })]);
  expect(after.counters.quarantined).toBe(1);

  // The next tick (no backoff left) checkpoints the page without calling the upstream; the chunks go with it.
  const resumed = await tick(w.config, w.refusing, w.upstream, w.clock);
  expect(resumed).toMatchObject({ outcome: 'reapplied', applied: 20, consecutiveFailures: 0 });
  expect(resumed.error).toMatch(/1 record\(s\) quarantined by an operator/);
  expect(w.upstream.calls).toHaveLength(1);
  expect(await pendingChunkCount(w.plain)).toBe(0);
  const { Items = [] } = await w.plain.document.send(
    new QueryCommand({ TableName: w.table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'QUARANTINE' } }),
  );
  expect(Items).toEqual([expect.objectContaining({ reason: 'quarantined by carol: OPS-9', raw: expect.stringContaining('stuck-record-1') })]);
  // Later re-reads of that second (the tail) do not apply it either: its marker says it is set aside.
  for (let i = 0; i < 30; i++) {
    w.clock.advance(12_000);
    const report = await tick(w.config, w.refusing, w.upstream, w.clock);
    expect(report.outcome).not.toBe('apply-failed');
  }
  expect(Date.parse((await w.status())!.verifiedWatermark!)).toBeGreaterThan(t0 + 5_000);
  expect(await w.earnedOf('u0')).toBe('10.5');
  await w.table.drop();
}, 120_000);

test.each(['skip', 'split'])(
  '%s works on a pending page that cannot be applied: the page and its chunks are dropped, and the pass moves as the action says',
  async (action) => {
    const w = await world(['stuck-record']);
    for (let i = 0; i < JAM_ATTEMPTS; i++) {
      await tick(w.config, w.refusing, w.upstream, w.clock);
      w.clock.advance(60_000);
    }
    const before = await storedCursor(w.plain);
    expect(before.pendingChunks).toBeDefined();
    expect(await w.operator(action)).toBe(0);
    const after = await storedCursor(w.plain);
    expect(after.pendingChunks).toBeUndefined();
    expect(after.failureStreak).toBeUndefined();
    expect(after.sequence).toBe(before.sequence + 1);
    expect(await pendingChunkCount(w.plain)).toBe(0);
    expect(after.operatorActions?.at(-1)).toMatchObject({ action, failure: 'apply-failed: InternalServerError' });
    if (action === 'skip') expect(Date.parse(after.watermark)).toBeGreaterThan(Date.parse(before.watermark));
    else expect(after.watermark).toBe(before.watermark);
    await w.table.drop();
  },
  60_000,
);

test('a pending page whose chunks are gone is a pending-lost jam, not an exception; quarantine refuses, skip gets past it', async () => {
  const w = await world([]);
  // Store a page as a tick would, then lose its chunks (their TTL) before it is applied.
  const cursor = createCursorRepository(w.plain);
  const state = await cursor.create(
    {
      head: t0 / 1000 - 1,
      verified: t0 / 1000 - 1,
      reconciled: t0 / 1000 - 1,
      open: {},
      ledger: { from: t0 / 1000, counts: [] },
      density: 0,
      probeItems: 1000,
    },
    new Date(w.clock.nowMs()).toISOString(),
  );
  const page = emptyHeadPage({ start: t0 / 1000, end: t0 / 1000 + 9 }, w.clock.nowMs());
  expect(await cursor.savePending(state.sequence, page)).toBe(true);
  const { Items = [] } = await w.plain.document.send(
    new QueryCommand({
      TableName: w.table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': 'INGESTION', ':p': 'PENDING#' },
    }),
  );
  for (const item of Items) await w.plain.document.send(new DeleteCommand({ TableName: w.table.tableName, Key: { pk: item.pk, sk: item.sk } }));

  const reports = [];
  for (let i = 0; i < JAM_ATTEMPTS; i++) {
    reports.push(await tick(w.config, w.plain, w.upstream, w.clock));
    w.clock.advance(12_000);
  }
  expect(reports.map((r) => r.outcome)).toEqual(Array(JAM_ATTEMPTS).fill('pending-lost'));
  expect(reports.at(-1)!.error).toMatch(/^pending-page-lost: the stored page expired before it could be applied; jammed/);
  expect(w.upstream.calls).toHaveLength(0);
  expect((await w.status())?.jam).toMatchObject({ pass: 'head', failure: 'pending-page-lost', window: page.window });
  expect(await w.operator('quarantine')).toBe(1);
  expect(w.lines.at(-1)).toMatch(/chunks are gone/);
  expect(await w.operator('skip')).toBe(0);
  const after = await storedCursor(w.plain);
  expect(after.pendingChunks).toBeUndefined();
  expect(after.watermark).toBe(page.window.end);
  w.clock.advance(120_000);
  expect(await tick(w.config, w.plain, w.upstream, w.clock)).toMatchObject({ outcome: 'applied' });
  await w.table.drop();
}, 60_000);

test('a failing tick cannot restore the streak, backoff or recent calls that a concurrent checkpoint replaced', async () => {
  const w = await world([]);
  const cursor = createCursorRepository(w.plain);
  const nowIso = new Date(w.clock.nowMs()).toISOString();
  const state = await cursor.create(
    { head: t0 / 1000, verified: t0 / 1000, reconciled: t0 / 1000, open: {}, ledger: { from: t0 / 1000 + 1, counts: [] }, density: 0, probeItems: 1000 },
    nowIso,
  );
  const page = emptyHeadPage({ start: t0 / 1000 + 1, end: t0 / 1000 + 1 }, w.clock.nowMs());
  expect(await cursor.savePending(state.sequence, page)).toBe(true);
  // Tick B checkpoints while tick A (which read the same sequence) is failing.
  expect(
    await cursor.checkpoint(state.sequence, state.position, {
      counters: { calls: 1 },
      outcome: 'applied',
      nowIso,
      recentCalls: [{ atMs: 1, pass: 'head', ok: true }],
    }),
  ).toBe(true);
  const streak = { pass: 'head' as const, span: page.span, page: 1, call: 'head:x#1', attempts: 4, since: nowIso, kind: 'timeout' };
  expect(
    await cursor.recordOutcome(state.sequence, 'upstream-error', nowIso, { failureStreak: streak, notBefore: w.clock.nowMs() + 60_000, recentCalls: [] }),
  ).toBe(false);
  const stored = await storedCursor(w.plain);
  expect(stored).toMatchObject({ sequence: state.sequence + 1, lastOutcome: 'applied', recentCalls: [{ atMs: 1, pass: 'head', ok: true }] });
  expect(stored.failureStreak).toBeUndefined();
  expect(stored.notBefore).toBeUndefined();
  expect(await cursor.recordOutcome(state.sequence + 1, 'idle', nowIso)).toBe(true);
  await w.table.drop();
});

test('when every new record of a page is refused alike, the page fails (the table or the code is at fault, not the records)', async () => {
  const table = await createTestTable();
  const refusing: StoreContext = { document: createDocumentClient(), tableName: table.tableName };
  refusing.document.middlewareStack.add(
    (next, context) => async (args) => {
      const items = (args.input as { TransactItems?: { Update?: { Key?: { sk?: unknown } } }[] }).TransactItems ?? [];
      const writesAggregates = items.some(({ Update }) => JSON.stringify(Update?.Key?.sk ?? '').includes('AGGREGATE'));
      if (context.commandName === 'TransactWriteItemsCommand' && writesAggregates) {
        throw Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException' });
      }
      return next(args);
    },
    { step: 'build' },
  );
  const clock = new FakeClock(t0 + 60_000);
  const upstream = new ScriptedUpstream(
    [0, 1, 2].map((i) => upstreamRecord({ id: `t${i}`, userId: `u${i}`, createdAtMs: t0 + i * 1000, type: 'earned', amount: '1' })),
    clock.nowMs,
  );
  const report = await tick(testConfig(table.tableName), refusing, upstream, clock);
  expect(report).toMatchObject({ outcome: 'apply-failed', quarantined: 0, consecutiveFailures: 1 });
  expect(report.error).toMatch(/every new transaction of the page was refused \(ValidationException/);
  await table.drop();
});
