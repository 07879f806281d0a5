import './promise-with-resolvers';
import { StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { ingestionSchedule } from '../definitions/schedule';
import { tickLoopDefinition } from '../definitions/tick-loop';

/** The fetch function's ARN in the locally executed definition (never called over the network). */
export const LOCAL_FETCH_FUNCTION_ARN = 'arn:aws:lambda:local:000000000000:function:fetch-transactions';

/** Stands in for `lambda:Invoke`: gets the payload exactly as Lambda would deliver it. */
export type InvokeFetch = (payload: unknown) => Promise<unknown>;

export interface TickEvents {
  /** The invocation returned (its result is the function's payload, e.g. a TickReport). */
  onTickResult?(tick: number, result: unknown): void;
  onTickError?(tick: number, error: unknown): void;
}

export interface SchedulerOptions extends TickEvents {
  invokeFetch: InvokeFetch;
  /** Divides the minute period, the waits and the retry pauses. */
  timeScale: number;
  definition?: Record<string, unknown>;
  periodSeconds?: number;
  /** An execution that fails as a whole (not a tick: ticks are caught by the definition). */
  onExecutionError?(error: unknown): void;
}

export interface Scheduler {
  /** Executions started so far. */
  readonly executions: number;
  /** Stops starting executions, aborts the running ones, and waits for the tick in flight. */
  stop(): Promise<void>;
}

interface StateDefinition {
  Type?: string;
  Seconds?: number;
  Retry?: { IntervalSeconds?: number }[];
}

/**
 * Run options that execute the definition on this machine: every Task state calls `invokeFetch`
 * in-process with the unwrapped `Payload` (as lambda:invoke does), every Wait and Retry pause is
 * divided by the time scale. `track` sees each invocation, so a shutdown can wait for it.
 */
export function localRunOptions(
  definition: Record<string, unknown>,
  timeScale: number,
  invokeFetch: InvokeFetch,
  events: TickEvents = {},
  track: (invocation: Promise<unknown>) => void = () => undefined,
): RunOptions {
  const states = (definition.States ?? {}) as Record<string, StateDefinition>;
  const taskResourceLocalHandlers: NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers'] = {};
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number[]> = {};
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Wait') waitTimeOverrides[name] = ((state.Seconds ?? 0) * 1000) / timeScale;
    if (state.Retry) retryIntervalOverrides[name] = state.Retry.map((retrier) => ((retrier.IntervalSeconds ?? 1) * 1000) / timeScale);
    if (state.Type !== 'Task') continue;
    taskResourceLocalHandlers[name] = async (input) => {
      const { Payload } = (input ?? {}) as { FunctionName?: string; Payload?: unknown };
      // Lambda hands the function a JSON copy of the payload, never the caller's object.
      const payload: unknown = JSON.parse(JSON.stringify(Payload ?? {}));
      const tick = Number((payload as { tick?: unknown }).tick ?? 0);
      const invocation = invokeFetch(payload);
      track(invocation);
      try {
        const result = await invocation;
        events.onTickResult?.(tick, result);
        // The shape of lambda:invoke's answer (the definition discards it: ResultPath null).
        return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: JSON.parse(JSON.stringify(result ?? null)) };
      } catch (error) {
        events.onTickError?.(tick, error);
        throw error;
      }
    };
  }
  return { overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides }, noThrowOnAbort: true };
}

/**
 * The local EventBridge rule: starts an execution of the tick loop now and then once every
 * period (60 s / TIME_SCALE), like rate(1 minute) does, overlapping a slow one if need be.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const definition = options.definition ?? tickLoopDefinition(LOCAL_FETCH_FUNCTION_ARN);
  const machine = new StateMachine(definition as unknown as StateMachineDefinition);
  const periodMs = ((options.periodSeconds ?? ingestionSchedule.periodSeconds) * 1000) / options.timeScale;
  const inFlight = new Set<Promise<unknown>>();
  const track = (invocation: Promise<unknown>) => {
    const settled = invocation.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
  };
  const runOptions = localRunOptions(definition, options.timeScale, options.invokeFetch, options, track);
  const running = new Set<{ abort(): void; result: Promise<unknown> }>();
  const firstAt = Date.now();
  let executions = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const startExecution = () => {
    if (stopped) return;
    executions++;
    const execution = machine.run({}, runOptions);
    running.add(execution);
    execution.result.catch((error: unknown) => options.onExecutionError?.(error)).finally(() => running.delete(execution));
    // Anchored to the first start, so the cadence does not drift.
    timer = setTimeout(startExecution, Math.max(0, firstAt + executions * periodMs - Date.now()));
  };
  startExecution();

  return {
    get executions() {
      return executions;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const execution of running) execution.abort();
      await Promise.all([...inFlight]);
      await Promise.allSettled([...running].map((execution) => execution.result));
    },
  };
}
