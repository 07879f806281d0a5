import { DecimalText, transactionTypes } from '../../../lib/core/transaction';
import { ingestionConfigFrom } from '../../../lib/ingestion/ingestion-config';
import type { TickDependencies } from '../../../lib/ingestion/run-tick';
import type { DatasetItem } from '../../../lib/mock-upstream/dataset';
import { createCallSlots } from '../../../lib/store/call-slots';
import { FakeClock } from '../../support/fake-clock';
import { countingWriter, datasetSource, discardingQuarantine, inMemoryCallSlotTable, inMemoryCursor } from '../support/in-memory-ingestion';
import { ingestedPerMinute } from '../support/budget-use';
import { rounded } from '../support/percentiles';
import { simulateTickLoop } from '../support/tick-loop-simulation';
import { progress, type BenchOptions, type ScenarioResult } from '../scenario-result';

const MINUTE = 60_000;
const PAGE = 1000;

/** Items created at a steady rate between two instants (amounts as the client parses them). */
function traffic(fromMs: number, toMs: number, perMinute: number, prefix: string): DatasetItem[] {
  const stepMs = MINUTE / perMinute;
  const items: DatasetItem[] = [];
  for (let i = 0, at = fromMs; at < toMs; i++, at = fromMs + Math.floor(i * stepMs)) {
    const id = `${prefix}-${i}`;
    items.push({ at, id, record: { id, userId: `user-${i % 300}`, createdAt: new Date(at).toISOString(), type: transactionTypes[i % 4], amount: new DecimalText('1') } });
  }
  return items;
}

/** The real tick over in-memory storage, driven by the deployed cadence in virtual time. */
function simulatedIngestion(items: DatasetItem[], startMs: number, environment: Record<string, string>) {
  const clock = new FakeClock(startMs);
  const config = ingestionConfigFrom({ TABLE_NAME: 'simulated', TRANSACTIONS_API_URL: 'http://127.0.0.1:9/unused', ...environment });
  const source = datasetSource(items, clock.nowMs);
  const cursor = inMemoryCursor();
  const writer = countingWriter();
  const deps: TickDependencies = {
    cursor,
    callSlots: createCallSlots({ document: inMemoryCallSlotTable(), tableName: 'simulated' }, config.budget, clock),
    aggregates: writer,
    quarantine: discardingQuarantine,
    source,
    settings: config.settings,
    nowMs: clock.nowMs,
    holder: 'simulation',
    defaultBackoffMs: config.defaultBackoffMs,
  };
  return { clock, deps, source, cursor, writer };
}

/**
 * Two questions a short real run cannot answer cheaply, answered by the real tick code (window
 * planner, call-slot claims, cursor logic) over in-memory storage in virtual time, with the
 * deployed cadence (a new execution every 60 s, 5 ticks each followed by an 11 s wait) and each
 * page taking the tick duration measured by the catch-up scenario:
 *  - a long catch-up (100,000 transactions, 20 minutes of calls): does the budget stay used?
 *  - the default 60 s look-back at 4000 transactions/min: how does the lag grow?
 */
export async function tickLoopSimulation(_options: BenchOptions, measured: Record<string, number>): Promise<ScenarioResult> {
  const tickWorkMs = measured.catchUpMedianTickMs ?? measured.pageApplyMs ?? 1500;
  const notes: string[] = [];

  // A long catch-up.
  const now = Date.parse('2025-01-01T12:00:00Z');
  const backlog = traffic(now - 3 * 3_600_000, now - 3_600_000, 100_000 / 120, 'backlog');
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
  progress(`simulated catch-up of ${backlog.length}: efficiency ${efficiency.toFixed(4)} (first 20 pages ${shortEfficiency.toFixed(4)}), ${lost} ticks found no call slot, ${throttled} throttled, tick ${tickWorkMs} ms`);
  notes.push(
    `simulated catch-up (real runTick + call slots, in-memory storage, virtual time, state machine cadence, tick ${tickWorkMs} ms): ${backlog.length} transactions, ${overall.fullPages} full pages, efficiency ${efficiency.toFixed(4)} overall and ${shortEfficiency.toFixed(4)} over the first 20 pages; ${lost} ticks found no free call slot`,
  );

  // Look-back at 4000/min: the lag after 10 minutes, for 60 s (default), 2 s and 0 s.
  const lagAfter: Record<string, number[]> = {};
  for (const lookBack of ['60', '2', '0']) {
    const start = Date.parse('2025-01-01T12:00:00Z');
    const live = traffic(start, start + 31 * MINUTE, 4000, `live-${lookBack}`);
    const run = simulatedIngestion(live, start, { INGEST_FROM: new Date(start).toISOString(), LOOK_BACK_SECONDS: lookBack });
    const watermarks: { atMs: number; watermarkMs: number }[] = [];
    await simulateTickLoop(run.deps, run.clock, {
      tickWorkMs,
      durationMs: 30 * MINUTE,
      observe: (report, endedAtMs) => watermarks.push({ atMs: endedAtMs, watermarkMs: Date.parse(report.watermark) }),
    });
    const lags = Array.from({ length: 30 }, (_, i) => {
      const atMs = start + (i + 1) * MINUTE;
      const known = watermarks.filter((entry) => entry.atMs <= atMs).pop();
      return Math.round((atMs - (known?.watermarkMs ?? start)) / 1000);
    });
    lagAfter[lookBack] = lags;
  }
  const series = (lags: number[]) => [1, 2, 5, 10, 20, 30].map((minute) => `${minute} min ${lags[minute - 1]} s`).join(', ');
  progress(`simulated lag at 4000 tx/min, LOOK_BACK_SECONDS 60: ${series(lagAfter['60']!)}`);
  notes.push(
    `simulated lag (now − watermark) at 4000 tx/min: LOOK_BACK_SECONDS 60: ${series(lagAfter['60']!)}; 2: ${series(lagAfter['2']!)}; 0: ${series(lagAfter['0']!)}`,
  );
  return {
    figures: {
      catchUpLongRunEfficiency: rounded(efficiency, 4),
      catchUpLongRunLostTicks: lost,
      lookBack60LagSeconds: lagAfter['60']![9]!,
      lookBack60LagSeconds30Min: lagAfter['60']![29]!,
      lookBack2LagSeconds: lagAfter['2']![9]!,
      lookBack0LagSeconds: lagAfter['0']![9]!,
    },
    notes,
  };
}
