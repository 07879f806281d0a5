import { ingestionSchedule } from '../../infra/definitions/schedule';
import { tickLoopDefinition, tickStateName, waitStateName } from '../../infra/definitions/tick-loop';
import { progressLine } from '../../infra/local/progress-line';
import { LOCAL_FETCH_FUNCTION_ARN, localRunOptions, startScheduler } from '../../infra/local/scheduler';
import type { TickReport } from '../../lib/ingestion/run-tick';

const report = (tick: number): TickReport => ({
  outcome: 'applied',
  pass: 'head',
  fetched: 10 * tick,
  applied: 9 * tick,
  duplicates: tick,
  quarantined: 0,
  lagSeconds: 3,
  settledLagSeconds: 48,
  verifiedLagSeconds: 64,
  watermark: '2024-05-01T10:00:00.000Z',
  settledWatermark: '2024-05-01T09:59:15.000Z',
  verifiedWatermark: '2024-05-01T09:59:03.000Z',
  window: { start: '2024-05-01T09:59:00.000Z', end: '2024-05-01T10:00:00.000Z', page: tick },
});

const until = async (condition: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('local scheduler', () => {
  it('divides every Wait and Retry pause of the definition by the time scale', () => {
    const definition = tickLoopDefinition(LOCAL_FETCH_FUNCTION_ARN);
    const options = localRunOptions(definition, 20, async () => null);
    expect(options.overrides?.waitTimeOverrides).toEqual(
      Object.fromEntries(
        Array.from({ length: ingestionSchedule.ticksPerExecution - 1 }, (_, i) => [
          waitStateName(i + 1),
          (ingestionSchedule.waitSecondsBetweenTicks * 1000) / 20,
        ]),
      ),
    );
    expect(options.overrides?.retryIntervalOverrides?.[tickStateName(1)]).toEqual([50]);
    expect(Object.keys(options.overrides?.taskResourceLocalHandlers ?? {}).sort()).toEqual(
      Array.from({ length: ingestionSchedule.ticksPerExecution }, (_, i) => tickStateName(i + 1)).sort(),
    );
  });

  it('runs one execution as 5 ticks in order, handing the fetch handler the unwrapped payload', async () => {
    const payloads: unknown[] = [];
    const results: [number, unknown][] = [];
    const scheduler = startScheduler({
      timeScale: 1000, // 11 ms waits
      periodSeconds: 3600, // no second execution during the test
      invokeFetch: async (payload) => {
        payloads.push(payload);
        const tick = (payload as { tick: number }).tick;
        return report(tick);
      },
      onTickResult: (tick, result) => results.push([tick, result]),
    });
    await until(() => payloads.length === ingestionSchedule.ticksPerExecution);
    await scheduler.stop();
    expect(payloads).toEqual([1, 2, 3, 4, 5].map((tick) => ({ source: 'schedule', tick })));
    expect(results.map(([tick, result]) => [tick, (result as TickReport).window?.page])).toEqual([1, 2, 3, 4, 5].map((tick) => [tick, tick]));
    expect(scheduler.executions).toBe(1);
  });

  it('keeps ticking after a tick fails: the definition catches it and moves on', async () => {
    const ticks: number[] = [];
    const errors: number[] = [];
    const scheduler = startScheduler({
      timeScale: 1000,
      periodSeconds: 3600,
      invokeFetch: async (payload) => {
        const { tick } = payload as { tick: number };
        ticks.push(tick);
        if (tick === 2) throw new Error('fetch crashed');
        return report(tick);
      },
      onTickError: (tick) => errors.push(tick),
    });
    await until(() => ticks.includes(5));
    await scheduler.stop();
    expect(ticks).toEqual([1, 2, 3, 4, 5]);
    expect(errors).toEqual([2]);
  });

  it('gives each invocation its own copy of the payload, as Lambda does', async () => {
    const seen: unknown[] = [];
    const scheduler = startScheduler({
      timeScale: 1000,
      periodSeconds: 3600,
      invokeFetch: async (payload) => {
        seen.push(JSON.parse(JSON.stringify(payload)));
        (payload as { tick: number }).tick = 99; // a handler that mutates its event changes nothing upstream
        return null;
      },
    });
    await until(() => seen.length === 2);
    await scheduler.stop();
    expect(seen).toEqual([
      { source: 'schedule', tick: 1 },
      { source: 'schedule', tick: 2 },
    ]);
  });

  it('starts an execution at once and another one every period', async () => {
    const ticksOne: number[] = [];
    const scheduler = startScheduler({
      timeScale: 1,
      periodSeconds: 0.05,
      definition: {
        StartAt: 'Tick 1',
        States: {
          'Tick 1': {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: LOCAL_FETCH_FUNCTION_ARN, Payload: { source: 'schedule', tick: 1 } },
            End: true,
          },
        },
      },
      invokeFetch: async (payload) => {
        ticksOne.push((payload as { tick: number }).tick);
        return null;
      },
    });
    await until(() => ticksOne.length >= 3);
    await scheduler.stop();
    const executions = scheduler.executions;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(scheduler.executions).toBe(executions); // nothing starts after stop
    expect(ticksOne.every((tick) => tick === 1)).toBe(true);
  });

  it('stop waits for the tick in flight and starts no further tick', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const events: string[] = [];
    const scheduler = startScheduler({
      timeScale: 1000,
      periodSeconds: 3600,
      invokeFetch: async (payload) => {
        const { tick } = payload as { tick: number };
        events.push(`start ${tick}`);
        await gate;
        events.push(`end ${tick}`);
        return report(tick);
      },
    });
    await until(() => events.length === 1);
    const stopped = scheduler.stop().then(() => events.push('stopped'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(events).toEqual(['start 1']);
    release();
    await stopped;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual(['start 1', 'end 1', 'stopped']);
  });

  it('prints one progress line per tick with outcome, pass, page, counts and both lags', () => {
    const line = progressLine(2, 5, report(2), Date.parse('2024-05-01T10:00:07Z'));
    expect(line).toBe(
      '10:00:07 tick 2/5 applied          head      page 2 [09:59:00→10:00:00] fetched 20 applied 18 duplicates 2 quarantined 0 lag 3s settled 48s verified 64s',
    );
    const idle = progressLine(3, 5, { ...report(3), outcome: 'rate-limited', window: undefined, error: 'rate-limited: upstream answered 429' }, 0);
    expect(idle).toContain('rate-limited');
    expect(idle).toContain('page -');
    expect(idle).toContain('(rate-limited: upstream answered 429)');
  });
});
