import { ingestionSchedule } from './schedule';

/**
 * The state machine that turns the once-a-minute rule into 5 fetch ticks ~12 s apart.
 * Plain Amazon States Language: CDK deploys it (with the fetch Lambda's ARN) and the local
 * runtime executes the very same document with aws-local-stepfunctions.
 *
 * Each tick retries transient Lambda service errors, then catches anything else into a Pass
 * state, so one failed tick never fails the minute: the cursor did not move, the next tick
 * simply tries again.
 */
export const tickStateName = (tick: number): string => `Tick ${tick}`;
export const waitStateName = (tick: number): string => `Wait after tick ${tick}`;
export const tickFailedStateName = (tick: number): string => `Tick ${tick} failed`;

export interface TickInput {
  source: 'schedule';
  tick: number;
}

/** `partition` is a token (Aws.PARTITION) in CDK, so the document also deploys outside the aws partition. */
export function tickLoopDefinition(fetchFunctionArn: string, partition = 'aws'): Record<string, unknown> {
  const { ticksPerExecution, waitSecondsBetweenTicks } = ingestionSchedule;
  const states: Record<string, unknown> = {};
  for (let tick = 1; tick <= ticksPerExecution; tick++) {
    const last = tick === ticksPerExecution;
    const next = last ? undefined : waitStateName(tick);
    const continuation = next ? { Next: next } : { End: true };
    states[tickStateName(tick)] = {
      Type: 'Task',
      Resource: `arn:${partition}:states:::lambda:invoke`,
      Parameters: { FunctionName: fetchFunctionArn, Payload: { source: 'schedule', tick } satisfies TickInput },
      ResultPath: null,
      TimeoutSeconds: ingestionSchedule.taskTimeoutSeconds,
      // Not Lambda.TooManyRequestsException: a throttled tick is one that collided with another
      // (opt-in reserved concurrency); retrying it would only collide again and count 3 throttles.
      Retry: [
        {
          ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'],
          IntervalSeconds: 1,
          MaxAttempts: 2,
          BackoffRate: 2,
        },
      ],
      // The error stays in the execution history; the next tick's input stays the plain tick input.
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: tickFailedStateName(tick) }],
      ...continuation,
    };
    states[tickFailedStateName(tick)] = { Type: 'Pass', ...continuation };
    if (next) states[next] = { Type: 'Wait', Seconds: waitSecondsBetweenTicks, Next: tickStateName(tick + 1) };
  }
  return {
    Comment: `${ticksPerExecution} fetch ticks about ${waitSecondsBetweenTicks + 1} s apart; started ${ingestionSchedule.ruleExpression}`,
    StartAt: tickStateName(1),
    TimeoutSeconds: ingestionSchedule.executionTimeoutSeconds,
    States: states,
  };
}
