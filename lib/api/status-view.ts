import { passes } from '../core/ingestion-position';
import { zeroCounters } from '../ingestion/ports';
import type { IngestionStatus } from './ports';
import type { IngestionStatusBody } from './response-schemas';

const lagOf = (iso: string | undefined, nowMs: number): { at: string | null; lag: number | null } => {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? { at: null, lag: null } : { at: new Date(ms).toISOString(), lag: Math.max(0, Math.floor((nowMs - ms) / 1000)) };
};

/** The body of GET /status at `nowMs`: nulls and zeros before any ingestion, lags never negative. */
export function statusView(status: IngestionStatus | undefined, nowMs: number): IngestionStatusBody {
  const callsLastMinute = { head: 0, tail: 0, reconcile: 0, fresh: 0 };
  if (!status) {
    return {
      watermark: null,
      lagSeconds: null,
      settledWatermark: null,
      settledLagSeconds: null,
      verifiedWatermark: null,
      verifiedLagSeconds: null,
      callsLastMinute,
      lastTick: null,
      jam: null,
      operatorActions: [],
      counters: zeroCounters(),
    };
  }
  for (const call of status.recentCalls) if (nowMs - call.atMs < 60_000 && passes.includes(call.pass)) callsLastMinute[call.pass] += 1;
  const freshest = lagOf(status.watermark, nowMs);
  // A cursor from before fresh reads: its watermark is the settled head's.
  const settled = lagOf(status.settledWatermark ?? status.watermark, nowMs);
  const tail = lagOf(status.verifiedWatermark, nowMs);
  return {
    watermark: freshest.at,
    lagSeconds: freshest.lag,
    settledWatermark: settled.at,
    settledLagSeconds: settled.lag,
    verifiedWatermark: tail.at,
    verifiedLagSeconds: tail.lag,
    callsLastMinute,
    lastTick: status.lastTick ?? null,
    jam: status.jam ?? null,
    operatorActions: status.operatorActions,
    counters: { ...zeroCounters(), ...status.counters },
  };
}
