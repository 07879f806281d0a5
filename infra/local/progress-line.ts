import type { TickReport } from '../../lib/ingestion/run-tick';

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const shortTime = (iso: string) => iso.slice(11, 19);

/**
 * One line per tick for the terminal, e.g.
 * `11:52:23 tick 1/5 applied          fresh     page 1 [11:51:13→11:52:20] fetched 122 applied 13 duplicates 109 quarantined 0 lag 3s settled 45s verified 60s`
 */
export function progressLine(tick: number, ticksPerExecution: number, report: TickReport, nowMs: number): string {
  const page = report.window ? `page ${report.window.page} [${shortTime(report.window.start)}→${shortTime(report.window.end)}]` : 'page -';
  const counts = `fetched ${report.fetched} applied ${report.applied} duplicates ${report.duplicates} quarantined ${report.quarantined}`;
  const error = report.error ? ` (${report.error})` : '';
  const pass = (report.pass ?? '-').padEnd(9);
  return `${clock(nowMs)} tick ${tick}/${ticksPerExecution} ${report.outcome.padEnd(16)} ${pass} ${page} ${counts} lag ${report.lagSeconds}s settled ${report.settledLagSeconds}s verified ${report.verifiedLagSeconds}s${error}`;
}

export function failedTickLine(tick: number, ticksPerExecution: number, error: unknown, nowMs: number): string {
  return `${clock(nowMs)} tick ${tick}/${ticksPerExecution} failed           ${(error as Error)?.message ?? String(error)}`;
}
