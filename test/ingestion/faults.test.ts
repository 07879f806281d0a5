import { DecimalText } from '../../lib/core/transaction';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { createQuarantineStore } from '../../lib/store/quarantine-store';
import { rewindCursor } from '../../lib/store/operator-actions';
import { UpstreamCallError } from '../../lib/ingestion/ports';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { storedAggregates, storedCursor, testConfig, tick } from '../support/ingestion-harness';
import { ScriptedUpstream, upstreamRecord, type UpstreamRecord } from '../support/scripted-upstream';

const t0 = Date.parse('2024-01-01T00:10:00Z');

async function world(records: UpstreamRecord[]) {
  const table = await createTestTable();
  const store = { document: createDocumentClient(), tableName: table.tableName };
  const clock = new FakeClock(t0 + 30_000);
  const upstream = new ScriptedUpstream(records, clock.nowMs);
  return { table, store, clock, upstream, config: testConfig(table.tableName) };
}

const earned = (id: string, userId: string, offsetMs: number, amount = '1') =>
  upstreamRecord({ id, userId, createdAtMs: t0 + offsetMs, type: 'earned', amount });

describe('a failed upstream call moves nothing and is retried on a later tick', () => {
  const failures: [string, UpstreamCallError][] = [
    ['429 with Retry-After', new UpstreamCallError('rate-limited', 'upstream answered 429', 429, 30_000)],
    ['500', new UpstreamCallError('server-error', 'upstream answered 500', 500)],
    ['timeout', new UpstreamCallError('timeout', 'no answer within 6000 ms')],
    ['non-JSON body', new UpstreamCallError('not-json', 'upstream body is not JSON', 200)],
    ['wrong shape', new UpstreamCallError('bad-shape', 'upstream body has the wrong shape', 200)],
  ];

  test.each(failures)('%s', async (_, failure) => {
    const w = await world([earned('a', 'u1', 0, '2.5'), earned('b', 'u2', 1000, '0.1')]);
    w.upstream.failCall(0, failure);
    const before = await storedCursor(w.store).catch(() => undefined);

    const failed = await tick(w.config, w.store, w.upstream, w.clock);
    expect(failed.outcome).toBe(failure.kind === 'rate-limited' ? 'rate-limited' : 'upstream-error');
    const after = await storedCursor(w.store);
    expect(before).toBeUndefined();
    expect(after).toMatchObject({ sequence: 0, watermark: '2023-12-31T23:59:59.000Z', lastOutcome: failed.outcome });
    expect(after.pendingChunks).toBeUndefined();
    expect(after.counters.failedCalls).toBe(1);
    expect((await storedAggregates(w.store)).size).toBe(0);

    if (failure.kind === 'rate-limited') {
      w.clock.advance(12_000);
      expect((await tick(w.config, w.store, w.upstream, w.clock)).outcome).toBe('backing-off');
      expect(w.upstream.calls).toHaveLength(1);
      w.clock.advance(20_000); // Retry-After was 30 s
    } else {
      w.clock.advance(12_000);
    }
    const retried = await tick(w.config, w.store, w.upstream, w.clock);
    expect(retried).toMatchObject({ outcome: 'applied', applied: 2 });
    expect(w.upstream.calls).toHaveLength(2);
    expect(w.upstream.calls[1]!.window.start).toBe(w.upstream.calls[0]!.window.start); // the failed call moved nothing
    expect((await storedAggregates(w.store)).get('u2')?.earned).toBe('0.1');
    await w.table.drop();
  });
});

test('malformed records are quarantined with their reason and counted; the rest of the page is applied', async () => {
  const bad = (record: UpstreamRecord['record'], offsetMs: number): UpstreamRecord => ({ record, createdAtMs: t0 + offsetMs, visibleAtMs: t0 + offsetMs });
  const w = await world([
    earned('ok-1', 'u1', 0, '0.1'),
    bad({ id: 'no-user', createdAt: new Date(t0).toISOString(), type: 'earned', amount: new DecimalText('5') }, 1),
    bad({ id: 'neg', userId: 'u1', createdAt: new Date(t0).toISOString(), type: 'earned', amount: new DecimalText('-5') }, 2),
    bad({ id: 'str', userId: 'u1', createdAt: new Date(t0).toISOString(), type: 'earned', amount: '5' }, 3),
    bad({ id: 'type', userId: 'u1', createdAt: new Date(t0).toISOString(), type: 'refund', amount: new DecimalText('5') }, 4),
    bad({ id: 'date', userId: 'u1', createdAt: 'yesterday', type: 'spent', amount: new DecimalText('5') }, 5),
    earned('ok-2', 'u1', 10, '0.2'),
  ]);
  const report = await tick(w.config, w.store, w.upstream, w.clock);
  expect(report).toMatchObject({ outcome: 'applied', fetched: 7, applied: 2, quarantined: 5 });
  expect((await storedAggregates(w.store)).get('u1')?.earned).toBe('0.3');
  const { Items = [] } = await w.store.document.send(
    new QueryCommand({ TableName: w.store.tableName, KeyConditionExpression: 'pk = :q', ExpressionAttributeValues: { ':q': 'QUARANTINE' } }),
  );
  const byId = new Map(Items.map((item) => [JSON.parse(item.raw).id ?? '(none)', item]));
  expect(Object.fromEntries([...byId].map(([id, item]) => [id, item.reason]))).toEqual({
    'no-user': expect.stringContaining('userId'),
    neg: 'amount is negative',
    str: expect.stringContaining('amount is missing or not a JSON number'),
    type: expect.stringContaining('type is not one of'),
    date: expect.stringContaining('createdAt'),
  });
  expect(JSON.parse(byId.get('neg')!.raw)).toMatchObject({ id: 'neg', amount: -5 });
  expect(byId.get('neg')!.rawSha256).toMatch(/^[0-9a-f]{64}$/);
  expect((await storedCursor(w.store)).counters).toMatchObject({ quarantined: 5, applied: 2, fetched: 7 });
  await w.table.drop();
});

test('a malformed record re-read by a later pass is kept and counted once; a retry of the same page counts it again', async () => {
  const table = await createTestTable();
  const quarantine = createQuarantineStore({ document: createDocumentClient(), tableName: table.tableName });
  const record = { index: 3, reason: 'amount is negative', raw: '{"id":"neg"}', rawSha256: 'a'.repeat(64) };
  const source = { window: { start: '2024-01-01T00:00:00.000Z', end: '2024-01-01T00:00:10.000Z' }, page: 1 };
  expect(await quarantine.keep(7, [record, { ...record, index: 9 }], source, '2024-01-01T00:01:00.000Z')).toBe(1);
  expect(await quarantine.keep(7, [record], source, '2024-01-01T00:01:05.000Z')).toBe(1); // the same page, retried after a crash
  expect(await quarantine.keep(8, [record], source, '2024-01-01T00:02:00.000Z')).toBe(0); // the tail reads it again
  await table.drop();
});

test('a page whose records are all malformed is quarantined and the cursor still moves past it', async () => {
  const w = await world([
    { record: { id: 'x' }, createdAtMs: t0, visibleAtMs: t0 },
    { record: { amount: new DecimalText('1e400') }, createdAtMs: t0, visibleAtMs: t0 },
  ]);
  const report = await tick(w.config, w.store, w.upstream, w.clock);
  expect(report).toMatchObject({ outcome: 'applied', fetched: 2, applied: 0, quarantined: 2 });
  const cursor = await storedCursor(w.store);
  expect(cursor.sequence).toBe(1);
  expect(cursor.watermark).toBe(w.upstream.calls[0]!.window.end);
  await w.table.drop();
});

test('a stored page whose apply failed is recorded (apply-failed, a streak), kept, and applied again without calling the upstream again', async () => {
  const w = await world([earned('a', 'u1', 0, '1.2'), earned('b', 'u1', 1, '0.01')]);
  const crashing = {
    ...w.store,
    document: new Proxy(w.store.document, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: { constructor: { name: string }; input: { TransactItems?: { Update?: { Key?: { sk?: string } } }[] } }) => {
          // Dies at the first write of the aggregates (the stored page's own transaction lands).
          const writesAggregates = command.input.TransactItems?.some((action) => action.Update?.Key?.sk === 'AGGREGATE');
          if (command.constructor.name === 'TransactWriteCommand' && writesAggregates) throw new Error('Lambda died');
          return target.send(command as never);
        };
      },
    }),
  };
  expect(await tick(w.config, crashing, w.upstream, w.clock)).toMatchObject({
    outcome: 'apply-failed',
    consecutiveFailures: 1,
    error: 'apply-failed: Error: Lambda died',
  });
  const failed = await storedCursor(w.store);
  expect(failed).toMatchObject({ lastOutcome: 'apply-failed', lastError: 'apply-failed: Error: Lambda died', sequence: 0 });
  expect(failed.pendingChunks).toBeDefined();
  expect(failed.failureStreak).toMatchObject({ pass: 'head', attempts: 1, kind: 'apply-failed: Error' });
  w.clock.advance(12_000);
  const report = await tick(w.config, w.store, w.upstream, w.clock);
  expect(report).toMatchObject({ outcome: 'reapplied', applied: 2, consecutiveFailures: 0 });
  expect((await storedCursor(w.store)).failureStreak).toBeUndefined();
  expect(w.upstream.calls).toHaveLength(1);
  expect((await storedAggregates(w.store)).get('u1')?.earned).toBe('1.21');
  await w.table.drop();
});

test('a page of 1000 records of 2 KB incompressible junk is stored (in chunks), applied and quarantined, never stuck', async () => {
  const { randomBytes } = await import('node:crypto');
  const junk = () => randomBytes(1500).toString('base64'); // ~2 KB that gzip cannot shrink
  const records: UpstreamRecord[] = Array.from({ length: 1000 }, (_, i) => {
    const createdAtMs = t0 + Math.floor(i / 100) * 1000;
    if (i % 10 < 7)
      return {
        record: { id: junk(), userId: 'u1', createdAt: new Date(createdAtMs).toISOString(), type: 'earned', amount: junk() },
        createdAtMs,
        visibleAtMs: createdAtMs,
      };
    return { record: { ...earned(`ok-${i}`, `u${i % 3}`, createdAtMs - t0, '0.5').record, memo: junk() }, createdAtMs, visibleAtMs: createdAtMs };
  });
  const w = await world(records);
  const pendingPuts: number[] = [];
  const store = {
    ...w.store,
    document: new Proxy(w.store.document, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: { constructor: { name: string }; input: { TransactItems?: { Put?: { Item?: { sk?: string } } }[] } }) => {
          if (command.constructor.name === 'TransactWriteCommand') {
            const chunks = (command.input.TransactItems ?? []).filter((action) => action.Put?.Item?.sk?.startsWith('PENDING#')).length;
            if (chunks > 0) pendingPuts.push(chunks);
          }
          return target.send(command as never);
        };
      },
    }),
  };
  const report = await tick(w.config, store, w.upstream, w.clock);
  expect(report).toMatchObject({ outcome: 'applied', fetched: 1000, applied: 300, quarantined: 700 });
  expect(pendingPuts).toEqual([expect.any(Number)]);
  expect(pendingPuts[0]).toBeGreaterThan(1); // more than one 300 KB chunk: the page is far over DynamoDB's 400 KB item limit
  const { Items = [] } = await w.store.document.send(
    new QueryCommand({ TableName: w.store.tableName, KeyConditionExpression: 'pk = :q', ExpressionAttributeValues: { ':q': 'QUARANTINE' } }),
  );
  expect(Items).toHaveLength(700);
  expect(Math.max(...Items.map((item) => item.raw.length))).toBeLessThanOrEqual(512); // an excerpt, plus the hash of the whole
  expect((await storedAggregates(w.store)).get('u1')?.earned).toBe('50');
  expect((await storedCursor(w.store)).pendingChunks).toBeUndefined();
  await w.table.drop();
}, 60_000);

test('Retry-After: 86400 is honoured only up to 2 budget windows, and the capped one is counted and said', async () => {
  const w = await world([earned('a', 'u1', 0, '1')]);
  w.upstream.failCall(0, new UpstreamCallError('rate-limited', 'upstream answered 429', 429, 86_400_000));
  const capped = await tick(w.config, w.store, w.upstream, w.clock);
  expect(capped.outcome).toBe('rate-limited');
  expect(capped.error).toMatch(/Retry-After 86400 s capped to 120 s/);
  expect((await storedCursor(w.store)).counters).toMatchObject({ cappedRetryAfter: 1, failedCalls: 1 });
  w.clock.advance(119_000);
  expect((await tick(w.config, w.store, w.upstream, w.clock)).outcome).toBe('backing-off');
  w.clock.advance(2_000);
  expect(await tick(w.config, w.store, w.upstream, w.clock)).toMatchObject({ outcome: 'applied', applied: 1 });
  await w.table.drop();
});

test('the same (userId, id) listed again with other content keeps the first and is counted as a conflict, within a page and across pages', async () => {
  const again = (id: string, amount: string, offsetMs: number) => earned(id, 'u1', offsetMs, amount);
  const w = await world([earned('a', 'u1', 0, '1'), again('a', '5', 1000), earned('b', 'u1', 2000, '2')]);
  const first = await tick(w.config, w.store, w.upstream, w.clock);
  expect(first).toMatchObject({ outcome: 'applied', applied: 2, duplicates: 1 });
  expect(first.conflicts).toEqual([
    { userId: 'u1', id: 'a', kept: `earned|1|${new Date(t0).toISOString()}`, received: `earned|5|${new Date(t0 + 1000).toISOString()}` },
  ]);
  // A later page lists b again with another amount: a duplicate of what was applied, and a conflict.
  const later = new ScriptedUpstream([earned('b', 'u1', 2000, '9')], w.clock.nowMs);
  w.clock.advance(100_000);
  const config = testConfig(w.store.tableName, { INGEST_FROM: new Date(t0).toISOString() });
  expect(await rewindCursor(w.store, new Date(t0 - 1000).toISOString(), new Date(w.clock.nowMs()).toISOString())).toMatchObject({ rewound: true });
  const reread = await tick(config, w.store, later, w.clock);
  expect(reread).toMatchObject({ applied: 0, duplicates: 1 });
  expect(reread.conflicts).toEqual([
    expect.objectContaining({ id: 'b', kept: expect.stringContaining('earned|2|'), received: expect.stringContaining('earned|9|') }),
  ]);
  expect((await storedAggregates(w.store)).get('u1')?.earned).toBe('3');
  expect((await storedCursor(w.store)).counters).toMatchObject({ conflicts: 2 });
  await w.table.drop();
});
