import type { IngestionStatus } from '../store/read-store';
import type { IngestionStatusBody } from './schemas';

const zeroCounters = { calls: 0, fetched: 0, applied: 0, duplicates: 0, quarantined: 0, failedCalls: 0 };

/** The body of GET /status at `nowMs`: nulls and zeros before any ingestion, lag never negative. */
export function statusView(status: IngestionStatus | undefined, nowMs: number): IngestionStatusBody {
  if (!status) return { watermark: null, lagSeconds: null, lastTick: null, counters: { ...zeroCounters } };
  const watermarkMs = Date.parse(status.watermark);
  return {
    watermark: Number.isNaN(watermarkMs) ? null : new Date(watermarkMs).toISOString(),
    lagSeconds: Number.isNaN(watermarkMs) ? null : Math.max(0, Math.floor((nowMs - watermarkMs) / 1000)),
    lastTick: status.lastTick ?? null,
    counters: { ...status.counters },
  };
}
