import { ingestionSchedule } from '../../../infra/definitions/schedule';
import { runTick, type TickDependencies, type TickReport } from '../../../lib/ingestion/run-tick';
import type { FakeClock } from '../../support/fake-clock';

export interface SimulatedTick {
  atMs: number;
  report?: TickReport;
  /** The invocation was refused: another tick was still running (reserved concurrency 1). */
  throttled?: boolean;
}

/**
 * The deployed cadence in virtual time: EventBridge starts an execution every 60 s; each runs
 * 5 ticks, each followed by an 11 s wait; a tick takes `tickWorkMs` when it fetched a page and
 * 200 ms otherwise; an invocation that arrives while a tick runs is throttled (and the state
 * machine's catch moves on to the wait). Ticks are the real runTick on the given dependencies.
 */
export async function simulateTickLoop(
  deps: TickDependencies,
  clock: FakeClock,
  options: { tickWorkMs: number; durationMs: number; stop?(report: TickReport): boolean; observe?(report: TickReport, endedAtMs: number): void },
): Promise<SimulatedTick[]> {
  const { periodSeconds, ticksPerExecution, waitSecondsBetweenTicks } = ingestionSchedule;
  const startMs = clock.nowMs();
  const endMs = startMs + options.durationMs;
  const queue: { atMs: number; tick: number }[] = [];
  const schedule = (atMs: number, tick: number) => {
    const index = queue.findIndex((event) => event.atMs > atMs);
    queue.splice(index === -1 ? queue.length : index, 0, { atMs, tick });
  };
  for (let at = startMs; at < endMs; at += periodSeconds * 1000) schedule(at, 1);
  const ticks: SimulatedTick[] = [];
  let busyUntil = 0;
  while (queue.length > 0) {
    const event = queue.shift()!;
    if (event.atMs >= endMs) break;
    let finishedAt: number;
    if (event.atMs < busyUntil) {
      ticks.push({ atMs: event.atMs, throttled: true });
      finishedAt = event.atMs;
    } else {
      clock.advance(Math.max(0, event.atMs - clock.nowMs()));
      const report = await runTick(deps);
      const fetched = report.outcome === 'applied' || report.outcome === 'reapplied';
      clock.advance(fetched ? options.tickWorkMs : 200);
      busyUntil = clock.nowMs();
      finishedAt = busyUntil;
      ticks.push({ atMs: event.atMs, report });
      options.observe?.(report, finishedAt);
      if (options.stop?.(report)) break;
    }
    if (event.tick < ticksPerExecution) schedule(finishedAt + waitSecondsBetweenTicks * 1000, event.tick + 1);
  }
  return ticks;
}
