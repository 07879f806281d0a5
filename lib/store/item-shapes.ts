import type { FailureStreak } from '../core/failure-streak';
import type { Pass } from '../core/ingestion-position';
import type { OperatorAction } from '../core/operator-action';
/**
 * What the store keeps under each key (see table-schema.ts). Numbers that are money are stored
 * as DynamoDB numbers and read back with `wrapNumbers` so no float ever touches them.
 */

/** USER#<userId> / AGGREGATE */
export interface AggregateItem {
  pk: string;
  sk: string;
  userId: string;
  earned: string;
  spent: string;
  payout: string;
  paidOut: string;
  /** Present (value PAYOUT_INDEX_PARTITION) only when payout > 0: makes the payout index sparse. */
  payoutIndexPk?: string;
  updatedAt: string;
}

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
  calls: 0, fetched: 0, applied: 0, duplicates: 0, quarantined: 0, failedCalls: 0,
  headCalls: 0, tailCalls: 0, reconcileCalls: 0, freshCalls: 0, lateApplied: 0, contradictoryMeta: 0, cappedRetryAfter: 0, conflicts: 0, unverifiedSeconds: 0,
});

export type TickOutcome =
  | 'applied' // a page was applied and the cursor moved
  | 'reapplied' // a stored page was applied again after a crash, without calling upstream
  | 'idle' // nothing to ask for yet (head within its target lag, nothing old enough to check)
  | 'budget-exhausted' // no call slot free in the last 60 s
  | 'backing-off' // honouring Retry-After
  | 'rate-limited' // upstream said 429
  | 'upstream-error' // 5xx, timeout, non-JSON or wrong shape
  | 'conflict' // another tick moved the cursor first
  | 'rewound' // an operator moved the watermark back (replay)
  | 'skipped' // an operator skipped a jammed call's span
  | 'split'; // an operator split a jammed call's span

/** One upstream call, for the calls-per-pass figures of /status. */
export interface RecentCall {
  atMs: number;
  pass: Pass;
  ok: boolean;
}

/** INGESTION / CURSOR: where ingestion stands, plus what /status shows. */
export interface CursorItem {
  pk: string;
  sk: string;
  /** Increments on every checkpoint; conditional writes compare it. */
  sequence: number;
  /** The freshest completed read: everything created up to this second (inclusive, UTC ISO) and listed when it was read is applied. */
  watermark: string;
  /** The settled head: everything up to this second was read once it was SETTLE_LAG_SECONDS old. */
  settledWatermark?: string;
  /** The tail watermark: everything up to this second was checked for late arrivals. */
  verifiedWatermark?: string;
  /** Everything up to this second was re-read by reconciliation. */
  reconciledWatermark?: string;
  /** gzip(JSON) of the whole IngestionPosition (passes, open spans, ledger). */
  position?: Uint8Array;
  /** Number of PENDING#<sequence>#<n> items holding a fetched page not yet fully applied. */
  pendingChunks?: number;
  /** Epoch ms before which no upstream call is made (Retry-After). */
  notBefore?: number;
  lastTickAt?: string;
  lastOutcome?: TickOutcome;
  /** A short, safe description of the last failure. */
  lastError?: string;
  /** The last few upstream calls (newest last). */
  recentCalls?: RecentCall[];
  /** The same call failing again and again (removed by the next checkpoint). */
  failureStreak?: FailureStreak;
  /** The last operator actions on jammed calls (newest last); each is also kept as an AUDIT# item. */
  operatorActions?: OperatorActionRecord[];
  counters: IngestionCounters;
}

/** What an operator did to a jammed call, by whom, when and why. INGESTION / AUDIT#<at>. */
export interface OperatorActionRecord {
  at: string;
  by: string;
  action: OperatorAction;
  reason: string;
  pass: Pass;
  window: { start: string; end: string };
  page: number;
  /** How often the call had failed. */
  attempts: number;
  failure: string;
}

/** INGESTION / PENDING#<sequence>#<chunk>: a slice of gzip(JSON) of a fetched page. */
export interface PendingChunkItem {
  pk: string;
  sk: string;
  data: Uint8Array;
  expiresAt: number;
}

/** INGESTION / CALL_SLOT#<n> */
export interface CallSlotItem {
  pk: string;
  sk: string;
  /** Epoch ms of the call this slot last admitted. */
  claimedAt: number;
  claimedBy: string;
  expiresAt: number;
}

/** QUARANTINE / RAW#<sha256>: one item per distinct malformed record, however often it is re-read. */
export interface QuarantineItem {
  pk: string;
  sk: string;
  reason: string;
  /** The raw upstream record, as JSON text (its first characters only, see `rawSha256`). */
  raw: string;
  /** SHA-256 of the whole raw record's JSON text, so an excerpt can be matched with the upstream's copy. */
  rawSha256: string;
  /** The page (cursor sequence) that first kept it: a retry of that page counts it again, a re-read does not. */
  firstSequence: number;
  windowStart: string;
  windowEnd: string;
  page: number;
  quarantinedAt: string;
}
