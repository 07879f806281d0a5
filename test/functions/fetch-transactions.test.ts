import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type * as LibDynamoDb from '@aws-sdk/lib-dynamodb';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type * as Observability from '../../lib/observability';
import { lambdaContext } from '../../infra/local/lambda-context';

// Each test loads the handler afresh (its configuration is read once per container), so the SDK
// classes are taken from the same fresh module registry and mocked there.
let sdk: typeof LibDynamoDb;
// biome-ignore lint/suspicious/noExplicitAny: the stub's input/output types differ per command
let dynamo: AwsStub<any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
let secrets: AwsStub<any, any, any>;
/** The JSON lines the invocations printed (Powertools logs and EMF metrics), stdout and stderr alike. */
let printed: Record<string, unknown>[];
const env = {
  TABLE_NAME: 'aggregates',
  TRANSACTIONS_API_URL: 'http://127.0.0.1:9/api',
  TRANSACTIONS_API_KEY_SECRET_NAME: 'upstream-key',
  INGEST_FROM: '2024-01-01T00:00:00Z',
  POWERTOOLS_PARAMETERS_MAX_AGE: '300',
  // What a deployed function prints: INFO logs and EMF metrics (captured below, not shown).
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_DISABLED: 'false',
};
const cursor = { pk: 'INGESTION', sk: 'CURSOR', sequence: 4, watermark: '2024-01-01T00:00:00.000Z', counters: {} };
const page = {
  items: [
    { id: 'a', userId: '074092', createdAt: '2024-01-01T00:00:01.000Z', type: 'earned', amount: 150 },
    { id: 'b', userId: '074092', createdAt: '2024-01-01T00:00:02.000Z', type: 'refund', amount: 1 },
  ],
  meta: { totalItems: 2, itemCount: 2, itemsPerPage: 1000, totalPages: 1, currentPage: 1 },
};

beforeEach(() => {
  jest.resetModules();
  Object.assign(process.env, env);
  sdk = require('@aws-sdk/lib-dynamodb') as typeof LibDynamoDb;
  dynamo = mockClient(sdk.DynamoDBDocumentClient);
  // DynamoDB answers every UpdateItem with an object (its old attributes when asked).
  dynamo.on(sdk.UpdateCommand).resolves({});
  const secretsManager = require('@aws-sdk/client-secrets-manager') as typeof SecretsManager;
  secrets = mockClient(secretsManager.SecretsManagerClient);
  secrets.on(secretsManager.GetSecretValueCommand).resolves({ SecretString: 'secret-key' });
  printed = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk)
      .split('\n')
      .filter((text) => text.startsWith('{')))
      printed.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  jest.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  jest.restoreAllMocks();
  jest.useRealTimers();
});

async function loadHandler() {
  const { handler } = await import('../../functions/fetch-transactions');
  return (event: unknown, context = lambdaContext('fetch-transactions', 10_000)) => handler(event, context);
}
/** The handler's logger and metrics: the module instances of the same fresh registry. */
const observability = () => require('../../lib/observability') as typeof Observability;
const emfLines = () => printed.filter((line) => '_aws' in line);

test('a tick claims a slot, calls the upstream with the key from Secrets Manager, stores, applies and checkpoints', async () => {
  dynamo.on(sdk.GetCommand).resolves({ Item: cursor });
  dynamo.on(sdk.QueryCommand).resolves({ Items: [] });
  dynamo.on(sdk.BatchGetCommand).resolves({ Responses: { aggregates: [] } });
  const fetchSpy = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(page), { status: 200 }));
  const handler = await loadHandler();

  const report = await handler({ source: 'schedule', tick: 1 });

  expect(report).toMatchObject({ outcome: 'applied', fetched: 2, applied: 1, quarantined: 1, duplicates: 0 });
  expect((fetchSpy.mock.calls[0]![1]!.headers as Record<string, string>)['x-api-key']).toBe('secret-key');
  expect(dynamo).toHaveReceivedCommandWith(sdk.PutCommand, {
    ConditionExpression: 'attribute_not_exists(pk)',
    Item: expect.objectContaining({ sk: 'CALL_SLOT#0' }),
  });
  // The page is stored (chunk + cursor condition in one transaction) before it is applied (a second transaction).
  const transactions = dynamo.commandCalls(sdk.TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);
  expect(transactions).toHaveLength(2);
  expect(transactions[0]).toEqual([
    { Put: expect.objectContaining({ Item: expect.objectContaining({ sk: 'PENDING#000000000004#000' }) }) },
    { Update: expect.objectContaining({ ConditionExpression: '#sequence = :sequence AND attribute_not_exists(#pendingChunks)' }) },
  ]);
  expect(dynamo).toHaveReceivedCommandWith(sdk.PutCommand, { Item: expect.objectContaining({ pk: 'QUARANTINE', reason: expect.stringContaining('type') }) });
  expect(dynamo).toHaveReceivedCommandWith(sdk.UpdateCommand, {
    ConditionExpression: '#sequence = :sequence',
    ExpressionAttributeValues: expect.objectContaining({ ':sequence': 4, ':next': 5 }),
  });
});

test('a failing upstream records the failure and moves no cursor', async () => {
  dynamo.on(sdk.GetCommand).resolves({ Item: cursor });
  dynamo.on(sdk.QueryCommand).resolves({ Items: [] });
  jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('oops', { status: 502 }));
  const handler = await loadHandler();

  const report = await handler({ source: 'schedule', tick: 2 });

  expect(report).toMatchObject({ outcome: 'upstream-error', error: 'server-error: upstream answered 502' });
  expect(dynamo).toHaveReceivedCommandTimes(sdk.TransactWriteCommand, 0);
  const updates = dynamo.commandCalls(sdk.UpdateCommand).map((call) => call.args[0].input.UpdateExpression);
  expect(updates).toEqual([expect.stringContaining('#counters.#failedCalls = if_not_exists(#counters.#failedCalls, :zero) + :failedCalls')]);
  expect(updates[0]).not.toContain('#sequence');
});

test('a misconfigured environment fails the invocation loudly, and the next one retries the configuration', async () => {
  const handler = await loadHandler();
  process.env.TRANSACTIONS_API_URL = 'not a url';
  await expect(handler({})).rejects.toThrow();
  process.env.TRANSACTIONS_API_URL = env.TRANSACTIONS_API_URL;
  dynamo.on(sdk.GetCommand).resolves({ Item: { ...cursor, notBefore: Date.now() + 60_000 } });
  await expect(handler({})).resolves.toMatchObject({ outcome: 'backing-off' });
});

test('the key is read once within its max age, and again once the max age has passed', async () => {
  dynamo.on(sdk.GetCommand).resolves({ Item: cursor });
  dynamo.on(sdk.QueryCommand).resolves({ Items: [] });
  jest.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('', { status: 502 }));
  // Only the clock is fake: Powertools Parameters dates its cache entries with Date.
  jest.useFakeTimers({
    doNotFake: [
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'setImmediate',
      'clearImmediate',
      'nextTick',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
  const handler = await loadHandler();
  await handler({});
  jest.setSystemTime(Date.now() + 299_000);
  await handler({});
  expect(secrets.calls()).toHaveLength(1);

  jest.setSystemTime(Date.now() + 2_000);
  await handler({});
  expect(secrets.calls()).toHaveLength(2);
});

test.each([401, 403])('after the upstream answers %i (a rotated key) the next tick reads the secret again, within its max age', async (status) => {
  dynamo.on(sdk.GetCommand).resolves({ Item: cursor });
  dynamo.on(sdk.QueryCommand).resolves({ Items: [] });
  const fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('', { status: 502 }));
  const handler = await loadHandler();
  await handler({});
  await handler({});
  expect(secrets.calls()).toHaveLength(1);

  fetchSpy.mockImplementation(async () => new Response('{"message":"Forbidden"}', { status }));
  await expect(handler({})).resolves.toMatchObject({ outcome: 'upstream-error', upstreamStatus: status });
  secrets.reset().onAnyCommand().resolves({ SecretString: 'rotated-key' });
  fetchSpy.mockImplementation(async () => new Response('', { status: 502 }));
  await handler({});
  expect(secrets.calls()).toHaveLength(1);
  expect((fetchSpy.mock.calls.at(-1)![1]!.headers as Record<string, string>)['x-api-key']).toBe('rotated-key');
  // Accepted again: back to the cached copy.
  await handler({});
  expect(secrets.calls()).toHaveLength(1);
});

test("every log line of a tick carries its Lambda request id (and only that tick's), and its metrics are flushed as EMF", async () => {
  dynamo.on(sdk.GetCommand).resolves({ Item: cursor });
  dynamo.on(sdk.QueryCommand).resolves({ Items: [] });
  jest.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('', { status: 502 }));
  const handler = await loadHandler();
  const first = lambdaContext('fetch-transactions', 10_000);
  const second = lambdaContext('fetch-transactions', 10_000);

  await handler({ source: 'schedule', tick: 1 }, first);
  await handler({ source: 'schedule', tick: 2 }, second);

  const ticks = printed.filter((line) => line.message === 'tick');
  expect(ticks.map((line) => line.function_request_id)).toEqual([first.awsRequestId, second.awsRequestId]);
  expect(ticks[0]).toMatchObject({ level: 'INFO', function_name: 'fetch-transactions', outcome: 'upstream-error', event: { source: 'schedule', tick: 1 } });
  const emf = emfLines();
  expect(emf).toHaveLength(2);
  expect(emf[0]).toMatchObject({ UpstreamCallFailed: 1, Fetched: 0, _aws: { CloudWatchMetrics: [{ Namespace: 'TransactionAggregation' }] } });
});

test("a failing tick goes through the one error path: logged once with the invocation's keys, metrics flushed, the same error thrown to the state machine", async () => {
  const failure = new Error('DynamoDB is unreachable');
  dynamo.on(sdk.GetCommand).rejects(failure);
  const handler = await loadHandler();
  const { logger, metrics } = observability();
  const logged = jest.spyOn(logger, 'error');
  const flushed = jest.spyOn(metrics, 'publishStoredMetrics');
  const context = lambdaContext('fetch-transactions', 10_000);

  await expect(handler({ source: 'schedule', tick: 3 }, context)).rejects.toThrow('DynamoDB is unreachable');

  expect(logged).toHaveBeenCalledTimes(1);
  expect(flushed).toHaveBeenCalledTimes(1);
  const failures = printed.filter((line) => line.level === 'ERROR');
  expect(failures).toEqual([
    expect.objectContaining({
      message: 'invocation failed',
      function_request_id: context.awsRequestId,
      error: expect.objectContaining({ message: 'DynamoDB is unreachable' }),
    }),
  ]);
});

test('a misconfigured environment takes the same error path', async () => {
  process.env.TRANSACTIONS_API_URL = 'not a url';
  const handler = await loadHandler();
  await expect(handler({})).rejects.toThrow();
  expect(printed.filter((line) => line.level === 'ERROR').map((line) => line.message)).toEqual(['invocation failed']);
});
