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
}

export type TickOutcome =
  | 'applied' // a page was applied and the cursor moved
  | 'reapplied' // a stored page was applied again after a crash, without calling upstream
  | 'idle' // nothing new to ask for yet (window not settled)
  | 'budget-exhausted' // no call slot free in the last 60 s
  | 'backing-off' // honouring Retry-After
  | 'rate-limited' // upstream said 429
  | 'upstream-error' // 5xx, timeout, non-JSON or wrong shape
  | 'conflict' // another tick moved the cursor first
  | 'rewound'; // an operator moved the watermark back (replay)

/** INGESTION / CURSOR: where ingestion stands, plus what /status shows. */
export interface CursorItem {
  pk: string;
  sk: string;
  /** Increments on every checkpoint; conditional writes compare it. */
  sequence: number;
  /** Everything up to here (UTC ISO, second resolution) is applied. */
  watermark: string;
  /** The window being paged through, if any (UTC ISO, inclusive bounds). */
  windowStart?: string;
  windowEnd?: string;
  /** Next page of the window to fetch (1-based). */
  page?: number;
  /** gzip(JSON) of a fetched page not yet fully applied: a retry applies it without calling upstream. */
  pendingPage?: Uint8Array;
  /** Epoch ms before which no upstream call is made (Retry-After). */
  notBefore?: number;
  lastTickAt?: string;
  lastOutcome?: TickOutcome;
  /** A short, safe description of the last failure. */
  lastError?: string;
  counters: IngestionCounters;
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

/** QUARANTINE / <sequence>#<index> */
export interface QuarantineItem {
  pk: string;
  sk: string;
  reason: string;
  /** The raw upstream record, as JSON text (its first 1024 characters). */
  raw: string;
  windowStart: string;
  windowEnd: string;
  page: number;
  quarantinedAt: string;
}
