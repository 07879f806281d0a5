import type { FailureStreak } from '../core/failure-streak';
import type { Pass } from '../core/ingestion-position';
import type { IngestionCounters, OperatorActionRecord, RecentCall, TickOutcome } from '../ingestion/ports';
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

/** INGESTION / CURSOR: where ingestion stands, plus what /status shows. */
export interface CursorItem {
  pk: string;
  sk: string;
  /** Increments on every checkpoint; conditional writes compare it. */
  sequence: number;
  /** The head watermark: everything created up to this second (inclusive, UTC ISO) was read once. */
  watermark: string;
  /** The tail watermark: everything up to this second was checked for late arrivals. */
  verifiedWatermark?: string;
  /** Everything up to this second was re-read by reconciliation. */
  reconciledWatermark?: string;
  /** gzip(JSON) of the whole IngestionPosition (passes, open spans, ledger). */
  position?: Uint8Array;
  /** Number of PENDING#<sequence>#<n> items holding a fetched page not yet fully applied. */
  pendingChunks?: number;
  /** The call that pending page answered (so a page whose chunks are gone can still be named, skipped or split). */
  pendingCall?: { pass: Pass; span: { start: number; end: number }; page: number };
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
