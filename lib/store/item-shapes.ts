import { NumberValue } from '@aws-sdk/lib-dynamodb';

/**
 * What the store keeps under each key (see table-schema.ts), as it is written; the cursor item's
 * shape is its repository's (cursor-item.ts). The document client reads every number back as a
 * `NumberValue` (wrapNumbers, so no float ever touches money): a read item is a `Stored<…Item>`,
 * and `plainNumbers` is the one place that turns its counts and times back into numbers.
 */

type Leaf = string | boolean | Uint8Array | NumberValue | null | undefined;

/** An item as the document client reads it back: every number a NumberValue (its exact decimal text). */
export type Stored<T> = T extends number ? NumberValue : T extends Leaf ? T : T extends readonly (infer E)[] ? Stored<E>[] : { [K in keyof T]: Stored<T[K]> };

/**
 * The counts and times of a read item as numbers (each a safe integer: sequences, epoch ms, pages,
 * counters), everything else as it is. Never for money: sums stay NumberValue (`decimalText`).
 */
export function plainNumbers<T>(stored: Stored<T>): T {
  const plain = (value: unknown): unknown => {
    if (value instanceof NumberValue) return Number(value.value);
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
    if (Array.isArray(value)) return value.map(plain);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  };
  return plain(stored) as T;
}

/** USER#<userId> / AGGREGATE */
export interface AggregateItem {
  pk: string;
  sk: string;
  userId: string;
  /** Money: written and read as NumberValue (exact decimal text), added by DynamoDB (`ADD`). */
  earned: NumberValue;
  spent: NumberValue;
  payout: NumberValue;
  paidOut: NumberValue;
  /** Present (value PAYOUT_INDEX_PARTITION) only when payout > 0: makes the payout index sparse. */
  payoutIndexPk?: string;
  updatedAt: string;
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
