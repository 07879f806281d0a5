import { referenceAggregates } from '../../lib/core/aggregate';
import { validateRecord, type Transaction } from '../../lib/core/transaction';
import type { IngestionPosition } from '../../lib/core/ingestion-position';
import { runTick, type TickReport } from '../../lib/ingestion/run-tick';
import { tickDependencies } from '../../lib/ingestion/tick-dependencies';
import { createCursorRepository } from '../../lib/store/cursor-repository';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import type { Window } from '../../lib/core/upstream-page';
import type { TransactionPage, TransactionSource } from '../../lib/ingestion/ports';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { normalised, storedAggregates, testConfig } from '../support/ingestion-harness';
import { ScriptedUpstream, upstreamRecord } from '../support/scripted-upstream';

/**
 * Why the fetch function needs no reserved concurrency (infra/stacks/ingestion.ts): two ticks
 * running at once on the same cursor — overlapping executions, a retried invocation, a manual
 * one — are safe with the real DynamoDB cursor store and call slots (DynamoDB Local), against
 * a mock upstream. Each transaction is applied exactly once, the call budget holds, and the
 * cursor never moves backwards.
 */
const t0 = Date.parse('2024-01-01T00:10:00Z');

/** A deterministic sequence of small delays, so the two ticks interleave differently each round. */
function jitter(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % 15;
  };
}

/** The scripted upstream answering after a real (ms) delay, so the other tick's writes can come in between. */
class SlowUpstream implements TransactionSource {
  constructor(
    readonly inner: ScriptedUpstream,
    private readonly delayMs: () => number,
  ) {}
  async fetchPage(window: Window, page: number): Promise<TransactionPage> {
    const answer = await this.inner.fetchPage(window, page);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs()));
    return answer;
  }
}

const positionTuple = (position: IngestionPosition): [number, number, number] => [position.head, position.verified, position.reconciled];

test.each([
  ['both ticks start together every 12 s (two executions in lockstep)', 12_000, 1],
  ['ticks far more often than the budget allows', 3_000, 2],
  ['ticks every 7 s, out of step with the 12 s cadence', 7_000, 3],
])(
  'two concurrent runTick on one cursor: %s',
  async (_name, intervalMs, seed) => {
    const table = await createTestTable();
    const store = { document: createDocumentClient(), tableName: table.tableName };
    const config = testConfig(table.tableName, { INGEST_FROM: new Date(t0 - 241_000).toISOString() });
    const clock = new FakeClock(t0);
    // A backlog of many small pages (page size 7), repeated ids across users, and late arrivals.
    const records = Array.from({ length: 180 }, (_, i) =>
      upstreamRecord({
        id: `t${i % 155}`,
        userId: `u${i % 6}`,
        createdAtMs: t0 - 240_000 + i * 1_100,
        type: i % 4 === 0 ? 'payout' : i % 5 === 0 ? 'spent' : 'earned',
        amount: `${i % 13}.${(i * 7) % 100}`,
        visibleAtMs: i % 17 === 0 ? t0 - 240_000 + i * 1_100 + 30_000 : undefined,
      }),
    );
    const upstream = new ScriptedUpstream(records, clock.nowMs, 7);
    const source = new SlowUpstream(upstream, jitter(seed));
    const cursor = createCursorRepository(store);
    const reports: TickReport[] = [];
    // Every checkpoint that won (the conditional write on the sequence succeeded), in the order they were made.
    const checkpoints: { sequence: number; position: [number, number, number] }[] = [];
    const runner = (holder: string) => {
      const deps = tickDependencies(config, { store, source, clock, holder });
      const checkpoint = deps.cursor.checkpoint.bind(deps.cursor);
      deps.cursor = {
        ...deps.cursor,
        checkpoint: async (sequence, next, details) => {
          const moved = await checkpoint(sequence, next, details);
          if (moved) checkpoints.push({ sequence, position: positionTuple(next) });
          return moved;
        },
      };
      return runTick(deps).then((report) => reports.push(report));
    };

    let previous: { sequence: number; position: [number, number, number] } | undefined;
    const rounds = Math.ceil(600_000 / intervalMs);
    for (let round = 0; round < rounds; round++) {
      // Two ticks at the same instant: neither waits for the other.
      await Promise.all([runner(`a${round}`), runner(`b${round}`)]);
      const state = await cursor.load();
      expect(state).toBeDefined();
      const now = { sequence: state!.sequence, position: positionTuple(state!.position) };
      if (previous) {
        // The cursor never goes backwards: the sequence only grows, and every watermark only moves forward.
        expect(now.sequence).toBeGreaterThanOrEqual(previous.sequence);
        for (const [pass, second] of now.position.entries()) expect(second).toBeGreaterThanOrEqual(previous.position[pass]!);
      }
      previous = now;
      clock.advance(intervalMs);
    }

    // Within rounds too: each winning checkpoint moved from a later sequence than the last, and no watermark went back.
    expect(checkpoints.length).toBeGreaterThanOrEqual(10);
    for (let i = 1; i < checkpoints.length; i++) {
      expect(checkpoints[i]!.sequence).toBeGreaterThan(checkpoints[i - 1]!.sequence);
      for (const [pass, second] of checkpoints[i]!.position.entries()) expect(second).toBeGreaterThanOrEqual(checkpoints[i - 1]!.position[pass]!);
    }

    // Every record was read (the head caught up and the late ones arrived long ago).
    expect(previous!.position[0]).toBeGreaterThanOrEqual(Math.floor((t0 - 240_000 + 179 * 1_100) / 1000));
    // The budget: never more than 5 upstream calls in any 60 s, though twice as many ticks ran.
    expect(upstream.calls.length).toBeGreaterThanOrEqual(10);
    expect(upstream.maxCallsInAnyWindow(60_000)).toBeLessThanOrEqual(5);
    // Some ticks did lose the race (the test exercised the overlap, not two ticks taking turns).
    expect(reports.filter((report) => report.outcome === 'conflict' || report.outcome === 'budget-exhausted').length).toBeGreaterThan(0);

    // Exactly once: the table equals the reference fold of the distinct valid transactions, and the
    // ticks together report each of them applied once (a marker written once, never twice).
    const valid = records.map((r) => validateRecord(r.record)).flatMap((v) => (v.ok ? [v.transaction] : ([] as Transaction[])));
    const distinct = new Set(valid.map((tx) => `${tx.userId}/${tx.id}`));
    expect(normalised(await storedAggregates(store))).toEqual(normalised(referenceAggregates(valid)));
    expect(reports.reduce((sum, report) => sum + report.applied, 0)).toBe(distinct.size);
    await table.drop();
  },
  120_000,
);
