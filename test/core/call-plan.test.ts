import { planCall } from '../../lib/core/call-plan';
import { initialPosition, type IngestionPosition } from '../../lib/core/ingestion-position';
import { recordCounts } from '../../lib/core/second-ledger';
import { defaultSettings } from '../support/ingestion-settings';

const settings = defaultSettings({
  settleLagSeconds: 30,
  headLagTargetSeconds: 60,
  reconcileSeconds: 3600,
  // Fresh reads off (a margin as long as the settle lag): these cases are the settled passes alone.
  freshMarginSeconds: 30,
});
const t0 = Date.parse(settings.ingestFrom) / 1000;
const at = (second: number) => (t0 + second) * 1000;

/** A position whose head read up to `head` (seconds after t0) at `density` per second, verified up to `verified`. */
function position(head: number, verified: number, density: number, extra: Partial<IngestionPosition> = {}): IngestionPosition {
  const base = initialPosition(settings);
  const seconds = Array.from({ length: head - verified }, (_, i) => t0 + verified + 1 + i).flatMap((second) => Array<number>(density).fill(second));
  return {
    ...base,
    head: t0 + head,
    verified: t0 + verified,
    reconciled: t0 + verified,
    density,
    ledger: recordCounts({ from: t0 + verified + 1, counts: [] }, t0 + head, seconds),
    ...extra,
  };
}

describe('planCall: who gets the next call', () => {
  it('starts with the head, asking for everything settled while it knows no density', () => {
    expect(planCall(initialPosition(settings), at(600), settings)).toEqual({ kind: 'fetch', pass: 'head', span: { start: t0, end: t0 + 570 }, page: 1 });
  });

  it('gives the head a call as soon as a full page worth of settled seconds is there, even below its lag target', () => {
    // 50 per second: a page is 20 s; the head read up to 100 s, it is 150 s: 101..120 is settled (≤ 120).
    const plan = planCall(position(100, 100, 50), at(150), settings);
    expect(plan).toEqual({ kind: 'fetch', pass: 'head', span: { start: t0 + 101, end: t0 + 120 }, page: 1 });
  });

  it('does not spend a call on a near-empty window while the head is within its lag target', () => {
    // 1 per second: a page is 1000 s; 40 s behind is within the 60 s target, nothing else is due.
    expect(planCall(position(100, 100, 1), at(140), settings)).toEqual({ kind: 'idle' });
  });

  it('reads a partial window once the head lag passes the target', () => {
    expect(planCall(position(100, 100, 1), at(161), settings)).toEqual({ kind: 'fetch', pass: 'head', span: { start: t0 + 101, end: t0 + 131 }, page: 1 });
  });

  it('gives the tail the call the head does not need, for seconds at least the late horizon old, as many as probeItems listings', () => {
    // Head at 400 s, fresh; verified up to 100 s; 10 per second; probe 1000 listings = 100 s.
    const plan = planCall(position(400, 100, 10, { probeItems: 1000 }), at(420), settings);
    expect(plan).toEqual({ kind: 'fetch', pass: 'tail', span: { start: t0 + 101, end: t0 + 200 }, page: 1 });
  });

  it('never lets the tail check a second younger than the late horizon', () => {
    const plan = planCall(position(400, 100, 1, { probeItems: 1_000_000 }), at(420), settings);
    expect(plan).toMatchObject({ pass: 'tail', span: { start: t0 + 101, end: t0 + 360 } });
  });

  it('lets the tail wait until a target lag worth of seconds is old enough, so that it checks them in one call', () => {
    // verified 100, horizon 60, target 60: due once now − 100 > 120.
    expect(planCall(position(200, 100, 1), at(215), settings)).toEqual({ kind: 'idle' });
    expect(planCall(position(200, 100, 1), at(221), settings)).toMatchObject({ pass: 'tail' });
  });

  it('finishes a window that is being paged through before anything else', () => {
    const open = { head: { start: t0 + 101, end: t0 + 101, page: 3 } };
    expect(planCall(position(100, 100, 5000, { open }), at(102), settings)).toEqual({
      kind: 'fetch',
      pass: 'head',
      span: { start: t0 + 101, end: t0 + 101 },
      page: 3,
    });
  });

  it('re-reads verified seconds once they are reconcileSeconds old, never older than the markers may live', () => {
    const now = 30 * 86_400;
    const quiet = position(now - 40, now - 100, 0, { reconciled: 0 });
    const plan = planCall(quiet, at(now), settings);
    expect(plan).toEqual({ kind: 'fetch', pass: 'reconcile', span: { start: t0 + now - settings.markerSafeSeconds + 1, end: t0 + now - 3600 }, page: 1 });
  });

  it('turns reconciliation off with reconcileSeconds 0', () => {
    const now = 30 * 86_400;
    expect(planCall(position(now - 40, now - 100, 0, { reconciled: 0 }), at(now), { ...settings, reconcileSeconds: 0 })).toEqual({ kind: 'idle' });
  });
});
