import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type * as LibDynamoDb from '@aws-sdk/lib-dynamodb';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';

// Each test loads the handler afresh (its configuration is read once per container), so the SDK
// classes are taken from the same fresh module registry and mocked there.
let sdk: typeof LibDynamoDb;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the stub's input/output types differ per command
let dynamo: AwsStub<any, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
let secrets: AwsStub<any, any, any>;
const env = {
  TABLE_NAME: 'aggregates',
  TRANSACTIONS_API_URL: 'http://127.0.0.1:9/api',
  TRANSACTIONS_API_KEY_SECRET_NAME: 'upstream-key',
  INGEST_FROM: '2024-01-01T00:00:00Z',
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
  const secretsManager = require('@aws-sdk/client-secrets-manager') as typeof SecretsManager;
  secrets = mockClient(secretsManager.SecretsManagerClient);
  secrets.on(secretsManager.GetSecretValueCommand).resolves({ SecretString: 'secret-key' });
});
afterEach(() => jest.restoreAllMocks());

async function loadHandler() {
  return (await import('../../functions/fetch-transactions')).handler;
}

test('a tick claims a slot, calls the upstream with the key from Secrets Manager, stores, applies and checkpoints', async () => {
  dynamo.on(sdk.GetCommand).resolves({ Item: cursor });
  dynamo.on(sdk.QueryCommand).resolves({ Items: [] });
  dynamo.on(sdk.BatchGetCommand).resolves({ Responses: { aggregates: [] } });
  const fetchSpy = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(page), { status: 200 }));
  const handler = await loadHandler();

  const report = await handler({ source: 'schedule', tick: 1 });

  expect(report).toMatchObject({ outcome: 'applied', fetched: 2, applied: 1, quarantined: 1, duplicates: 0 });
  expect((fetchSpy.mock.calls[0]![1]!.headers as Record<string, string>)['x-api-key']).toBe('secret-key');
  expect(dynamo).toHaveReceivedCommandWith(sdk.PutCommand, { ConditionExpression: 'attribute_not_exists(pk)', Item: expect.objectContaining({ sk: 'CALL_SLOT#0' }) });
  // The page is stored (chunk + cursor condition in one transaction) before it is applied (a second transaction).
  const transactions = dynamo.commandCalls(sdk.TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);
  expect(transactions).toHaveLength(2);
  expect(transactions[0]).toEqual([
    { Put: expect.objectContaining({ Item: expect.objectContaining({ sk: 'PENDING#000000000004#000' }) }) },
    { Update: expect.objectContaining({ ConditionExpression: '#sequence = :sequence AND attribute_not_exists(#pendingChunks)' }) },
  ]);
  expect(dynamo).toHaveReceivedCommandWith(sdk.PutCommand, { Item: expect.objectContaining({ pk: 'QUARANTINE', reason: expect.stringContaining('type') }) });
  expect(dynamo).toHaveReceivedCommandWith(sdk.UpdateCommand, { ConditionExpression: '#sequence = :sequence', ExpressionAttributeValues: expect.objectContaining({ ':sequence': 4, ':next': 5 }) });
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

test('the key is read once per container, and again after the upstream rejects it (rotation)', async () => {
  dynamo.on(sdk.GetCommand).resolves({ Item: cursor });
  dynamo.on(sdk.QueryCommand).resolves({ Items: [] });
  const fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('', { status: 502 }));
  const handler = await loadHandler();
  await handler({});
  await handler({});
  expect(secrets.calls()).toHaveLength(1);

  fetchSpy.mockImplementation(async () => new Response('{"message":"Forbidden"}', { status: 403 }));
  await expect(handler({})).resolves.toMatchObject({ outcome: 'upstream-error', upstreamStatus: 403 });
  secrets.reset().onAnyCommand().resolves({ SecretString: 'rotated-key' });
  fetchSpy.mockImplementation(async () => new Response('', { status: 502 }));
  await handler({});
  expect(secrets.calls()).toHaveLength(1);
  const headers = fetchSpy.mock.calls.at(-1)![1]!.headers as Record<string, string>;
  expect(headers['x-api-key']).toBe('rotated-key');
});
