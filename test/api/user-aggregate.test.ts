import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, GetCommand, NumberValue } from '@aws-sdk/lib-dynamodb';
import { handler } from '../../functions/get-user-aggregate';
import { userIdDomain } from '../../lib/core/accepted-domain';
import { logger } from '../../lib/observability';
import { getEvent, header, lambdaContext } from './support/http-events';
import { expectConformsToOpenApi, getConforming } from './support/openapi-validator';

process.env.TABLE_NAME = 'aggregates-under-test';
const dynamo = mockClient(DynamoDBDocumentClient);

const get = (url: string) => getConforming(handler, url);

const storedAggregate = (sums: Record<'earned' | 'spent' | 'payout' | 'paidOut', string>) => ({
  Item: Object.fromEntries(Object.entries(sums).map(([name, value]) => [name, NumberValue.from(value)])),
});

beforeEach(() => dynamo.reset());

describe('GET /aggregatedData/{userId}', () => {
  it('answers the seed example with the keys in the documented order', async () => {
    dynamo.on(GetCommand).resolves(storedAggregate({ earned: '150', spent: '50', payout: '30', paidOut: '20' }));
    const result = await get('/aggregatedData/074092');
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('{"balance":100,"earned":150,"spent":50,"payout":30,"paidOut":20}');
    expect(header(result, 'content-type')).toBe('application/json');
    expect(header(result, 'cache-control')).toBe('private, max-age=5, stale-while-revalidate=10');
  });

  it('writes money digit for digit: 0.3 stays 0.3, 17 significant digits survive, balance may be negative', async () => {
    dynamo.on(GetCommand).resolves(storedAggregate({ earned: '0.3', spent: '12345678901234567.89', payout: '0.1', paidOut: '0' }));
    const result = await get('/aggregatedData/u_1');
    expect(result.body).toBe('{"balance":-12345678901234567.59,"earned":0.3,"spent":12345678901234567.89,"payout":0.1,"paidOut":0}');
  });

  it('reads exactly one item, eventually consistent, by its aggregate key', async () => {
    dynamo.on(GetCommand).resolves(storedAggregate({ earned: '1', spent: '0', payout: '0', paidOut: '0' }));
    await get('/aggregatedData/074092');
    // (The other GetItem a request may make is the cached watermark of Data-As-Of, on the cursor item.)
    const aggregateReads = dynamo.commandCalls(GetCommand).filter((call) => call.args[0].input.Key?.sk === 'AGGREGATE');
    expect(aggregateReads).toHaveLength(1);
    const input = aggregateReads[0].args[0].input;
    expect(input).toMatchObject({ TableName: 'aggregates-under-test', Key: { pk: 'USER#074092', sk: 'AGGREGATE' } });
    expect(input.ConsistentRead).not.toBe(true);
  });

  it('answers 404 problem+json for a user without aggregate', async () => {
    dynamo.on(GetCommand).resolves({});
    const result = await get('/aggregatedData/nobody');
    expect(result.statusCode).toBe(404);
    expect(header(result, 'content-type')).toBe('application/problem+json');
    expect(header(result, 'cache-control')).toBe('no-store');
    expect(JSON.parse(result.body ?? '')).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No transactions of user nobody have been aggregated.',
      instance: '/aggregatedData/nobody',
      requestId: 'request-1',
    });
  });

  it.each([
    ['longer than 128 characters', 'a'.repeat(129)],
    ['a character outside [A-Za-z0-9_.@:+-]', 'user%2F1'],
    ['a comma', 'user,1'],
    ['a space', 'user%201'],
    ['non-ASCII letters', '%C3%A9l%C3%A8ve'],
  ])('answers 400 without reading the table for an id with %s', async (_, id) => {
    const result = await get(`/aggregatedData/${id}`);
    expect(result.statusCode).toBe(400);
    expect(header(result, 'content-type')).toBe('application/problem+json');
    expect(JSON.parse(result.body ?? '')).toMatchObject({
      title: 'Bad Request',
      status: 400,
      invalidParams: expect.arrayContaining([expect.objectContaining({ name: 'userId' })]),
    });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it.each([
    ['a bare %', '%'],
    ['%zz', '%zz'],
    ['a % at the end', 'user%'],
    ['a replacement character (what a lenient decoder makes of %E0)', '\uFFFD'],
  ])('answers 400 naming userId for malformed percent-encoding passed on as %s', async (_, userId) => {
    const result = await handler({ ...getEvent('/aggregatedData/x'), pathParameters: { userId } }, lambdaContext());
    expectConformsToOpenApi('/aggregatedData/x', result);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? '')).toMatchObject({ status: 400, invalidParams: [{ name: 'userId', reason: userIdDomain.charactersRule }] });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('accepts an id of exactly 128 characters', async () => {
    dynamo.on(GetCommand).resolves(storedAggregate({ earned: '1', spent: '0', payout: '0', paidOut: '0' }));
    expect((await get(`/aggregatedData/${'Az09_-.:'.repeat(16)}`)).statusCode).toBe(200);
  });

  it('serves e-mail-like and prefixed ids, URL-encoded in the path, as ingestion accepts them', async () => {
    dynamo.on(GetCommand).resolves(storedAggregate({ earned: '1', spent: '0', payout: '0', paidOut: '0' }));
    expect((await get('/aggregatedData/ann.lee%2Bpay%40example.com')).statusCode).toBe(200);
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input.Key).toEqual({ pk: 'USER#ann.lee+pay@example.com', sk: 'AGGREGATE' });
    expect((await get('/aggregatedData/user%3A3f2c9a1e')).statusCode).toBe(200);
  });

  it('answers 400 for an empty or missing id (the gateway would not route it, the handler still refuses it)', async () => {
    for (const pathParameters of [{ userId: '' }, undefined]) {
      const result = await handler({ ...getEvent('/aggregatedData/x'), pathParameters }, lambdaContext());
      expectConformsToOpenApi('/aggregatedData/x', result);
      expect(result.statusCode).toBe(400);
    }
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers a generic 500 problem when DynamoDB fails, logs the error and discloses nothing of it', async () => {
    const failure = Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/secret-role is not authorized on table aggregates-under-test'), {
      name: 'AccessDeniedException',
    });
    dynamo.on(GetCommand).rejects(failure);
    const logged = jest.spyOn(logger, 'error');
    const result = await get('/aggregatedData/074092');
    expect(result.statusCode).toBe(500);
    expect(header(result, 'content-type')).toBe('application/problem+json');
    expect(header(result, 'cache-control')).toBe('no-store');
    const body = JSON.parse(result.body ?? '') as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      instance: '/aggregatedData/074092',
      requestId: 'request-1',
    });
    expect(Object.keys(body).sort()).toEqual(['detail', 'instance', 'requestId', 'status', 'title', 'type']);
    for (const secret of ['arn:aws', 'secret-role', 'aggregates-under-test', 'AccessDenied', 'Exception', 'stack', 'not authorized'])
      expect(result.body).not.toContain(secret);
    expect(logged).toHaveBeenCalledWith('read request failed', failure);
    logged.mockRestore();
  });
});
