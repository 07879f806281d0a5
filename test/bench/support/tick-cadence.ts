import type { TickReport } from '../../../lib/ingestion/run-tick';

export interface TimedTick {
  startedAtMs: number;
  endedAtMs: number;
  report?: TickReport;
  error?: string;
}

/**
 * Fires ticks at a fixed rate, one every `periodMs` (12 s / TIME_SCALE), never two at once (the
 * fetch function's reserved concurrency is 1): a tick that overruns delays the next one only.
 * At TIME_SCALE 1 this is the cadence the state machine's "invoke, wait 11 s" gives a ~1 s tick;
 * at a higher scale the waits shrink but the DynamoDB work does not, so a fixed rate keeps the
 * cadence the deployment has. Stops when `done` says so or after `maxTicks`.
 */
export async function ticksAtFixedRate(
  tick: () => Promise<TickReport>,
  options: { periodMs: number; maxTicks: number; done(report: TickReport): boolean },
): Promise<TimedTick[]> {
  const ticks: TimedTick[] = [];
  const firstAt = Date.now();
  for (let i = 0; i < options.maxTicks; i++) {
    const wait = firstAt + i * options.periodMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const startedAtMs = Date.now();
    try {
      const report = await tick();
      ticks.push({ startedAtMs, endedAtMs: Date.now(), report });
      if (options.done(report)) break;
    } catch (error) {
      ticks.push({ startedAtMs, endedAtMs: Date.now(), error: (error as Error).message });
    }
  }
  return ticks;
}
