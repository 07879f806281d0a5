import { spanHolding } from './second-ledger';
import { epochSecond, freshestRead, type IngestionPosition, type IngestionSettings, type Pass, type Span } from './ingestion-position';
import { upstreamContract } from './upstream-contract';

/** When the last fresh read failed, if it did. */
export interface RecentFailure {
  freshFailedAtMs?: number;
}

export type PlannedCall = { kind: 'fetch'; pass: Pass; span: Span; page: number } | { kind: 'idle' };

/**
 * Who gets the next call, and what it asks for. The head as soon as a full page of settled
 * seconds waits (busy upstream) or its lag is above the target (quiet upstream); otherwise the
 * tail, once a target lag's worth of the seconds it read is old enough to check; otherwise
 * reconciliation, once a page's worth is old enough to re-read; otherwise a fresh read up to a
 * few seconds before now. Where the stretch from the tail's or the head's position to now fits
 * one page, the fresh read starts there and does their work in the same call, so at ordinary
 * traffic nearly every call is a fresh one; near the upstream's limit the head and the tail take
 * every call they need first, as before fresh reads existed.
 */
export function planCall(position: IngestionPosition, nowMs: number, settings: IngestionSettings, recent: RecentFailure = {}): PlannedCall {
  const now = epochSecond(nowMs);
  const head = headSpan(position, now, settings);
  // A fresh read that failed is not retried for a budget window: the head reaches the same seconds soon, and jams on them if they stay bad.
  const fresh =
    recent.freshFailedAtMs !== undefined && nowMs - recent.freshFailedAtMs < upstreamContract.windowSeconds * 1000
      ? undefined
      : freshSpan(position, now, settings);
  if (head && (head.full || now - position.head > settings.headLagTargetSeconds))
    return fresh?.serves === 'tail' || fresh?.serves === 'head' ? fetch('fresh', fresh) : fetch('head', head);
  const tail = tailSpan(position, now, settings, fresh?.serves === 'head');
  if (tail) return fresh?.serves === 'tail' && !position.open.tail ? fetch('fresh', fresh) : fetch('tail', tail);
  const reconcile = reconcileSpan(position, now, settings);
  if (reconcile) return fetch('reconcile', reconcile);
  if (fresh) return fetch('fresh', fresh);
  return { kind: 'idle' };
}

const fetch = (pass: Pass, span: Span & { page?: number }): PlannedCall => ({
  kind: 'fetch',
  pass,
  span: { start: span.start, end: span.end },
  page: span.page ?? 1,
});

/**
 * The head's next window: from the second after its watermark, long enough to hold about one
 * page at the density it saw lately (the whole settled stretch while it knows none), never
 * past the settled end.
 */
function headSpan(position: IngestionPosition, now: number, settings: IngestionSettings): (Span & { page?: number; full?: boolean }) | undefined {
  if (position.open.head) return { ...position.open.head, full: true };
  const start = position.head + 1;
  const bound = boundOf(position, 'head', start);
  const settled = Math.min(now - settings.settleLagSeconds, bound);
  if (start > settled) return undefined;
  // Narrowing a jam: the operator's bound is read as soon as it is settled.
  if (bound !== Number.POSITIVE_INFINITY && settled === bound) return { start, end: bound, full: true };
  if (position.density <= 0) return { start, end: settled };
  const seconds = pageSeconds(position.density);
  const end = Math.min(settled, start + seconds - 1);
  return { start, end, full: end - start + 1 >= seconds };
}

/**
 * The next fresh read, up to `freshMarginSeconds` before now. It starts at the tail's position
 * when the stretch from there fits one page (the call then also verifies what is old enough and
 * settles what has settled), else at the head's, else after the freshest read (one page's worth).
 * Never while the head pages through a second or narrows a jam (the same seconds would fail or
 * overflow again), and never from a second whose markers may have expired.
 */
function freshSpan(position: IngestionPosition, now: number, settings: IngestionSettings): (Span & { serves: 'tail' | 'head' | 'fresh' }) | undefined {
  if (settings.freshMarginSeconds >= settings.settleLagSeconds) return undefined;
  // Reading past the seconds the head is stuck on could not move the watermark (it follows contiguous reads only).
  if (position.open.head !== undefined || (position.bounds?.head ?? Number.NEGATIVE_INFINITY) > position.head) return undefined;
  const end = now - settings.freshMarginSeconds;
  const read = freshestRead(position);
  if (end <= read) return undefined;
  const safe = now - settings.markerSafeSeconds;
  const tailBusy = position.open.tail !== undefined || (position.bounds?.tail ?? Number.NEGATIVE_INFINITY) > position.verified;
  if (!tailBusy && position.verified >= safe && fits(position, position.verified + 1, end, settings, 1))
    return { start: position.verified + 1, end, serves: 'tail' };
  if (position.head >= safe && fits(position, position.head + 1, end, settings, HEAD_OVERFLOW)) return { start: position.head + 1, end, serves: 'head' };
  const start = read + 1;
  if (position.density <= 0) return { start, end, serves: 'fresh' };
  return { start, end: Math.min(end, start + pageSeconds(position.density) - 1), serves: 'fresh' };
}

/**
 * A fresh read from the head's position may hold up to this many pages: records come in createdAt
 * order, so the page is split where it ends and still settles a page's worth and brings the
 * watermark within seconds of now, sparing the head a call of its own.
 */
const HEAD_OVERFLOW = 1.25;

/**
 * Whether [start, end] holds at most `pages` pages at the density seen lately, and is no longer
 * than a pass at its ordinary lag leaves (the late horizon and a target lag): while a pass
 * catches up, the density it saw is no guide, and its own calls bring full pages.
 */
function fits(position: IngestionPosition, start: number, end: number, settings: IngestionSettings, pages: number): boolean {
  const seconds = end - start + 1;
  return seconds <= settings.lateHorizonSeconds + settings.headLagTargetSeconds && position.density * seconds <= pages * upstreamContract.pageSize;
}

/**
 * The tail's next check: the oldest unverified seconds old enough, as many as `probeItems` listings.
 * Never a second whose markers may have expired (a re-read would count it twice): a tail that far
 * behind checks from the oldest safe second on, and the seconds it leaves unchecked are counted
 * and alarmed (`unverifiedSeconds`).
 */
function tailSpan(position: IngestionPosition, now: number, settings: IngestionSettings, freshCarriesHead: boolean): (Span & { page?: number }) | undefined {
  if (position.open.tail) return position.open.tail;
  const start = Math.max(position.verified, now - settings.markerSafeSeconds) + 1;
  const limit = Math.min(position.head, now - settings.lateHorizonSeconds, boundOf(position, 'tail', start));
  if (
    start > limit ||
    !dueAfter(position.verified, now, settings.lateHorizonSeconds, freshCarriesHead ? tailBatch(position, settings) : settings.headLagTargetSeconds)
  )
    return undefined;
  return { start, end: spanHolding(position.ledger, start, limit, position.probeItems) };
}

/**
 * How many seconds the tail lets become old enough before it checks them, while fresh reads carry
 * the head (ordinary traffic): as many as its next probe can verify in one call (`probeItems`
 * listings at the density seen lately), between one and TAIL_BATCH_TARGETS target lags. Each call
 * the tail takes is a fresh read skipped (a 25 s gap in the watermark); the late listings the head
 * missed wait that much longer (measured at 1,000 tx/min: tail lag max 209 s instead of 144 s,
 * lag p99 27 s instead of 28 s; 3 or 4 target lags bring nothing more, and at 4 a mismatch makes
 * the tail take several calls in a row).
 */
function tailBatch(position: IngestionPosition, settings: IngestionSettings): number {
  const probeSeconds = position.density > 0 ? position.probeItems / position.density : Number.POSITIVE_INFINITY;
  return Math.max(settings.headLagTargetSeconds, Math.min(probeSeconds, TAIL_BATCH_TARGETS * settings.headLagTargetSeconds));
}

const TAIL_BATCH_TARGETS = 2;

/**
 * Reconciliation's next re-read: every verified second old enough, never one whose markers may
 * be gone. It waits for a page's worth at the density seen lately (at most 1/24 of its age, an
 * hour by default), so on a quiet upstream it takes a call an hour, not one a minute.
 */
function reconcileSpan(position: IngestionPosition, now: number, settings: IngestionSettings): (Span & { page?: number }) | undefined {
  if (settings.reconcileSeconds <= 0) return undefined;
  if (position.open.reconcile) return position.open.reconcile;
  const start = Math.max(position.reconciled, now - settings.markerSafeSeconds) + 1;
  const end = Math.min(position.verified, now - settings.reconcileSeconds, boundOf(position, 'reconcile', start));
  const batch = Math.max(
    settings.headLagTargetSeconds,
    Math.min(position.density > 0 ? pageSeconds(position.density) : Number.POSITIVE_INFINITY, settings.reconcileSeconds / 24),
  );
  return start <= end && dueAfter(position.reconciled, now, settings.reconcileSeconds, batch) ? { start, end } : undefined;
}

/** Seconds that hold about one page at `density` per second. */
const pageSeconds = (density: number): number => Math.max(1, Math.round(upstreamContract.pageSize / density));

/** An operator's split bound for the pass, while the pass has not passed it. */
function boundOf(position: IngestionPosition, pass: Pass, start: number): number {
  const bound = position.bounds?.[pass];
  return bound !== undefined && bound >= start ? bound : Number.POSITIVE_INFINITY;
}

/**
 * A pass behind the head waits until `batch` seconds are old enough, so that it reads them in
 * one call rather than a few seconds at a time, and leaves the calls between to the others.
 */
const dueAfter = (watermark: number, now: number, age: number, batch: number): boolean => now - watermark > age + batch;
