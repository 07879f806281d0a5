import { upstreamContract } from '../../lib/core/upstream-contract';

/**
 * The ingestion cadence and its timing arithmetic, in one place: read by the CDK stack
 * (EventBridge rule, state machine waits and timeouts, the fetch function's timeout and its
 * upstream timeout) and by the local scheduler. test/infra/schedule-timing.test.ts checks the
 * sums below against the values the ingestion code really uses (lib/ingestion/ingestion-config.ts).
 */

/** Seconds one fetch invocation may spend, part by part (the Lambda timeout is their sum). */
const tickBudget = {
  /** Cold init (bundle import ~0.3 s) plus reading the upstream API key from Secrets Manager once. */
  startupSeconds: 1,
  /** Longest wait for a call slot to free before the tick gives its turn up (`budget.maxWaitMs`). */
  maxSlotWaitSeconds: 3,
  /** The upstream call's own timeout (`UPSTREAM_TIMEOUT_MS`, set on the fetch function from here). */
  upstreamTimeoutSeconds: 5,
  /** Store the page, apply it, checkpoint: 1.4–1.7 s for a full page of 1000 over 300 users (bench). */
  applySeconds: 2,
} as const;

const ticksPerExecution = upstreamContract.callsPerWindow;
const waitSecondsBetweenTicks = 11;
const fetchTimeoutSeconds = tickBudget.startupSeconds + tickBudget.maxSlotWaitSeconds + tickBudget.upstreamTimeoutSeconds + tickBudget.applySeconds;
/** The state machine task's own timeout: the Lambda's, plus the invoke's overhead. */
const taskTimeoutSeconds = fetchTimeoutSeconds + 2;

/** How long a tick usually takes: caught up (an idle tick or a small page), and catching up (a full page). */
const usualTickSeconds = { caughtUp: 1, catchingUp: 3 } as const;
const executionSeconds = (tickSeconds: number) => ticksPerExecution * tickSeconds + (ticksPerExecution - 1) * waitSecondsBetweenTicks;

export const ingestionSchedule = {
  /** EventBridge starts one state machine execution per period. */
  ruleExpression: 'rate(1 minute)',
  periodSeconds: 60,
  /** Fetch invocations per execution: one per call the upstream allows per minute. */
  ticksPerExecution,
  /** Seconds between the end of one invocation and the start of the next (~12 s apart with the invocation itself). */
  waitSecondsBetweenTicks,
  tickBudget,
  /** The fetch function's timeout: startup + slot wait + upstream timeout + apply. */
  fetchTimeoutSeconds,
  taskTimeoutSeconds,
  /**
   * One execution, start to end. Caught up it ends ~11 s before the next one starts (5 × 1 + 4 × 11
   * = 49 s); catching up (full pages) it still ends before (5 × 3 + 44 = 59 s). Only slow ticks make
   * two executions overlap, which is safe: the budget and the cursor are guarded in DynamoDB.
   */
  usualExecutionSeconds: { caughtUp: executionSeconds(usualTickSeconds.caughtUp), catchingUp: executionSeconds(usualTickSeconds.catchingUp) },
  /** Every tick at its task timeout: the execution's timeout stays above this. */
  worstCaseExecutionSeconds: executionSeconds(taskTimeoutSeconds),
  /** The state machine's timeout: two periods, above the worst case; an execution past it is stuck. */
  executionTimeoutSeconds: 120,
  /** Upstream call budget (the contract's, restated here for the cadence that spends it). */
  upstreamCallsPerWindow: upstreamContract.callsPerWindow,
  upstreamWindowSeconds: upstreamContract.windowSeconds,
} as const;
