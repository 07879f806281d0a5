import { percentile, rounded } from '../support/percentiles';
import { phasedTraffic } from '../support/sweep-traffic';
import { simulateTickLoop } from '../support/tick-loop-simulation';
import { simulatedIngestion } from '../support/simulated-ingestion';
import { progress, type BenchOptions, type ScenarioResult } from '../scenario-result';

const MINUTE = 60_000;
export const SWEEP_RATES = [120, 600, 1000, 2500, 4000, 4500] as const;
const HEAVY_MS = 30 * MINUTE;
const QUIET_MS = 10 * MINUTE;
const LATE_FRACTION = 0.002;
const LATE_SECONDS: [number, number] = [20, 50];
/** "Exact by the end": every transaction created this long before the end is applied. */
const EXACT_MARGIN_MS = 2 * MINUTE;

/**
 * Figure: freshness from ordinary traffic up to the upstream's limit, at DEFAULT settings. For
 * each rate, 30 simulated minutes of traffic with 0.2% of the items listed 20–50 s late, then 10
 * minutes at 2% of that rate. The real runTick (planner, call slots, passes) runs over in-memory
 * storage in virtual time with the deployed cadence; a fetched page takes the measured tick
 * duration. The lag (now − watermark, the freshest completed read) and the settled head's lag are
 * sampled every virtual second of the 30 busy minutes, the tail's over all 40; the cost of
 * freshness is the items the upstream served per item created.
 */
export async function freshnessSweep(_options: BenchOptions, measured: Record<string, number>): Promise<ScenarioResult> {
  const tickWorkMs = measured.catchUpMedianTickMs ?? measured.pageApplyMs ?? 1500;
  const figures: Record<string, number> = {};
  const notes: string[] = [];
  for (const rate of SWEEP_RATES) {
    const start = Date.parse('2025-01-01T12:00:00Z');
    const items = phasedTraffic({
      fromMs: start,
      phases: [
        { durationMs: HEAVY_MS, perMinute: rate },
        { durationMs: QUIET_MS, perMinute: rate * 0.02 },
      ],
      lateFraction: LATE_FRACTION,
      lateSeconds: LATE_SECONDS,
      prefix: `sweep-${rate}`,
    });
    const run = simulatedIngestion(items, start, { INGEST_FROM: new Date(start).toISOString() });
    const marks: { atMs: number; headMs: number; settledMs: number; verifiedMs: number }[] = [
      { atMs: start, headMs: start, settledMs: start, verifiedMs: start },
    ];
    await simulateTickLoop(run.deps, run.clock, {
      tickWorkMs,
      durationMs: HEAVY_MS + QUIET_MS,
      observe: (report, endedAtMs) =>
        marks.push({
          atMs: endedAtMs,
          headMs: Date.parse(report.watermark),
          settledMs: Date.parse(report.settledWatermark),
          verifiedMs: Date.parse(report.verifiedWatermark),
        }),
    });
    const lagsEverySecond = (fromMs: number, toMs: number, of: 'headMs' | 'settledMs' | 'verifiedMs'): number[] => {
      const lags: number[] = [];
      let k = 0;
      for (let at = fromMs; at < toMs; at += 1000) {
        while (k + 1 < marks.length && marks[k + 1]!.atMs <= at) k++;
        lags.push((at - marks[k]![of]) / 1000);
      }
      return lags;
    };
    const head = lagsEverySecond(start + MINUTE, start + HEAVY_MS, 'headMs');
    const settled = lagsEverySecond(start + MINUTE, start + HEAVY_MS, 'settledMs');
    const tail = lagsEverySecond(start + MINUTE, start + HEAVY_MS + QUIET_MS, 'verifiedMs');
    const endMs = start + HEAVY_MS + QUIET_MS;
    const due = items.filter((item) => item.at < endMs - EXACT_MARGIN_MS).length;
    const missing = due - run.writer.distinctBefore(endMs - EXACT_MARGIN_MS);
    const counters = run.cursor.counters;
    const minutes = (HEAVY_MS + QUIET_MS) / MINUTE;
    const row = {
      HeadLagP50: percentile(head, 50),
      HeadLagP99: percentile(head, 99),
      HeadLagMax: Math.max(...head),
      SettledLagMax: Math.max(...settled),
      TailLagMax: Math.max(...tail),
      ServedPerCreated: rounded(run.source.calls.reduce((sum, call) => sum + call.items, 0) / items.length, 2),
      Missing: missing,
    };
    for (const [name, value] of Object.entries(row)) figures[`sweep${rate}${name}`] = value;
    const perPass = `fresh ${rounded(counters.freshCalls / minutes, 2)}, head ${rounded(counters.headCalls / minutes, 2)}, tail ${rounded(counters.tailCalls / minutes, 2)}, reconcile ${rounded(counters.reconcileCalls / minutes, 2)} calls/min`;
    const line = `${rate} tx/min: lag p50 ${row.HeadLagP50} s, p99 ${row.HeadLagP99} s, max ${row.HeadLagMax} s; settled lag max ${row.SettledLagMax} s; tail lag max ${row.TailLagMax} s; ${perPass}; items served ÷ created ${row.ServedPerCreated}; late arrivals applied by the tail ${counters.lateApplied}; exact at the end: ${missing === 0 ? 'yes' : `no (${missing} missing)`}`;
    progress(`freshness sweep ${line}`);
    notes.push(
      `freshness sweep (simulated cadence, defaults, ${LATE_FRACTION * 100}% listed ${LATE_SECONDS.join('–')} s late, 30 min then 10 min at 2%): ${line}`,
    );
  }
  return { figures, notes };
}
