import type { Conflict } from '../core/aggregate';
import type { FailureStreak } from '../core/failure-streak';
import type { IngestionPosition, Pass } from '../core/ingestion-position';
import type { JammedCall, OperatorAction } from '../core/operator-action';
import type { ReceivedPage } from '../core/page-outcome';
import type { QuarantineEntry } from '../core/quarantine-entry';
import type { Transaction } from '../core/transaction';
import type { PageMeta, Window } from '../core/upstream-page';

/**
 * What one tick needs from the world (lib/ingestion/run-tick.ts), and nothing of how it is done:
 * the DynamoDB adapters (lib/store/) and the in-memory ones (lib/memory/) implement these, and
 * lib/ingestion/tick-dependencies.ts wires the DynamoDB ones.
 */

// ---- The upstream ----------------------------------------------------------------------------

export type UpstreamFailureKind = 'rate-limited' | 'server-error' | 'client-error' | 'timeout' | 'network' | 'not-json' | 'bad-shape';

/** A call that yielded no usable page. Nothing may move because of it. */
export class UpstreamCallError extends Error {
  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
    readonly status?: number,
    /** From Retry-After: how long the upstream asked us to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'UpstreamCallError';
  }
}

export interface TransactionPage {
  /** Raw records, numbers as DecimalText: validated one by one so one bad record spoils nothing else. */
  records: unknown[];
  meta: PageMeta;
}

export interface TransactionSource {
  fetchPage(window: Window, page: number): Promise<TransactionPage>;
}

// ---- What the cursor holds and /status shows ---------------------------------------------------

/** The lifetime counters of ingestion, moved atomically with the cursor. */
export interface IngestionCounters {
  /** Upstream calls that returned a usable page. */
  calls: number;
  /** Items received in those pages. */
  fetched: number;
  /** Valid transactions newly reflected in aggregates. */
  applied: number;
  /** Valid transactions already reflected (re-read windows, repeated items). */
  duplicates: number;
  /** Malformed items kept in quarantine. */
  quarantined: number;
  /** Upstream calls that failed (429, 5xx, timeout, garbage). */
  failedCalls: number;
  /** Usable calls per pass. */
  headCalls: number;
  tailCalls: number;
  reconcileCalls: number;
  freshCalls: number;
  /** Transactions the tail or reconciliation applied: late arrivals the head had not seen. */
  lateApplied: number;
  /** Pages whose meta contradicted what they held (see lib/core/upstream-page.ts). */
  contradictoryMeta: number;
  /** Retry-After values above the cap (2 budget windows) that were shortened. */
  cappedRetryAfter: number;
  /** The same (userId, id) listed again with other content (type, amount or createdAt): the first was kept. */
  conflicts: number;
  /** Seconds the tail left unchecked because their markers may have expired (it was that far behind): alarmed. */
  unverifiedSeconds: number;
}

export const zeroCounters = (): IngestionCounters => ({
  calls: 0,
  fetched: 0,
  applied: 0,
  duplicates: 0,
  quarantined: 0,
  failedCalls: 0,
  headCalls: 0,
  tailCalls: 0,
  reconcileCalls: 0,
  freshCalls: 0,
  lateApplied: 0,
  contradictoryMeta: 0,
  cappedRetryAfter: 0,
  conflicts: 0,
  unverifiedSeconds: 0,
});

export type CounterDelta = Partial<IngestionCounters>;

/** What a tick (or an operator's action) did last, as /status shows it. */
export const tickOutcomes = [
  'applied', // a page was applied and the cursor moved
  'reapplied', // a stored page was applied again after a crash, without calling upstream
  'idle', // nothing to ask for yet (head within its target lag, nothing old enough to check)
  'budget-exhausted', // no call slot free in the last 60 s
  'backing-off', // honouring Retry-After
  'rate-limited', // upstream said 429
  'upstream-error', // 5xx, timeout, non-JSON or wrong shape
  'conflict', // another tick moved the cursor first
  'apply-failed', // a fetched page could not be applied (it stays pending and is retried; see lastError)
  'pending-lost', // a pending page's stored chunks are gone (expired during a long jam): skip, split or rewind it
  'rewound', // an operator moved the watermark back (replay)
  'skipped', // an operator skipped a jammed call's span
  'split', // an operator split a jammed call's span
  'quarantined', // an operator quarantined a pending page's unapplied records
] as const;
export type TickOutcome = (typeof tickOutcomes)[number];

/** One upstream call, for the calls-per-pass figures of /status. */
export interface RecentCall {
  atMs: number;
  pass: Pass;
  ok: boolean;
}

/** How many recent calls the cursor remembers (a minute holds five). */
export const RECENT_CALLS = 12;

/** Keeps the newest RECENT_CALLS calls. */
export const withCall = (calls: readonly RecentCall[], call: RecentCall): RecentCall[] => [...calls, call].slice(-RECENT_CALLS);

/** What an operator did to a jammed call, by whom, when and why (also kept as an audit item). */
export interface OperatorActionRecord {
  at: string;
  by: string;
  action: OperatorAction;
  reason: string;
  pass: Pass;
  window: { start: string; end: string };
  page: number;
  /** How often the call had failed (0: a pending page that was not failing). */
  attempts: number;
  failure: string;
  /** `quarantine`: how many unapplied records were set aside. */
  records?: number;
}

// ---- The quarantine ----------------------------------------------------------------------------

export interface QuarantineStore {
  /**
   * Keeps the malformed records of page `sequence`, one item per distinct content, and answers
   * how many are new: a tail or reconciliation re-read of the same record counts nothing, a retry
   * of the same page (after a crash before its checkpoint) counts them again, as it should.
   */
  keep(sequence: number, records: readonly QuarantineEntry[], source: { window: Window; page: number }, nowIso: string): Promise<number>;
}

// ---- The cursor --------------------------------------------------------------------------------

/** A fetched page, validated, stored before it is applied so a retry never calls upstream again. */
export interface PendingPage extends ReceivedPage {
  window: Window;
  /** Records received (valid or not). */
  fetched: number;
  transactions: Transaction[];
  quarantined: QuarantineEntry[];
  /** Set when the page's meta contradicted its records. */
  contradiction?: string;
}

export interface CursorState {
  sequence: number;
  position: IngestionPosition;
  pending?: PendingPage;
  /** A page was stored to be applied but its chunks are gone (expired after a long jam): the call it answered. */
  pendingLost?: JammedCall;
  notBefore?: number;
  recentCalls: RecentCall[];
  failureStreak?: FailureStreak;
  operatorActions: OperatorActionRecord[];
}

export interface Checkpoint {
  counters: CounterDelta;
  outcome: TickOutcome;
  nowIso: string;
  recentCalls: RecentCall[];
}

export interface OutcomeDetails {
  error?: string;
  notBefore?: number;
  counters?: CounterDelta;
  recentCalls?: RecentCall[];
  failureStreak?: FailureStreak;
}

/** The tick's side of the cursor: ticks only move forward (rewinds and jams are operators' commands). */
export interface CursorStore {
  load(): Promise<CursorState | undefined>;
  /** Creates the cursor if absent; returns whatever cursor exists afterwards. */
  create(position: IngestionPosition, nowIso: string): Promise<CursorState>;
  /** False when another tick moved the cursor or stored a page first. */
  savePending(sequence: number, pending: PendingPage): Promise<boolean>;
  /** Moves the passes past the applied page, atomically with its counters, then deletes the page's chunks. False on a lost race. */
  checkpoint(sequence: number, next: IngestionPosition, checkpoint: Checkpoint): Promise<boolean>;
  /**
   * Records a tick that moved nothing (idle, budget, failed call or apply), only while the cursor
   * is still at `sequence`: a failing tick never restores the streak, backoff or recent calls
   * that a concurrent checkpoint just replaced. False when the cursor had moved.
   */
  recordOutcome(sequence: number, outcome: TickOutcome, nowIso: string, details?: OutcomeDetails): Promise<boolean>;
}

// ---- The upstream budget -----------------------------------------------------------------------

export interface CallBudget {
  /** Upstream calls allowed per window. */
  calls: number;
  /** The window's length, plus a small guard for the network's jitter. */
  windowMs: number;
  /** A slot that frees within this much time is waited for rather than given up. */
  maxWaitMs: number;
}

export type SlotClaim = { claimed: true; slot: number; claimedAt: number; holder: string } | { claimed: false; freeAtMs: number };

export interface CallSlots {
  claim(holder: string): Promise<SlotClaim>;
  /**
   * Called right before the request is sent. A claim that has grown older than `SEND_WITHIN_MS`
   * (a cold start, a slow secret, a GC pause) is moved to now with a conditional write, so the
   * slot reopens `windowMs` after the real send; false when the slot was taken meanwhile (the
   * claim expired), and the call must not go out.
   */
  confirm(claim: Extract<SlotClaim, { claimed: true }>): Promise<boolean>;
}

// ---- The aggregates ----------------------------------------------------------------------------

export interface ApplyResult {
  /** Reflected in the aggregates by this page (by this attempt or an earlier, interrupted one). */
  applied: number;
  /** Already reflected by an earlier page. */
  duplicates: number;
  /** Duplicates whose content differs from what was applied first (kept: the first). */
  conflicts: Conflict[];
  /** Refused for a reason of their own (the store cannot hold them): to quarantine; the rest of the page applied. */
  refused: RefusedTransaction[];
  /** Quarantined by an operator while their page was pending (infra/ops/unjam-ingestion.ts): never applied. */
  operatorQuarantined: number;
}

export interface RefusedTransaction {
  transaction: Transaction;
  /** The store's reason: the error's class and message. */
  reason: string;
}

export interface AggregateWriter {
  /** Applies distinct transactions of the page numbered `sequence`, each exactly once. */
  apply(sequence: number, transactions: readonly Transaction[]): Promise<ApplyResult>;
}
