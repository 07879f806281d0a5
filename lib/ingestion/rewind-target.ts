import { markerSafeSeconds, MARKER_MARGIN_SECONDS } from './ingestion-config';

export type RewindTarget = { ok: true; watermark: string } | { ok: false; error: string };

/**
 * Where a replay may move the passes. Re-reading is exactly once only while the markers of what
 * is re-read still exist: every transaction from `watermark` on must have been created less than
 * `markerTtlDays` ago minus the same day's margin every re-read keeps (markerSafeSeconds).
 */
export function rewindTarget(text: string, nowMs: number, settings: { markerTtlDays: number }): RewindTarget {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return { ok: false, error: `"${text}" is not a date-time (use ISO 8601, e.g. 2026-11-20T00:00:00Z)` };
  const watermark = new Date(Math.floor(ms / 1000) * 1000).toISOString();
  if (ms > nowMs) return { ok: false, error: `${watermark} is in the future` };
  const oldest = nowMs - markerSafeSeconds(settings.markerTtlDays) * 1000;
  if (ms < oldest) {
    return {
      ok: false,
      error:
        `${watermark} is too far back: transactions before ${new Date(oldest).toISOString()} may have lost their markers ` +
        `(MARKER_TTL_DAYS ${settings.markerTtlDays}, less a margin of ${MARKER_MARGIN_SECONDS / 3600} h) and would be counted twice. Rebuild into an empty table instead (infra/ops/README.md).`,
    };
  }
  return { ok: true, watermark };
}
