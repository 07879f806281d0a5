import { slotToClaim } from '../core/call-budget';
import { contentOf, foldTransactions, zeroSums, type AggregateSums } from '../core/aggregate';
import type { QuarantineEntry } from '../core/quarantine-entry';
import { transactionIdentity, type Transaction } from '../core/transaction';
import {
  zeroCounters,
  type AggregateWriter,
  type ApplyResult,
  type CallBudget,
  type CallSlots,
  type CounterDelta,
  type CursorState,
  type CursorStore,
  type IngestionCounters,
  type QuarantineStore,
  type TickOutcome,
} from '../ingestion/ports';

/**
 * The tick's ports (lib/ingestion/ports.ts) held in memory, so the real tick can run without a
 * table: the fast unit tests of runTick's decisions, and the bench's hours of virtual time. They
 * keep the contracts of the DynamoDB adapters (conditional on the sequence, exactly once by
 * identity, one quarantined record per content); only DynamoDB's speed and limits are not modelled.
 */

/** The cursor, plus what /status would show of it (last outcome and error, counters). */
export interface InMemoryCursor extends CursorStore {
  readonly counters: IngestionCounters;
  readonly lastOutcome: TickOutcome | undefined;
  readonly lastError: string | undefined;
  /** What the cursor holds now (a copy). */
  peek(): CursorState | undefined;
  /** The pending page's stored chunks expire (as their TTL would after a long jam): the cursor names only the call it answered. */
  expirePendingPage(): void;
}

export function inMemoryCursor(): InMemoryCursor {
  let state: CursorState | undefined;
  const counters = zeroCounters();
  let lastOutcome: TickOutcome | undefined;
  let lastError: string | undefined;
  const copy = (): CursorState | undefined => (state ? structuredClone(state) : undefined);
  const finish = (outcome: TickOutcome, error?: string) => {
    lastOutcome = outcome;
    lastError = error;
  };
  return {
    get counters() {
      return { ...counters };
    },
    get lastOutcome() {
      return lastOutcome;
    },
    get lastError() {
      return lastError;
    },
    peek: copy,
    expirePendingPage() {
      if (!state?.pending) throw new Error('no pending page to expire');
      const { pass, span, page } = state.pending;
      state.pending = undefined;
      state.pendingLost = { pass, span, page };
    },
    load: async () => copy(),
    async create(position) {
      state ??= { sequence: 0, position: structuredClone(position), recentCalls: [], operatorActions: [] };
      return copy()!;
    },
    async savePending(sequence, pending) {
      if (!state || state.sequence !== sequence || state.pending || state.pendingLost) return false;
      state.pending = structuredClone(pending);
      return true;
    },
    async checkpoint(sequence, next, checkpoint) {
      if (!state || state.sequence !== sequence) return false;
      state = { ...state, sequence: sequence + 1, position: structuredClone(next), recentCalls: checkpoint.recentCalls };
      for (const field of ['pending', 'pendingLost', 'notBefore', 'failureStreak'] as const) delete state[field];
      addCounters(counters, checkpoint.counters);
      finish(checkpoint.outcome);
      return true;
    },
    async recordOutcome(sequence, outcome, _nowIso, details = {}) {
      if (!state || state.sequence !== sequence) return false;
      if (details.notBefore !== undefined) state.notBefore = details.notBefore;
      if (details.recentCalls) state.recentCalls = details.recentCalls;
      if (details.failureStreak) state.failureStreak = structuredClone(details.failureStreak);
      if (details.counters) addCounters(counters, details.counters);
      lastOutcome = outcome;
      if (details.error !== undefined) lastError = details.error;
      return true;
    },
  };
}

function addCounters(into: IngestionCounters, delta: CounterDelta): void {
  for (const [name, value] of Object.entries(delta)) into[name as keyof IngestionCounters] += value ?? 0;
}

/** The aggregates and their markers: each (userId, id) applied once, remembered with the page that applied it. */
export interface InMemoryAggregates extends AggregateWriter {
  sums(userId: string): AggregateSums | undefined;
  /** Every transaction applied, in the order it was. */
  readonly appliedTransactions: readonly Transaction[];
}

export function inMemoryAggregates(): InMemoryAggregates {
  const markers = new Map<string, { seq: number; content: string }>();
  const sums = new Map<string, AggregateSums>();
  const applied: Transaction[] = [];
  return {
    sums: (userId) => sums.get(userId),
    appliedTransactions: applied,
    async apply(sequence, transactions) {
      const result: ApplyResult = { applied: 0, duplicates: 0, conflicts: [], refused: [], operatorQuarantined: 0 };
      for (const transaction of transactions) {
        const identity = transactionIdentity(transaction);
        const marker = markers.get(identity);
        const received = contentOf(transaction);
        if (marker?.seq === sequence) result.applied += 1;
        else if (marker) {
          result.duplicates += 1;
          if (marker.content !== received) result.conflicts.push({ userId: transaction.userId, id: transaction.id, kept: marker.content, received });
        } else {
          markers.set(identity, { seq: sequence, content: received });
          sums.set(transaction.userId, foldTransactions(sums.get(transaction.userId) ?? zeroSums(), [transaction]));
          applied.push(transaction);
          result.applied += 1;
        }
      }
      return result;
    },
  };
}

/** One kept record per content, counted again only by a retry of the page that first kept it. */
export interface InMemoryQuarantine extends QuarantineStore {
  readonly records: ReadonlyMap<string, QuarantineEntry & { firstSequence: number }>;
}

export function inMemoryQuarantine(): InMemoryQuarantine {
  const records = new Map<string, QuarantineEntry & { firstSequence: number }>();
  return {
    records,
    async keep(sequence, entries) {
      let kept = 0;
      for (const entry of new Map(entries.map((record) => [record.rawSha256, record])).values()) {
        const known = records.get(entry.rawSha256);
        if (known && known.firstSequence !== sequence) continue;
        records.set(entry.rawSha256, { ...entry, firstSequence: sequence });
        kept += 1;
      }
      return kept;
    },
  };
}

/**
 * The upstream budget: `calls` slots, each admitting one call and then closed for `windowMs`; a
 * slot that frees within `maxWaitMs` is waited for. One process, so a claim never races.
 */
export function inMemoryCallSlots(
  budget: CallBudget,
  clock: { nowMs(): number; sleep(ms: number): Promise<void> },
): CallSlots & { readonly claims: readonly number[] } {
  const claims = new Array<number>(budget.calls).fill(0);
  return {
    claims,
    async claim(holder) {
      const next = slotToClaim(claims, budget, clock.nowMs());
      if ('giveUp' in next) return { claimed: false, freeAtMs: next.freeAtMs };
      if (next.waitMs > 0) await clock.sleep(next.waitMs);
      const { slot } = next;
      const claimedAt = clock.nowMs();
      claims[slot] = claimedAt;
      return { claimed: true, slot, claimedAt, holder };
    },
    async confirm(claim) {
      if (claims[claim.slot] !== claim.claimedAt) return false;
      claims[claim.slot] = claim.claimedAt = clock.nowMs();
      return true;
    },
  };
}
