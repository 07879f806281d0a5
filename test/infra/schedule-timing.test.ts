import { ingestionSchedule } from '../../infra/definitions/schedule';
import { tickLoopDefinition, tickStateName } from '../../infra/definitions/tick-loop';
import { upstreamContract } from '../../lib/core/upstream-contract';
import { ingestionConfigFrom } from '../../lib/ingestion/ingestion-config';
import type { CfnValue } from './support/cfn-value';

/**
 * The timing arithmetic of infra/definitions/schedule.ts against the values the ingestion code
 * really uses (lib/ingestion/ingestion-config.ts), and against the state machine document.
 */
const { tickBudget } = ingestionSchedule;
const fetchEnvironment = { TABLE_NAME: 'table', TRANSACTIONS_API_URL: 'https://partner.example' };
/** What the deployed fetch function reads: the stack sets UPSTREAM_TIMEOUT_MS from the schedule. */
const deployed = ingestionConfigFrom({ ...fetchEnvironment, UPSTREAM_TIMEOUT_MS: String(tickBudget.upstreamTimeoutSeconds * 1000) });
const definition = tickLoopDefinition('arn:aws:lambda:eu-west-1:123456789012:function:fetch') as {
  TimeoutSeconds: number;
  States: Record<string, Record<string, CfnValue>>;
};
const states = Object.values(definition.States);

describe('one tick fits the fetch function timeout', () => {
  test("the schedule's slot wait and upstream timeout are the ingestion code's", () => {
    expect(deployed.budget.maxWaitMs).toBeLessThanOrEqual(tickBudget.maxSlotWaitSeconds * 1000);
    expect(deployed.upstreamTimeoutMs).toBe(tickBudget.upstreamTimeoutSeconds * 1000);
    // Without the variable the code's default applies: it fits as well.
    expect(ingestionConfigFrom(fetchEnvironment).upstreamTimeoutMs).toBeLessThanOrEqual(tickBudget.upstreamTimeoutSeconds * 1000);
  });

  test('startup + slot wait + upstream timeout + apply ≤ the Lambda timeout < the state machine task timeout', () => {
    const worstTickMs = tickBudget.startupSeconds * 1000 + deployed.budget.maxWaitMs + deployed.upstreamTimeoutMs + tickBudget.applySeconds * 1000;
    expect(worstTickMs).toBeLessThanOrEqual(ingestionSchedule.fetchTimeoutSeconds * 1000);
    expect(ingestionSchedule.fetchTimeoutSeconds).toBeLessThan(ingestionSchedule.taskTimeoutSeconds);
    const tasks = states.filter((state) => state.Type === 'Task');
    expect(tasks).toHaveLength(ingestionSchedule.ticksPerExecution);
    for (const task of tasks) expect(task.TimeoutSeconds).toBe(ingestionSchedule.taskTimeoutSeconds);
  });

  test('a tick ends before the next one would start (the Lambda timeout is below one tick spacing)', () => {
    expect(ingestionSchedule.fetchTimeoutSeconds).toBeLessThan(upstreamContract.windowSeconds / upstreamContract.callsPerWindow);
  });
});

describe('five ticks and their waits fit one minute', () => {
  const waits = states.filter((state) => state.Type === 'Wait').map((state) => state.Seconds as number);
  const executionSeconds = (tickSeconds: number) => ingestionSchedule.ticksPerExecution * tickSeconds + waits.reduce((sum, seconds) => sum + seconds, 0);

  test('the document has 5 ticks and 4 waits of the schedule', () => {
    expect(waits).toEqual(Array(ingestionSchedule.ticksPerExecution - 1).fill(ingestionSchedule.waitSecondsBetweenTicks));
  });

  test('caught up (ticks of ~1 s) an execution ends at least 10 s before the next one starts', () => {
    expect(executionSeconds(1)).toBe(ingestionSchedule.usualExecutionSeconds.caughtUp);
    expect(ingestionSchedule.usualExecutionSeconds.caughtUp).toBeLessThanOrEqual(ingestionSchedule.periodSeconds - 10);
  });

  test('catching up (a full page per tick, ~3 s) it still ends before the next one starts', () => {
    expect(executionSeconds(3)).toBe(ingestionSchedule.usualExecutionSeconds.catchingUp);
    expect(ingestionSchedule.usualExecutionSeconds.catchingUp).toBeLessThan(ingestionSchedule.periodSeconds);
  });

  test('even with every tick at its timeout the execution ends before the state machine timeout', () => {
    expect(executionSeconds(ingestionSchedule.taskTimeoutSeconds)).toBe(ingestionSchedule.worstCaseExecutionSeconds);
    expect(ingestionSchedule.worstCaseExecutionSeconds).toBeLessThan(ingestionSchedule.executionTimeoutSeconds);
    expect(definition.TimeoutSeconds).toBe(ingestionSchedule.executionTimeoutSeconds);
  });

  test('the cadence never asks for more calls than the budget: 5 ticks per minute, slots of 60 s (plus a guard)', () => {
    expect(ingestionSchedule.ticksPerExecution * (60 / ingestionSchedule.periodSeconds)).toBeLessThanOrEqual(deployed.budget.calls);
    expect(deployed.budget.windowMs).toBeGreaterThanOrEqual(upstreamContract.windowSeconds * 1000);
  });
});

test('a colliding (throttled) tick is not retried, so it counts one throttle, not three', () => {
  const tick = definition.States[tickStateName(1)]!;
  const retried = (tick.Retry as Array<{ ErrorEquals: string[] }>).flatMap((rule) => rule.ErrorEquals);
  expect(retried).not.toContain('Lambda.TooManyRequestsException');
  expect(retried).not.toContain('States.ALL');
});
