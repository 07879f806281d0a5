import { emptyLedger, type SecondLedger } from './second-ledger';
import { upstreamContract } from './upstream-contract';

/**
 * Ingestion reads the upstream in four passes that share one call budget:
 * - head: reads every second once it is settled (`settleLagSeconds` old), so late listings are in it;
 * - tail: checks every second again once it is `lateHorizonSeconds` old, for late arrivals;
 * - reconcile: re-reads every second in full once it is `reconcileSeconds` old, for what a count cannot see;
 * - fresh: with the calls the others leave, reads up to `freshMarginSeconds` before now, so the data
 *   is current; where the stretch from the head (or the tail) to now fits one page, that one call
 *   does the head's (and the tail's) work too.
 */
export type Pass = 'head' | 'tail' | 'reconcile' | 'fresh';
export const passes: readonly Pass[] = ['head', 'tail', 'reconcile', 'fresh'];

/** Inclusive bounds in epoch seconds. */
export interface Span {
  start: number;
  end: number;
}

/** A span being paged through: the upstream's order could not be used to split it. */
export interface OpenSpan extends Span {
  page: number;
}

export interface IngestionSettings {
  /** ISO date-time of the first second read: nothing older is asked for. */
  ingestFrom: string;
  /** The head reads a second once it is this old, so the upstream has settled it. */
  settleLagSeconds: number;
  /** The tail checks a second once it is this old: later arrivals than that are the reconciliation's. */
  lateHorizonSeconds: number;
  /** The head gets a call while its lag is above this; below it, the call goes to the other passes. */
  headLagTargetSeconds: number;
  /** Reconciliation re-reads a second once it is this old (0: off). */
  reconcileSeconds: number;
  /** Nothing older than this is re-read: its markers may have expired (marker TTL minus a margin). */
  markerSafeSeconds: number;
  /** Fresh reads end this many seconds before now: the newest seconds are still receiving listings. */
  freshMarginSeconds: number;
}

export interface IngestionPosition {
  /** Every second up to here (inclusive) was read at least once after it settled (`settleLagSeconds`). */
  head: number;
  /**
   * Every second up to here was read at least once, and every record listed at that read was
   * applied: the freshest completed read (absent in cursors from before fresh reads: the head).
   */
  fresh?: number;
  /** Every second up to here was read, or its listings counted, at least `lateHorizonSeconds` after it ended. */
  verified: number;
  /** Every second up to here was re-read by reconciliation (or needed none: it was old when first read). */
  reconciled: number;
  /** A span that has to be paged through, per pass. */
  open: Partial<Record<Pass, OpenSpan>>;
  /** An operator's split: the pass's windows end here until it has passed it (the halves are read in turn). */
  bounds?: Partial<Record<Pass, number>>;
  /** What the head received per second after `verified` (ledger.from === verified + 1). */
  ledger: SecondLedger;
  /** Transactions per second the head saw lately: sizes its next window. */
  density: number;
  /** How many ledger listings the tail's next call spans: doubles after a match, halves after a mismatch. */
  probeItems: number;
}

export const epochSecond = (epochMs: number): number => Math.floor(epochMs / 1000);

/** The watermark /status and Data-As-Of show: the freshest completed read, never behind the settled head. */
export const freshestRead = (position: Pick<IngestionPosition, 'head' | 'fresh'>): number => Math.max(position.head, position.fresh ?? position.head);
export const secondIso = (second: number): string => new Date(second * 1000).toISOString();

export function initialPosition(settings: IngestionSettings): IngestionPosition {
  const before = epochSecond(Date.parse(settings.ingestFrom)) - 1;
  return {
    head: before,
    fresh: before,
    verified: before,
    reconciled: before,
    open: {},
    ledger: emptyLedger(before + 1),
    density: 0,
    probeItems: upstreamContract.pageSize,
  };
}

/** Where a replay puts the passes: every pass re-reads from `second` on; the ledger starts afresh. */
export function rewoundPosition(position: IngestionPosition, second: number): IngestionPosition {
  return {
    ...position,
    head: second,
    fresh: second,
    verified: second,
    reconciled: Math.min(position.reconciled, second),
    open: {},
    ledger: emptyLedger(second + 1),
    probeItems: upstreamContract.pageSize,
  };
}
