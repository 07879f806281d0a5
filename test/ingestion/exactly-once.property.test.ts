import fc from 'fast-check';
import { referenceAggregates } from '../../lib/core/aggregate';
import { DecimalText, validateRecord, type Transaction, type TransactionType } from '../../lib/core/transaction';
import Big from 'big.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { payoutSortKey } from '../../lib/core/payout-sort-key';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import type { StoreContext } from '../../lib/store/store-context';
import { keys, PAYOUT_INDEX_PARTITION } from '../../lib/store/table-schema';
import { UpstreamCallError } from '../../lib/ingestion/ports';
import { CrashPlan, InjectedCrash } from '../support/crash-injection';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { normalised, storedAggregates, storedCursor, testConfig, tick } from '../support/ingestion-harness';
import { ScriptedUpstream, type UpstreamRecord } from '../support/scripted-upstream';

const t0 = Date.parse('2024-01-01T00:10:00Z');
/** The tail checks seconds 30 s old; reconciliation re-reads them at 90 s (RECONCILE_HOURS 0.025), so lateness up to that is caught. */
const LATE_HORIZON_MS = 30_000;
const RECONCILE_MS = 90_000;
const TICK_MS = 12_000;

const amount = fc.oneof(
  fc.constantFrom('0.1', '0.2', '1.2', '0.01', '0', '30', '150', '999999.99', '0.3'),
  fc.integer({ min: 0, max: 10_000_000 }).map((cents) => (cents / 100).toFixed(2)),
);

/** One transaction and the copies of it the upstream serves (same identity, maybe other createdAt). */
const transactionArb = fc.record({
  userId: fc.constantFrom<string>('074092', '074093', 'u1', 'u2', 'u3'),
  id: fc.constantFrom(...Array.from({ length: 25 }, (_, i) => `tx-${i}`)),
  type: fc.constantFrom<TransactionType>('earned', 'spent', 'payout', 'paidOut'),
  amount,
  copies: fc.array(
    fc.record({
      createdAtOffsetMs: fc.integer({ min: 0, max: 150_000 }),
      // Most records are visible at once; some arrive after the head read their second: the tail's, or beyond its horizon the reconciliation's.
      latenessMs: fc.oneof(
        { weight: 4, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: LATE_HORIZON_MS }) },
        { weight: 1, arbitrary: fc.integer({ min: LATE_HORIZON_MS, max: RECONCILE_MS - 5_000 }) },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

const malformedArb = fc.record({
  record: fc.constantFrom<UpstreamRecord['record']>(
    { id: 'bad-1', userId: 'u1', type: 'earned', amount: new DecimalText('-1') },
    { id: 'bad-2', userId: 'u1', type: 'bonus', amount: new DecimalText('1') },
    { id: 'bad-3', type: 'earned', amount: new DecimalText('1') },
    { id: 'bad-4', userId: 'u2', type: 'spent', amount: 'NaN' },
  ),
  createdAtOffsetMs: fc.integer({ min: 0, max: 150_000 }),
});

const historyArb = fc.record({
  transactions: fc.uniqueArray(transactionArb, { selector: (t) => `${t.userId}/${t.id}`, minLength: 1, maxLength: 30 }),
  malformed: fc.array(malformedArb, { maxLength: 3 }),
  pageSize: fc.constantFrom(2, 3, 5, 10, 1000),
  crashWrites: fc.array(fc.tuple(fc.integer({ min: 0, max: 80 }), fc.constantFrom<'before' | 'after'>('before', 'after')), { maxLength: 3 }),
  crashCalls: fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 2 }),
  failingCalls: fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 2 }),
  staleMarkerReads: fc.boolean(),
  /** Settle lag and head lag target: a short settle lag leaves fresh reads a few seconds, a long one most of the calls. */
  passTiming: fc.constantFrom(
    { settleLagSeconds: 5, headLagTargetSeconds: 30 },
    { settleLagSeconds: 5, headLagTargetSeconds: 45 },
    { settleLagSeconds: 20, headLagTargetSeconds: 45 },
  ),
  freshMarginSeconds: fc.constantFrom(1, 2, 3),
});

type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

function upstreamRecords(history: History): { records: UpstreamRecord[]; valid: Transaction[] } {
  const records: UpstreamRecord[] = [];
  const valid: Transaction[] = [];
  for (const t of history.transactions) {
    for (const copy of t.copies) {
      const createdAtMs = t0 + copy.createdAtOffsetMs;
      const record = { id: t.id, userId: t.userId, createdAt: new Date(createdAtMs).toISOString(), type: t.type, amount: new DecimalText(t.amount) };
      records.push({ record, createdAtMs, visibleAtMs: createdAtMs + copy.latenessMs });
      const validated = validateRecord(record);
      if (validated.ok) valid.push(validated.transaction);
    }
  }
  for (const m of history.malformed) {
    const createdAtMs = t0 + m.createdAtOffsetMs;
    records.push({ record: { ...m.record, createdAt: new Date(createdAtMs).toISOString() }, createdAtMs, visibleAtMs: createdAtMs });
  }
  return { records, valid };
}

const reconciledWatermark = async ({ document, tableName }: StoreContext): Promise<string | undefined> =>
  (await document.send(new GetCommand({ TableName: tableName, Key: keys.cursor(), ProjectionExpression: 'reconciledWatermark', ConsistentRead: true }))).Item
    ?.reconciledWatermark as string | undefined;

/**
 * The payout-amount index is in step with the sums: every aggregate whose payout is above 0 carries
 * exactly the sort key of that payout (and the sparse partition); one at 0 carries neither.
 */
async function expectSortKeysMatchPayouts({ tableName }: StoreContext): Promise<void> {
  const reader = DynamoDBDocumentClient.from(new DynamoDBClient({}), { unmarshallOptions: { wrapNumbers: true } });
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await reader.send(
      new ScanCommand({
        TableName: tableName,
        ExclusiveStartKey,
        FilterExpression: 'sk = :sk',
        ExpressionAttributeValues: { ':sk': 'AGGREGATE' },
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) {
      const payout = new Big((item.payout as { value: string }).value);
      const userId = String(item.userId);
      if (payout.gt(0)) {
        expect({ userId, key: item.payoutSortKey, partition: item.payoutIndexPk }).toEqual({
          userId,
          key: payoutSortKey(payout, userId),
          partition: PAYOUT_INDEX_PARTITION,
        });
      } else {
        expect({ userId, key: item.payoutSortKey, partition: item.payoutIndexPk }).toEqual({ userId, key: undefined, partition: undefined });
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/**
 * The watermark's meaning (README, /status): every transaction created up to it, and listed when
 * it was read, is applied. Every read ends before it starts, so a record listed from its creation
 * on was listed when its second was read.
 */
async function expectWatermarkKept({ document, tableName }: StoreContext, records: readonly UpstreamRecord[], watermark: string): Promise<void> {
  const throughMs = Date.parse(watermark) + 999;
  const due = records
    .filter((r) => r.visibleAtMs === r.createdAtMs && r.createdAtMs <= throughMs)
    .flatMap((r) => {
      const validated = validateRecord(r.record);
      return validated.ok ? [keys.marker(validated.transaction.userId, validated.transaction.id)] : [];
    });
  const markers = await document.send(
    new ScanCommand({ TableName: tableName, FilterExpression: 'begins_with(sk, :tx)', ExpressionAttributeValues: { ':tx': 'TX#' }, ConsistentRead: true }),
  );
  const applied = new Set((markers.Items ?? []).map((item) => `${item.pk}/${item.sk}`));
  const missing = due.filter((key) => !applied.has(`${key.pk}/${key.sk}`)).map((key) => key.sk);
  expect({ watermark, missing }).toEqual({ watermark, missing: [] });
}

/** Ticks every 12 s through crashes and failures until everything visible is past the watermark. */
async function ingestUntilSettled(history: History, startAtMs = t0) {
  const table = await createTestTable();
  const store = { document: createDocumentClient(), tableName: table.tableName };
  const config = testConfig(table.tableName, {
    LATE_HORIZON_SECONDS: String(LATE_HORIZON_MS / 1000),
    RECONCILE_HOURS: String(RECONCILE_MS / 3_600_000),
    SETTLE_LAG_SECONDS: String(history.passTiming.settleLagSeconds),
    HEAD_LAG_TARGET_SECONDS: String(history.passTiming.headLagTargetSeconds),
    FRESH_MARGIN_SECONDS: String(history.freshMarginSeconds),
  });
  const clock = new FakeClock(startAtMs);
  const { records, valid } = upstreamRecords(history);
  const upstream = new ScriptedUpstream(records, clock.nowMs, history.pageSize);
  for (const index of history.failingCalls) upstream.failCall(index, new UpstreamCallError('server-error', 'upstream answered 500', 500));
  const crashes = new CrashPlan(new Map(history.crashWrites), new Set(history.crashCalls), history.staleMarkerReads);
  const lastCreated = Math.max(...records.map((r) => r.createdAtMs));
  let crashed = 0;
  for (let ticks = 0; ; ticks++) {
    if (ticks > 400) throw new Error('ingestion did not settle within 400 ticks');
    try {
      const report = await tick(config, crashes.store(store), crashes.source(upstream), clock);
      // What the watermark promises, after every fresh read: whatever was listed from its creation on and created up to it is applied.
      if (report.pass === 'fresh' && report.outcome === 'applied') await expectWatermarkKept(store, records, report.watermark);
      // Every second holding a record was re-read at least RECONCILE_MS after it, so after every record became visible.
      if (Date.parse((await reconciledWatermark(store)) ?? '') >= lastCreated - 999) break;
    } catch (error) {
      if (!(error instanceof InjectedCrash)) throw error;
      crashed++;
    }
    clock.advance(TICK_MS);
  }
  return { table, store, upstream, valid, crashed };
}

test('every valid transaction lands exactly once, whatever the duplicates, late arrivals, failures and crashes', async () => {
  let freshCalls = 0;
  await fc.assert(
    fc.asyncProperty(historyArb, async (history) => {
      const { table, store, upstream, valid } = await ingestUntilSettled(history);
      try {
        expect(normalised(await storedAggregates(store))).toEqual(normalised(referenceAggregates(valid)));
        await expectSortKeysMatchPayouts(store);
        const distinct = new Set(valid.map((t) => `${t.userId}/${t.id}`)).size;
        const cursor = await storedCursor(store);
        expect(cursor.counters.applied).toBe(distinct);
        expect(cursor.pendingChunks).toBeUndefined();
        expect(upstream.maxCallsInAnyWindow(60_000)).toBeLessThanOrEqual(5);
        freshCalls += cursor.counters.freshCalls ?? 0;
      } finally {
        await table.drop();
      }
    }),
    // PROPERTY_SEED and PROPERTY_PATH replay a counterexample fast-check printed.
    {
      numRuns: Number(process.env.PROPERTY_RUNS ?? 60),
      ...(process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED), path: process.env.PROPERTY_PATH } : {}),
    },
  );
  // The histories do exercise fresh reads (and so the crashes and late listings around them).
  expect(freshCalls).toBeGreaterThan(0);
}, 300_000);

const bulkHistoryArb = fc.record({
  amounts: fc.array(amount, { minLength: 1001, maxLength: 1300 }),
  /** Every n-th transaction is served a second time, some seconds later. */
  repeatEvery: fc.integer({ min: 3, max: 50 }),
  crashWrites: fc.array(fc.tuple(fc.integer({ min: 0, max: 700 }), fc.constantFrom<'before' | 'after'>('before', 'after')), { minLength: 1, maxLength: 3 }),
  crashCalls: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 1 }),
  staleMarkerReads: fc.boolean(),
});

test('windows of more than 1000 transactions land exactly once through crashes', async () => {
  await fc.assert(
    fc.asyncProperty(bulkHistoryArb, async (bulk) => {
      const history: History = {
        transactions: bulk.amounts.map((value, i) => ({
          userId: `user-${i % 37}`,
          id: `bulk-${i}`,
          type: (['earned', 'spent', 'payout', 'paidOut'] as const)[i % 4],
          amount: value,
          copies:
            i % bulk.repeatEvery === 0
              ? [
                  { createdAtOffsetMs: i * 90, latenessMs: 0 },
                  { createdAtOffsetMs: i * 90 + 7_000, latenessMs: 0 },
                ]
              : [{ createdAtOffsetMs: i * 90, latenessMs: 0 }],
        })),
        malformed: [],
        pageSize: 1000,
        crashWrites: bulk.crashWrites,
        crashCalls: bulk.crashCalls,
        failingCalls: [],
        staleMarkerReads: bulk.staleMarkerReads,
        passTiming: { settleLagSeconds: 5, headLagTargetSeconds: 30 },
        freshMarginSeconds: 2,
      };
      // Everything is already visible: the first window holds more than 1000 transactions.
      const { table, store, upstream, valid } = await ingestUntilSettled(history, t0 + 150_000);
      try {
        // The first window holds more than a page: ordered pages are split where they end, never paged.
        expect(upstream.calls.length).toBeGreaterThan(1);
        expect(upstream.calls.every((call) => call.page === 1)).toBe(true);
        expect(normalised(await storedAggregates(store))).toEqual(normalised(referenceAggregates(valid)));
        await expectSortKeysMatchPayouts(store);
        expect((await storedCursor(store)).counters.applied).toBe(bulk.amounts.length);
      } finally {
        await table.drop();
      }
    }),
    { numRuns: Number(process.env.BULK_PROPERTY_RUNS ?? 4), endOnFailure: true },
  );
}, 300_000);
