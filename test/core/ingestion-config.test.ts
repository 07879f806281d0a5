import { ingestionConfigFrom, markerSafeSeconds, MARKER_MARGIN_SECONDS } from '../../lib/ingestion/ingestion-config';
import { rewindTarget } from '../../lib/ingestion/rewind-target';

const base = { TABLE_NAME: 't', TRANSACTIONS_API_URL: 'http://127.0.0.1:9/x' };

test.each([
  ['UPSTREAM_TIMEOUT_MS', '0'],
  ['MARKER_TTL_DAYS', '0'],
  ['MARKER_TTL_DAYS', '1'],
  ['LATE_HORIZON_SECONDS', '0'],
  ['HEAD_LAG_TARGET_SECONDS', '0'],
  ['TIME_SCALE', '0'],
  ['APPLY_CONCURRENCY', '0'],
  ['UPSTREAM_TIMEOUT_MS', '-5'],
])('%s=%s is refused at cold start, loudly', (name, value) => {
  expect(() => ingestionConfigFrom({ ...base, [name]: value })).toThrow(new RegExp(name));
});

test('settings where 0 means something are taken: the head reading at once, reconciliation off', () => {
  expect(ingestionConfigFrom({ ...base, SETTLE_LAG_SECONDS: '0', HEAD_LAG_TARGET_SECONDS: '30', RECONCILE_HOURS: '0' }).settings).toMatchObject({
    settleLagSeconds: 0,
    reconcileSeconds: 0,
  });
});

test("the rewind keeps the same day of margin from the markers' expiry as the tail and reconciliation", () => {
  const nowMs = Date.parse('2026-12-07T12:00:00Z');
  const safe = markerSafeSeconds(7);
  expect(safe).toBe(7 * 86_400 - MARKER_MARGIN_SECONDS);
  expect(ingestionConfigFrom(base).settings.markerSafeSeconds).toBe(safe);
  expect(rewindTarget(new Date(nowMs - safe * 1000).toISOString(), nowMs, { markerTtlDays: 7 })).toMatchObject({ ok: true });
  expect(rewindTarget(new Date(nowMs - safe * 1000 - 1000).toISOString(), nowMs, { markerTtlDays: 7 })).toMatchObject({
    ok: false,
    error: expect.stringMatching(/too far back.*margin of 24 h/),
  });
});
