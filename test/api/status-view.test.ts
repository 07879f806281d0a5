import { statusView } from '../../lib/api/status-view';

const counters = {
  calls: 1,
  fetched: 2,
  applied: 3,
  duplicates: 4,
  quarantined: 5,
  failedCalls: 6,
  headCalls: 1,
  tailCalls: 0,
  reconcileCalls: 0,
  freshCalls: 0,
  lateApplied: 0,
  contradictoryMeta: 0,
  cappedRetryAfter: 0,
  conflicts: 0,
  unverifiedSeconds: 0,
};
const zero = Object.fromEntries(Object.keys(counters).map((name) => [name, 0]));
const at = (iso: string) => Date.parse(iso);

describe('status view', () => {
  it('is nulls and zeros before any ingestion', () => {
    expect(statusView(undefined, at('2026-11-25T10:00:00Z'))).toEqual({
      watermark: null,
      lagSeconds: null,
      settledWatermark: null,
      settledLagSeconds: null,
      verifiedWatermark: null,
      verifiedLagSeconds: null,
      callsLastMinute: { head: 0, tail: 0, reconcile: 0, fresh: 0 },
      lastTick: null,
      jam: null,
      operatorActions: [],
      counters: zero,
    });
  });

  it('measures the lag in whole seconds from the watermark to now', () => {
    const view = statusView({ watermark: '2026-11-25T09:57:59Z', counters, recentCalls: [], operatorActions: [] }, at('2026-11-25T10:00:00.999Z'));
    expect(view).toMatchObject({ watermark: '2026-11-25T09:57:59.000Z', lagSeconds: 121, lastTick: null, counters });
  });

  it('shows the settled head beside the freshest read (a cursor from before fresh reads: the watermark is the settled head)', () => {
    const nowMs = at('2026-11-25T10:00:00Z');
    const view = statusView(
      { watermark: '2026-11-25T09:59:53Z', settledWatermark: '2026-11-25T09:59:05Z', counters, recentCalls: [], operatorActions: [] },
      nowMs,
    );
    expect(view).toMatchObject({ watermark: '2026-11-25T09:59:53.000Z', lagSeconds: 7, settledWatermark: '2026-11-25T09:59:05.000Z', settledLagSeconds: 55 });
    expect(statusView({ watermark: '2026-11-25T09:59:05Z', counters, recentCalls: [], operatorActions: [] }, nowMs)).toMatchObject({
      lagSeconds: 55,
      settledLagSeconds: 55,
    });
  });

  it('never shows a negative lag when the clock is behind the watermark', () => {
    expect(statusView({ watermark: '2026-11-25T10:00:05Z', counters, recentCalls: [], operatorActions: [] }, at('2026-11-25T10:00:00Z')).lagSeconds).toBe(0);
  });

  it('shows an unreadable watermark as null instead of failing', () => {
    expect(statusView({ watermark: 'garbage', counters, recentCalls: [], operatorActions: [] }, 0)).toMatchObject({ watermark: null, lagSeconds: null });
  });

  it('shows the tail lag and the calls of the last 60 s per pass', () => {
    const nowMs = at('2026-11-25T10:00:00Z');
    const recentCalls = [
      { atMs: nowMs - 70_000, pass: 'head' as const, ok: true },
      { atMs: nowMs - 50_000, pass: 'head' as const, ok: true },
      { atMs: nowMs - 38_000, pass: 'tail' as const, ok: true },
      { atMs: nowMs - 26_000, pass: 'head' as const, ok: false },
      { atMs: nowMs - 14_000, pass: 'fresh' as const, ok: true },
      { atMs: nowMs - 2_000, pass: 'reconcile' as const, ok: true },
    ];
    const view = statusView(
      { watermark: '2026-11-25T09:59:30Z', verifiedWatermark: '2026-11-25T09:58:00Z', counters, recentCalls, operatorActions: [] },
      nowMs,
    );
    expect(view).toMatchObject({
      lagSeconds: 30,
      verifiedWatermark: '2026-11-25T09:58:00.000Z',
      verifiedLagSeconds: 120,
      callsLastMinute: { head: 2, tail: 1, reconcile: 1, fresh: 1 },
    });
  });
});
