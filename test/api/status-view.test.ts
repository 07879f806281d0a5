import { statusView } from '../../lib/api/status-view';

const counters = { calls: 1, fetched: 2, applied: 3, duplicates: 4, quarantined: 5, failedCalls: 6 };
const at = (iso: string) => Date.parse(iso);

describe('status view', () => {
  it('is nulls and zeros before any ingestion', () => {
    expect(statusView(undefined, at('2026-11-25T10:00:00Z'))).toEqual({
      watermark: null,
      lagSeconds: null,
      lastTick: null,
      counters: { calls: 0, fetched: 0, applied: 0, duplicates: 0, quarantined: 0, failedCalls: 0 },
    });
  });

  it('measures the lag in whole seconds from the watermark to now', () => {
    const view = statusView({ watermark: '2026-11-25T09:57:59Z', counters }, at('2026-11-25T10:00:00.999Z'));
    expect(view).toMatchObject({ watermark: '2026-11-25T09:57:59.000Z', lagSeconds: 121, lastTick: null, counters });
  });

  it('never shows a negative lag when the clock is behind the watermark', () => {
    expect(statusView({ watermark: '2026-11-25T10:00:05Z', counters }, at('2026-11-25T10:00:00Z')).lagSeconds).toBe(0);
  });

  it('shows an unreadable watermark as null instead of failing', () => {
    expect(statusView({ watermark: 'garbage', counters }, 0)).toMatchObject({ watermark: null, lagSeconds: null });
  });
});
