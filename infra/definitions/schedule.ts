/**
 * The ingestion cadence: the one definition read by the CDK stack (EventBridge rule, state
 * machine waits) and by the local scheduler.
 */
export const ingestionSchedule = {
  /** EventBridge starts one state machine execution per period. */
  ruleExpression: 'rate(1 minute)',
  periodSeconds: 60,
  /** Fetch invocations per execution: the upstream allows 5 calls per minute. */
  ticksPerExecution: 5,
  /** Seconds between the end of one invocation and the start of the next (~12 s apart with the invocation itself). */
  waitSecondsBetweenTicks: 11,
  /** Upper bound of one fetch invocation, kept below the 12 s tick. */
  fetchTimeoutSeconds: 10,
  /** Upstream call budget. */
  upstreamCallsPerWindow: 5,
  upstreamWindowSeconds: 60,
} as const;
