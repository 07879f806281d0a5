import { JAM_ATTEMPTS } from '../../lib/core/failure-streak';
import { ingestionConfigFrom } from '../../lib/ingestion/ingestion-config';
import { UpstreamCallError, type AggregateWriter, type CallBudget } from '../../lib/ingestion/ports';
import { runTick, type TickDependencies } from '../../lib/ingestion/run-tick';
import { inMemoryAggregates, inMemoryCallSlots, inMemoryCursor, inMemoryQuarantine } from '../../lib/memory/in-memory-ingestion';
import { FakeClock } from '../support/fake-clock';
import { ScriptedUpstream, upstreamRecord, type UpstreamRecord } from '../support/scripted-upstream';

/**
 * runTick's decisions against the in-memory adapters of its ports (lib/memory/): no table, so
 * each case runs in milliseconds. The DynamoDB adapters are proven by the DynamoDB Local tests
 * beside these (faults, jam, apply-failure, replay, overlapping ticks).
 */

const ingestFrom = Date.parse('2024-01-01T00:00:00Z');
const records = Array.from({ length: 20 }, (_, i) =>
  upstreamRecord({ id: `t${i}`, userId: `u${i % 3}`, createdAtMs: ingestFrom + 1_000 + i * 500, type: 'earned', amount: '1.5' }),
);

function world(options: { startMs?: number; budget?: CallBudget; extra?: UpstreamRecord[] } = {}) {
  const clock = new FakeClock(options.startMs ?? ingestFrom + 10 * 60_000);
  const config = ingestionConfigFrom({
    TABLE_NAME: 'in-memory',
    TRANSACTIONS_API_URL: 'http://127.0.0.1:9/unused',
    INGEST_FROM: new Date(ingestFrom).toISOString(),
    RECONCILE_HOURS: '0',
  });
  const cursor = inMemoryCursor();
  const aggregates = inMemoryAggregates();
  const quarantine = inMemoryQuarantine();
  const callSlots = inMemoryCallSlots(options.budget ?? config.budget, clock);
  const upstream = new ScriptedUpstream([...records, ...(options.extra ?? [])], clock.nowMs);
  const deps = (replace: Partial<TickDependencies> = {}): TickDependencies => ({
    cursor,
    callSlots,
    aggregates,
    quarantine,
    source: upstream,
    settings: config.settings,
    nowMs: clock.nowMs,
    holder: 'unit',
    defaultBackoffMs: config.defaultBackoffMs,
    maxRetryAfterMs: config.maxRetryAfterMs,
    ...replace,
  });
  /** One tick, then the wait the deployed loop makes before the next (so the budget never refuses). */
  const tick = async (replace: Partial<TickDependencies> = {}) => {
    const report = await runTick(deps(replace));
    clock.advance(13_000);
    return report;
  };
  return { clock, config, cursor, aggregates, quarantine, callSlots, upstream, deps, tick };
}

/** A writer that fails every apply while `failing` says so (throttling, a missing grant: the page's fault, not a record's). */
const failingWhile = (writer: AggregateWriter, failing: () => boolean): AggregateWriter => ({
  apply: async (sequence, transactions) => {
    if (failing()) throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ProvisionedThroughputExceededException' });
    return writer.apply(sequence, transactions);
  },
});

test('nothing settled to ask for yet: idle, no call, the outcome recorded', async () => {
  const w = world({ startMs: ingestFrom + 1_000 });
  const report = await w.tick();
  expect(report).toMatchObject({ outcome: 'idle', fetched: 0, applied: 0 });
  expect(w.upstream.calls).toHaveLength(0);
  expect(w.cursor.lastOutcome).toBe('idle');
  expect(w.cursor.peek()).toMatchObject({ sequence: 0 });
});

test('no call slot free: budget-exhausted, no call, nothing moves', async () => {
  const w = world({ budget: { calls: 1, windowMs: 60_000, maxWaitMs: 1_000 } });
  await w.callSlots.claim('another tick');
  const report = await w.tick();
  expect(report.outcome).toBe('budget-exhausted');
  expect(w.upstream.calls).toHaveLength(0);
  expect(w.cursor.peek()).toMatchObject({ sequence: 0 });
  expect(w.cursor.lastOutcome).toBe('budget-exhausted');
});

test('a page is fetched, stored, applied once and checkpointed', async () => {
  const w = world();
  const report = await w.tick();
  expect(report).toMatchObject({ outcome: 'applied', pass: 'head', fetched: 20, applied: 20, duplicates: 0, consecutiveFailures: 0 });
  const { sequence, pending, recentCalls } = w.cursor.peek()!;
  expect({ sequence, pending, recentCalls }).toEqual({ sequence: 1, pending: undefined, recentCalls: [{ atMs: expect.any(Number), pass: 'head', ok: true }] });
  expect(w.cursor.counters).toMatchObject({ calls: 1, headCalls: 1, fetched: 20, applied: 20 });
  expect(w.aggregates.sums('u0')?.earned).toBe('10.5');
});

test('the same call failing: each failure counted into a streak, backoff once jammed, then backing-off without a call', async () => {
  const w = world();
  for (let i = 0; i < JAM_ATTEMPTS; i++) w.upstream.failCall(i, new UpstreamCallError('server-error', 'HTTP 502', 502));
  const reports = [];
  for (let i = 0; i < JAM_ATTEMPTS; i++) reports.push(await w.tick());
  expect(reports.map((report) => report.outcome)).toEqual(Array(JAM_ATTEMPTS).fill('upstream-error'));
  expect(reports.map((report) => report.consecutiveFailures)).toEqual(Array.from({ length: JAM_ATTEMPTS }, (_, i) => i + 1));
  expect(reports[0]).toMatchObject({ pass: 'head', upstreamStatus: 502 });
  expect(reports.at(-2)?.error).not.toMatch(/jammed/);
  expect(reports.at(-1)?.error).toMatch(/^server-error: HTTP 502; jammed: the same call failed 5 times since /);
  const state = w.cursor.peek()!;
  expect(state).toMatchObject({ sequence: 0, failureStreak: { attempts: JAM_ATTEMPTS, kind: 'server-error', pass: 'head', page: 1 } });
  // Jammed: the first backoff is half the longest Retry-After honoured.
  expect(state.notBefore).toBe(w.clock.nowMs() - 13_000 + w.config.maxRetryAfterMs / 2);
  expect(w.cursor.counters).toMatchObject({ failedCalls: JAM_ATTEMPTS, calls: 0 });
  expect(state.recentCalls.map((call) => call.ok)).toEqual(Array(JAM_ATTEMPTS).fill(false));

  expect((await w.tick()).outcome).toBe('backing-off');
  expect(w.upstream.calls).toHaveLength(JAM_ATTEMPTS);

  w.clock.advance(w.config.maxRetryAfterMs);
  expect(await w.tick()).toMatchObject({ outcome: 'applied', applied: 20, consecutiveFailures: 0 });
  const { sequence, failureStreak, notBefore } = w.cursor.peek()!;
  expect({ sequence, failureStreak, notBefore }).toEqual({ sequence: 1, failureStreak: undefined, notBefore: undefined });
});

test('a 429 backs off for its Retry-After (capped) and leaves the streak alone', async () => {
  const w = world();
  w.upstream.failCall(0, new UpstreamCallError('rate-limited', 'HTTP 429', 429, 10 * w.config.maxRetryAfterMs));
  const report = await w.tick();
  expect(report).toMatchObject({ outcome: 'rate-limited', consecutiveFailures: 0 });
  expect(report.error).toMatch(/capped to/);
  expect(w.cursor.peek()?.failureStreak).toBeUndefined();
  expect(w.cursor.peek()?.notBefore).toBe(w.clock.nowMs() - 13_000 + w.config.maxRetryAfterMs);
  expect(w.cursor.counters).toMatchObject({ failedCalls: 1, cappedRetryAfter: 1 });
});

test('a page that cannot be applied stays pending: apply-failed with a streak, retried without a call, reapplied once the store heals', async () => {
  const w = world();
  let failing = true;
  const aggregates = failingWhile(w.aggregates, () => failing);
  const reports = [];
  for (let i = 0; i < JAM_ATTEMPTS; i++) reports.push(await w.tick({ aggregates }));
  expect(reports.map((report) => report.outcome)).toEqual(Array(JAM_ATTEMPTS).fill('apply-failed'));
  expect(reports.map((report) => report.consecutiveFailures)).toEqual(Array.from({ length: JAM_ATTEMPTS }, (_, i) => i + 1));
  expect(reports[0]?.error).toBe('apply-failed: ProvisionedThroughputExceededException: Rate of requests exceeds the allowed throughput');
  expect(reports.at(-1)?.error).toMatch(/; jammed: the same call failed 5 times/);
  expect(w.upstream.calls).toHaveLength(1);
  const state = w.cursor.peek()!;
  expect(state.pending?.fetched).toBe(20);
  expect(state.failureStreak).toMatchObject({ attempts: JAM_ATTEMPTS, kind: 'apply-failed: ProvisionedThroughputExceededException' });
  expect(state.notBefore).toBeGreaterThan(w.clock.nowMs());

  failing = false;
  w.clock.advance(w.config.maxRetryAfterMs);
  expect(await w.tick({ aggregates })).toMatchObject({ outcome: 'reapplied', applied: 20, duplicates: 0, consecutiveFailures: 0 });
  expect(w.upstream.calls).toHaveLength(1);
  const { sequence, pending, failureStreak } = w.cursor.peek()!;
  expect({ sequence, pending, failureStreak }).toEqual({ sequence: 1, pending: undefined, failureStreak: undefined });
  expect(w.cursor.counters).toMatchObject({ calls: 1, applied: 20, duplicates: 0 });
});

test('a stored page whose apply was cut short is applied again without a call, its earlier work counted as applied, not duplicate', async () => {
  const w = world();
  let crashes = 1;
  const aggregates: AggregateWriter = {
    apply: async (sequence, transactions) => {
      const result = await w.aggregates.apply(sequence, transactions.slice(0, 7));
      if (crashes-- > 0) throw new Error('Task timed out');
      return result;
    },
  };
  expect((await w.tick({ aggregates })).outcome).toBe('apply-failed');
  const report = await w.tick();
  expect(report).toMatchObject({ outcome: 'reapplied', fetched: 20, applied: 20, duplicates: 0 });
  expect(w.upstream.calls).toHaveLength(1);
  expect(w.aggregates.appliedTransactions).toHaveLength(20);
});

test('another tick checkpoints the page first: this one reports conflict and its counters are not added twice', async () => {
  const w = world();
  let raced = false;
  const aggregates: AggregateWriter = {
    apply: async (sequence, transactions) => {
      if (!raced) {
        raced = true;
        // A concurrent tick finds the stored page, applies it and checkpoints it first.
        expect((await runTick(w.deps())).outcome).toBe('reapplied');
      }
      return w.aggregates.apply(sequence, transactions);
    },
  };
  const report = await w.tick({ aggregates });
  expect(report).toMatchObject({ outcome: 'conflict', applied: 20 });
  expect(w.cursor.peek()).toMatchObject({ sequence: 1 });
  expect(w.cursor.counters).toMatchObject({ calls: 1, applied: 20 });
  expect(w.upstream.calls).toHaveLength(1);
});

test('a pending page whose chunks are gone: pending-lost, counted into the streak, no call, nothing moves', async () => {
  const w = world();
  const aggregates = failingWhile(w.aggregates, () => true);
  expect((await w.tick({ aggregates })).outcome).toBe('apply-failed');
  w.cursor.expirePendingPage();
  const report = await w.tick();
  expect(report).toMatchObject({ outcome: 'pending-lost', pass: 'head', consecutiveFailures: 2, window: { page: 1 } });
  expect(report.error).toBe('pending-page-lost: the stored page expired before it could be applied');
  expect(w.upstream.calls).toHaveLength(1);
  expect(w.cursor.peek()).toMatchObject({ sequence: 0, failureStreak: { kind: 'pending-page-lost', attempts: 2 } });
  expect(w.aggregates.appliedTransactions).toHaveLength(0);
});

test('malformed records are quarantined once per content and counted', async () => {
  const malformed = {
    record: { id: 'bad', userId: 'u0', createdAt: new Date(ingestFrom + 2_000).toISOString(), type: 'gift', amount: '1' },
    createdAtMs: ingestFrom + 2_000,
    visibleAtMs: 0,
  };
  const w = world({ extra: [malformed] });
  const report = await w.tick();
  expect(report).toMatchObject({ outcome: 'applied', fetched: 21, applied: 20, quarantined: 1 });
  expect([...w.quarantine.records.values()]).toEqual([
    expect.objectContaining({ index: expect.any(Number), reason: expect.stringContaining('type'), firstSequence: 0 }),
  ]);
});
