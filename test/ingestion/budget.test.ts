import fc from 'fast-check';
import { referenceAggregates } from '../../lib/core/aggregate';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { CrashPlan, InjectedCrash } from '../support/crash-injection';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { normalised, storedAggregates, testConfig, tick } from '../support/ingestion-harness';
import { ScriptedUpstream, upstreamRecord } from '../support/scripted-upstream';
import { validateRecord, type Transaction } from '../../lib/core/transaction';

const t0 = Date.parse('2024-01-01T00:10:00Z');

test('two tick runners started together, plus retries, never make more than 5 upstream calls in any 60 s', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        // How often each runner ticks: far more often than the budget allows.
        intervalMs: fc.integer({ min: 500, max: 12_000 }),
        crashWrites: fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.constantFrom<'before' | 'after'>('before', 'after')), { maxLength: 4 }),
      }),
      async ({ intervalMs, crashWrites }) => {
        const table = await createTestTable();
        const store = { document: createDocumentClient(), tableName: table.tableName };
        const config = testConfig(table.tableName);
        const clock = new FakeClock(t0);
        // A backlog of 40 pages, so every tick wants a call.
        const records = Array.from({ length: 200 }, (_, i) =>
          upstreamRecord({ id: `t${i}`, userId: `u${i % 7}`, createdAtMs: t0 - 300_000 + i * 1000, type: i % 3 ? 'earned' : 'payout', amount: `${i}.25` }),
        );
        const upstream = new ScriptedUpstream(records, clock.nowMs, 5);
        const crashes = new CrashPlan(new Map(crashWrites), new Set());
        const runner = (holder: string) =>
          tick(config, crashes.store(store), upstream, clock, holder).catch((error) => {
            if (!(error instanceof InjectedCrash)) throw error;
          });
        for (let round = 0; round < Math.ceil(180_000 / intervalMs); round++) {
          await Promise.all([runner('a'), runner('b')]);
          clock.advance(intervalMs);
        }
        expect(upstream.calls.length).toBeGreaterThanOrEqual(5);
        expect(upstream.maxCallsInAnyWindow(60_000)).toBeLessThanOrEqual(5);
        await table.drop();
      },
    ),
    { numRuns: 12 },
  );
}, 180_000);

test('two runners racing over the same pages still apply every transaction exactly once', async () => {
  const table = await createTestTable();
  const store = { document: createDocumentClient(), tableName: table.tableName };
  const config = testConfig(table.tableName);
  const clock = new FakeClock(t0);
  const records = Array.from({ length: 60 }, (_, i) =>
    upstreamRecord({ id: `t${i % 45}`, userId: `u${i % 4}`, createdAtMs: t0 - 120_000 + i * 1500, type: 'earned', amount: '0.1' }),
  );
  const upstream = new ScriptedUpstream(records, clock.nowMs, 7);
  for (let round = 0; round < 60; round++) {
    await Promise.all([tick(config, store, upstream, clock, 'a'), tick(config, store, upstream, clock, 'b')]);
    clock.advance(6_000);
  }
  const valid = records.map((r) => validateRecord(r.record)).flatMap((v) => (v.ok ? [v.transaction] : ([] as Transaction[])));
  expect(normalised(await storedAggregates(store))).toEqual(normalised(referenceAggregates(valid)));
  await table.drop();
});

/** The store, with the clock moved on by the next of `delaysMs` right after each slot is claimed (a pause between claim and send). */
function pausingAfterClaims(store: { document: ReturnType<typeof createDocumentClient>; tableName: string }, clock: FakeClock, delaysMs: number[]) {
  const document = new Proxy(store.document, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: { constructor: { name: string }; input: { Item?: { sk?: string } } }) => {
        const result = await target.send(command as never);
        if (command.constructor.name === 'PutCommand' && command.input.Item?.sk?.startsWith('CALL_SLOT#')) clock.advance(delaysMs.shift() ?? 0);
        return result;
      };
    },
  });
  return { ...store, document };
}

test('a pause between claiming a slot and sending (cold start, slow DNS) never lets six calls arrive within 60 s', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 70_000 }), { minLength: 8, maxLength: 20 }),
      fc.integer({ min: 1_000, max: 12_000 }),
      async (delaysMs, intervalMs) => {
        const table = await createTestTable();
        const base = { document: createDocumentClient(), tableName: table.tableName };
        const clock = new FakeClock(t0);
        const records = Array.from({ length: 200 }, (_, i) =>
          upstreamRecord({ id: `t${i}`, userId: `u${i % 7}`, createdAtMs: t0 - 300_000 + i * 1000, type: 'earned', amount: '1' }),
        );
        const upstream = new ScriptedUpstream(records, clock.nowMs, 5);
        const store = pausingAfterClaims(base, clock, [...delaysMs]);
        for (let round = 0; round < 40; round++) {
          await tick(testConfig(table.tableName), store, upstream, clock, `r${round}`);
          clock.advance(intervalMs);
        }
        expect(upstream.maxCallsInAnyWindow(60_000)).toBeLessThanOrEqual(5);
        await table.drop();
      },
    ),
    { numRuns: 5 },
  );
}, 180_000);

test('the case that broke the budget when claims were counted, not arrivals: a claim paused 10 s, then four prompt ones', async () => {
  const table = await createTestTable();
  const base = { document: createDocumentClient(), tableName: table.tableName };
  const clock = new FakeClock(t0);
  const records = Array.from({ length: 200 }, (_, i) =>
    upstreamRecord({ id: `t${i}`, userId: 'u1', createdAtMs: t0 - 300_000 + i * 1000, type: 'earned', amount: '1' }),
  );
  const upstream = new ScriptedUpstream(records, clock.nowMs, 5);
  const store = pausingAfterClaims(base, clock, [10_000, 0, 0, 0, 0, 0]);
  const reports = [];
  for (let round = 0; round < 6; round++) {
    reports.push(await tick(testConfig(table.tableName), store, upstream, clock, `r${round}`));
    clock.advance(12_000 - (round === 0 ? 10_000 : 0));
  }
  // Arrivals at 10, 12, 24, 36, 48 s: the sixth (60 s) must wait until 70 s, 60 s after the first arrival.
  expect(upstream.calls.map((call) => (call.atMs - t0) / 1000)).toEqual([10, 12, 24, 36, 48]);
  expect(reports.at(-1)!.outcome).toBe('budget-exhausted');
  expect(upstream.maxCallsInAnyWindow(60_000)).toBeLessThanOrEqual(5);
  await table.drop();
});
