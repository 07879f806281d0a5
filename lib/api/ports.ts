import type { AggregateView } from '../core/aggregate-view';
import type { FailureStreak } from '../core/failure-streak';
import type { IngestionCounters, OperatorActionRecord, RecentCall, TickOutcome } from '../ingestion/ports';

/**
 * What the read API needs from the table (lib/api/endpoints/*), and nothing of how it is read:
 * lib/store/read-store.ts implements it, the function files (functions/) wire it.
 */

/** The orders of the payout list: `userId` (the default), `totalPayout` (smallest first), `-totalPayout` (largest first); ties by userId. */
export const PAYOUT_SORTS = ['userId', 'totalPayout', '-totalPayout'] as const;
export type PayoutSort = (typeof PAYOUT_SORTS)[number];

/** A user in the payout list; `totalPayout` is the exact decimal text of the user's payout. */
export interface PayoutEntry {
  userId: string;
  totalPayout: string;
}

export interface PayoutRequest {
  limit: number;
  sort?: PayoutSort;
  /** Inclusive lower bound of the payout, exact decimal text. */
  minTotalPayout?: string;
  /** Where the previous page stopped (its `next`): a userId for sort=userId, a payoutSortKey otherwise. */
  after?: string;
}

export interface PayoutPage {
  payouts: PayoutEntry[];
  /** Present when more users may follow: the position the next page starts after. */
  next?: string;
}

/** One aggregate with the time it last changed (the user route's Last-Modified). */
export interface AggregateRecord {
  aggregate: AggregateView;
  /** ISO time of the write that last changed a sum; absent on items written before it was kept. */
  updatedAt?: string;
}

/** The call failing again and again, as /status shows it (its class of failure only, never the upstream's words). */
export interface JamView {
  pass: FailureStreak['pass'];
  window: { start: string; end: string };
  page: number;
  attempts: number;
  since: string;
  failure: string;
}

/** The ingestion cursor's public part, for GET /status. */
export interface IngestionStatus {
  watermark: string;
  settledWatermark?: string;
  verifiedWatermark?: string;
  lastTick?: { at: string; outcome: TickOutcome };
  counters: IngestionCounters;
  recentCalls: RecentCall[];
  /** The call failing again and again, when there is one. */
  jam?: JamView;
  operatorActions: OperatorActionRecord[];
}

/** What the read API asks of the table. */
export interface ReadStore {
  /** One eventually consistent GetItem; undefined when the user has no aggregate. */
  getAggregate(userId: string): Promise<AggregateView | undefined>;
  /** The same GetItem, with the time the aggregate last changed. */
  getAggregateRecord(userId: string): Promise<AggregateRecord | undefined>;
  /**
   * Users with payout > 0 from a sparse index (a Query, never a Scan): payoutIndex for
   * sort=userId, payoutAmountIndex (amount, then userId) for the amount orders.
   */
  listPayouts(request: PayoutRequest): Promise<PayoutPage>;
  /**
   * The head watermark (ISO) from the cursor item, for `Data-As-Of`; undefined before any
   * ingestion. A small GetItem cached per container for `watermarkCacheMs`.
   */
  getWatermark(): Promise<string | undefined>;
  /** The ingestion cursor's public part (never its pending page); undefined before any ingestion. */
  getStatus(): Promise<IngestionStatus | undefined>;
}
