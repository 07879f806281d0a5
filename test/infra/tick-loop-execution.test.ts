import './support/promise-with-resolvers';
import { StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { ingestionSchedule } from '../../infra/definitions/schedule';
import { tickStateName, waitStateName } from '../../infra/definitions/tick-loop';
import { definitionFromTemplate, fakeFunctionArn } from './support/definition-from-template';
import { synthesizeService } from './support/synthesize-service';

/**
 * Executes the state machine definition exactly as synthesized into the template, with the
 * fetch Lambda replaced by local handlers and every Wait cut to 0 ms.
 */
const { template, stack, logicalId } = synthesizeService({ upstream: 'mock' });
const fetchFunctionArn = fakeFunctionArn(logicalId(stack.ingestion.fetchFunction.fn));
const [stateMachineResource] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
const definition = definitionFromTemplate(stateMachineResource!.Properties.DefinitionString) as unknown as StateMachineDefinition;
const ticks = Array.from({ length: ingestionSchedule.ticksPerExecution }, (_, index) => index + 1);

interface LambdaInvokeParameters {
  FunctionName: string;
  Payload: unknown;
}
type LocalHandler = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>[string];
type TaskResult = Awaited<ReturnType<LocalHandler>>;

/** Runs one execution; `fetch` stands in for the fetch Lambda and sees what Lambda would receive. */
async function runExecution(fetch: (payload: unknown, attempt: number) => TaskResult): Promise<{ result: unknown; invocations: unknown[] }> {
  const invocations: unknown[] = [];
  const taskResourceLocalHandlers = Object.fromEntries(
    ticks.map((tick) => [
      tickStateName(tick),
      async (input) => {
        const parameters = input as unknown as LambdaInvokeParameters;
        expect(parameters.FunctionName).toBe(fetchFunctionArn);
        invocations.push(parameters.Payload);
        return fetch(parameters.Payload, invocations.length);
      },
    ]),
  ) satisfies Record<string, LocalHandler>;
  const waitTimeOverrides = Object.fromEntries(ticks.slice(0, -1).map((tick) => [waitStateName(tick), 0]));
  const retryIntervalOverrides = Object.fromEntries(ticks.map((tick) => [tickStateName(tick), 0]));
  const machine = new StateMachine(definition);
  const execution = machine.run({ source: 'aws.events' }, { overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides } });
  return { result: await execution.result, invocations };
}

const tickPayloads = ticks.map((tick) => ({ source: 'schedule', tick }));
const report = { outcome: 'applied', fetched: 0, applied: 0, duplicates: 0, quarantined: 0, lagSeconds: 1 };

test('the synthesized definition waits 11 s between 5 ticks, in the order the shared definition names them', () => {
  const states = definition.States as unknown as Record<string, { Type: string; Seconds?: number; Next?: string }>;
  expect(definition.StartAt).toBe(tickStateName(1));
  for (const tick of ticks.slice(0, -1)) {
    expect(states[tickStateName(tick)]!.Next).toBe(waitStateName(tick));
    expect(states[waitStateName(tick)]).toEqual({ Type: 'Wait', Seconds: ingestionSchedule.waitSecondsBetweenTicks, Next: tickStateName(tick + 1) });
  }
});

test('one execution invokes the fetch function exactly 5 times, ticks 1 to 5', async () => {
  const { result, invocations } = await runExecution(() => report);
  expect(invocations).toEqual(tickPayloads);
  // The tick reports are discarded (ResultPath null): the execution passes its input through.
  expect(result).toEqual({ source: 'aws.events' });
});

test('a tick that fails is caught: the next ticks still run and the execution succeeds', async () => {
  const { result, invocations } = await runExecution((payload) => {
    if ((payload as { tick: number }).tick === 2) throw new Error('DynamoDB said no');
    return report;
  });
  expect(invocations).toEqual(tickPayloads);
  expect(result).toMatchObject({ source: 'aws.events' });
});

test('a fetch function that always fails still gets all 5 attempts and the execution succeeds', async () => {
  const { result, invocations } = await runExecution(() => {
    throw Object.assign(new Error('Task timed out after 10.00 seconds'), { name: 'Sandbox.Timedout' });
  });
  expect(invocations).toEqual(tickPayloads);
  expect(result).toMatchObject({ source: 'aws.events' });
});

test('a throttled invocation (opt-in reserved concurrency, overlapping executions) is not retried: one throttle, the next tick goes on', async () => {
  const { invocations } = await runExecution((payload, attempt) => {
    if ((payload as { tick: number }).tick === 3) {
      throw Object.assign(new Error('Rate Exceeded.'), { name: 'Lambda.TooManyRequestsException' });
    }
    return { ...report, attempt };
  });
  expect(invocations).toEqual(tickPayloads);
});
