import { spanHolding } from './second-ledger';
import { epochSecond, type IngestionPosition, type IngestionSettings, type Pass, type Span } from './ingestion-position';
import { upstreamContract } from './upstream-contract';

export type PlannedCall = { kind: 'fetch'; pass: Pass; span: Span; page: number } | { kind: 'idle' };

/**
 * Who gets the next call, and what it asks for. The head as soon as a full page of settled
 * seconds waits (busy upstream) or its lag is above the target (quiet upstream); otherwise the
 * tail, once a target lag's worth of the seconds it read is old enough to check; otherwise
 * reconciliation, likewise for re-reading. A quiet upstream therefore costs about one call per
 * target lag and pass, not five near-empty calls a minute.
 */
export function planCall(position: IngestionPosition, nowMs: number, settings: IngestionSettings): PlannedCall {
  const now = epochSecond(nowMs);
  const head = headSpan(position, now, settings);
  if (head && (head.full || now - position.head > settings.headLagTargetSeconds)) return fetch('head', head);
  const tail = tailSpan(position, now, settings);
  if (tail) return fetch('tail', tail);
  const reconcile = reconcileSpan(position, now, settings);
  if (reconcile) return fetch('reconcile', reconcile);
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
  const seconds = Math.max(1, Math.round(upstreamContract.pageSize / position.density));
  const end = Math.min(settled, start + seconds - 1);
  return { start, end, full: end - start + 1 >= seconds };
}

/** The tail's next check: the oldest unverified seconds old enough, as many as `probeItems` listings. */
function tailSpan(position: IngestionPosition, now: number, settings: IngestionSettings): (Span & { page?: number }) | undefined {
  if (position.open.tail) return position.open.tail;
  const start = position.verified + 1;
  const limit = Math.min(position.head, now - settings.lateHorizonSeconds, boundOf(position, 'tail', start));
  if (start > limit || !dueAfter(position.verified, now, settings.lateHorizonSeconds, settings)) return undefined;
  return { start, end: spanHolding(position.ledger, start, limit, position.probeItems) };
}

/** Reconciliation's next re-read: every verified second old enough, never one whose markers may be gone. */
function reconcileSpan(position: IngestionPosition, now: number, settings: IngestionSettings): (Span & { page?: number }) | undefined {
  if (settings.reconcileSeconds <= 0) return undefined;
  if (position.open.reconcile) return position.open.reconcile;
  const start = Math.max(position.reconciled, now - settings.markerSafeSeconds) + 1;
  const end = Math.min(position.verified, now - settings.reconcileSeconds, boundOf(position, 'reconcile', start));
  return start <= end && dueAfter(position.reconciled, now, settings.reconcileSeconds, settings) ? { start, end } : undefined;
}

/** An operator's split bound for the pass, while the pass has not passed it. */
function boundOf(position: IngestionPosition, pass: Pass, start: number): number {
  const bound = position.bounds?.[pass];
  return bound !== undefined && bound >= start ? bound : Number.POSITIVE_INFINITY;
}

/**
 * A pass behind the head waits until a target lag's worth of seconds is old enough, so that it
 * reads them in one call rather than a few seconds at a time, and leaves the calls between to
 * the pass after it.
 */
const dueAfter = (watermark: number, now: number, age: number, settings: IngestionSettings): boolean => now - watermark > age + settings.headLagTargetSeconds;
