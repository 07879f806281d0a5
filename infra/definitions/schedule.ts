import { upstreamContract } from '../../lib/core/upstream-contract';

/**
 * The ingestion cadence: the one definition read by the CDK stack (EventBridge rule, state
 * machine waits) and by the local scheduler.
 */
export const ingestionSchedule = {
  /** EventBridge starts one state machine execution per period. */
  ruleExpression: 'rate(1 minute)',
  periodSeconds: 60,
  /** Fetch invocations per execution: one per call the upstream allows per minute. */
  ticksPerExecution: upstreamContract.callsPerWindow,
  /** Seconds between the end of one invocation and the start of the next (~12 s apart with the invocation itself). */
  waitSecondsBetweenTicks: 11,
  /** Upper bound of one fetch invocation, kept below the 12 s tick. */
  fetchTimeoutSeconds: 10,
  /** Upstream call budget (the contract's, restated here for the cadence that spends it). */
  upstreamCallsPerWindow: upstreamContract.callsPerWindow,
  upstreamWindowSeconds: upstreamContract.windowSeconds,
} as const;
