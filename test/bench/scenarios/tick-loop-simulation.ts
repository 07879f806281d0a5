import { simulatedIngestion } from '../support/simulated-ingestion';
import { phasedTraffic } from '../support/sweep-traffic';
import { ingestedPerMinute } from '../support/budget-use';
import { rounded } from '../support/percentiles';
import { simulateTickLoop } from '../support/tick-loop-simulation';
import { progress, type BenchOptions, type ScenarioResult } from '../scenario-result';

const MINUTE = 60_000;
const PAGE = 1000;

/**
 * A question a short real run cannot answer cheaply, answered by the real tick code (planner,
 * call-slot claims, cursor logic) over in-memory storage in virtual time, with the deployed
 * cadence (a new execution every 60 s, 5 ticks each followed by an 11 s wait) and each page
 * taking the tick duration measured by the catch-up scenario: over a long catch-up (100,000
 * transactions, 20 minutes of calls), does the budget stay used?
 */
export async function tickLoopSimulation(_options: BenchOptions, measured: Record<string, number>): Promise<ScenarioResult> {
  const tickWorkMs = measured.catchUpMedianTickMs ?? measured.pageApplyMs ?? 1500;
  const notes: string[] = [];

  // A long catch-up.
  const now = Date.parse('2025-01-01T12:00:00Z');
  const backlog = phasedTraffic({
    fromMs: now - 3 * 3_600_000,
    phases: [{ durationMs: 2 * 3_600_000, perMinute: 100_000 / 120 }],
    lateFraction: 0,
    lateSeconds: [0, 0],
    prefix: 'backlog',
  });
  const catchUp = simulatedIngestion(backlog, now, { INGEST_FROM: new Date(now - 4 * 3_600_000).toISOString() });
  const ticks = await simulateTickLoop(catchUp.deps, catchUp.clock, {
    tickWorkMs,
    durationMs: 60 * MINUTE,
    stop: (report) => report.outcome === 'applied' && report.fetched < PAGE,
  });
  if (catchUp.writer.distinct() !== backlog.length) throw new Error(`simulated catch-up applied ${catchUp.writer.distinct()} of ${backlog.length}`);
  const overall = ingestedPerMinute(catchUp.source.calls, PAGE, MINUTE);
  const efficiency = overall.perMinute / 5000;
  const firstTwenty = ingestedPerMinute([...catchUp.source.calls.slice(0, 20), { atMs: catchUp.source.calls[20]!.atMs, items: 0 }], PAGE, MINUTE);
  const shortEfficiency = firstTwenty.perMinute / 5000;
  const lost = ticks.filter((tick) => tick.report?.outcome === 'budget-exhausted').length;
  const throttled = ticks.filter((tick) => tick.throttled).length;
  progress(
    `simulated catch-up of ${backlog.length}: efficiency ${efficiency.toFixed(4)} (first 20 pages ${shortEfficiency.toFixed(4)}), ${lost} ticks found no call slot, ${throttled} throttled, tick ${tickWorkMs} ms`,
  );
  notes.push(
    `simulated catch-up (real runTick + call slots, in-memory storage, virtual time, state machine cadence, tick ${tickWorkMs} ms): ${backlog.length} transactions, ${overall.fullPages} full pages, efficiency ${efficiency.toFixed(4)} overall and ${shortEfficiency.toFixed(4)} over the first 20 pages; ${lost} ticks found no free call slot`,
  );

  return {
    figures: {
      catchUpLongRunEfficiency: rounded(efficiency, 4),
      catchUpLongRunLostTicks: lost,
    },
    notes,
  };
}
