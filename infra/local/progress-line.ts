import type { TickReport } from '../../lib/ingestion/run-tick';

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const shortTime = (iso: string) => iso.slice(11, 19);

/**
 * One line per tick for the terminal, e.g.
 * `10:03:12 tick 2/5 applied       page 1 [10:01:00→10:03:07] fetched 1000 applied 998 duplicates 2 quarantined 0 lag 5s`
 */
export function progressLine(tick: number, ticksPerExecution: number, report: TickReport, nowMs: number): string {
  const page = report.window ? `page ${report.window.page} [${shortTime(report.window.start)}→${shortTime(report.window.end)}]` : 'page -';
  const counts = `fetched ${report.fetched} applied ${report.applied} duplicates ${report.duplicates} quarantined ${report.quarantined}`;
  const error = report.error ? ` (${report.error})` : '';
  return `${clock(nowMs)} tick ${tick}/${ticksPerExecution} ${report.outcome.padEnd(16)} ${page} ${counts} lag ${report.lagSeconds}s${error}`;
}

export function failedTickLine(tick: number, ticksPerExecution: number, error: unknown, nowMs: number): string {
  return `${clock(nowMs)} tick ${tick}/${ticksPerExecution} failed           ${(error as Error)?.message ?? String(error)}`;
}
