import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, NumberValue, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { handler } from '../../functions/list-payouts';
import { encodePayoutCursor } from '../../lib/api/payout-cursor';
import { getEvent, header, lambdaContext } from './support/http-events';
import { getConforming } from './support/openapi-validator';

process.env.TABLE_NAME = 'aggregates-under-test';
const dynamo = mockClient(DynamoDBDocumentClient);

const get = (url: string) => getConforming(handler, url);

const indexItems = (...entries: [string, string][]) => entries.map(([userId, payout]) => ({ userId, payout: NumberValue.from(payout) }));

/** The Link header's target, parsed. */
const nextLink = (value: string | undefined): URL => {
  const match = /^<([^>]+)>; rel="next"$/.exec(value ?? '');
  if (!match) throw new Error(`not a next link: ${value}`);
  return new URL(match[1], 'http://relative.invalid');
};

beforeEach(() => dynamo.reset());

describe('GET /aggregatedData/payouts', () => {
  it('answers the plain array of the seed example from a Query on the payout index, never a Scan', async () => {
    dynamo.on(QueryCommand).resolves({ Items: indexItems(['074092', '30'], ['074093', '40']) });
    const result = await get('/aggregatedData/payouts');
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('[{"userId":"074092","totalPayout":30},{"userId":"074093","totalPayout":40}]');
    expect(header(result, 'link')).toBeUndefined();
    expect(header(result, 'cache-control')).toBe('private, max-age=5, stale-while-revalidate=10');
    expect(dynamo).toHaveReceivedCommandTimes(ScanCommand, 0);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'aggregates-under-test',
      IndexName: 'payoutIndex',
      ExpressionAttributeValues: { ':partition': 'PAYOUT' },
      ExclusiveStartKey: undefined,
      Limit: 1001,
    });
  });

  it('writes payouts digit for digit', async () => {
    dynamo.on(QueryCommand).resolves({ Items: indexItems(['a', '0.3'], ['b', '98765432109876543210.123456789']) });
    expect((await get('/aggregatedData/payouts')).body).toBe('[{"userId":"a","totalPayout":0.3},{"userId":"b","totalPayout":98765432109876543210.123456789}]');
  });

  it('answers an empty array when nobody has a payout', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const result = await get('/aggregatedData/payouts');
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('[]');
  });

  it('honours ?limit= and announces the next page with a Link whose cursor starts after the last user shown', async () => {
    dynamo.on(QueryCommand).resolves({ Items: indexItems(['u1', '1'], ['u2', '2'], ['u3', '3']), LastEvaluatedKey: { userId: 'u3' } });
    const result = await get('/aggregatedData/payouts?limit=2');
    expect(JSON.parse(result.body ?? '')).toEqual([
      { userId: 'u1', totalPayout: 1 },
      { userId: 'u2', totalPayout: 2 },
    ]);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { Limit: 3 });
    const link = nextLink(header(result, 'link'));
    expect(link.pathname).toBe('/aggregatedData/payouts');
    expect(link.searchParams.get('limit')).toBe('2');
    expect(link.searchParams.get('cursor')).toBe(encodePayoutCursor('u2'));
  });

  it('keeps the stage prefix of the request path in the Link', async () => {
    dynamo.on(QueryCommand).resolves({ Items: indexItems(['u1', '1'], ['u2', '2']) });
    const event = { ...getEvent('/aggregatedData/payouts?limit=1'), rawPath: '/prod/aggregatedData/payouts' };
    const result = await handler(event, lambdaContext());
    expect(nextLink(header(result, 'link')).pathname).toBe('/prod/aggregatedData/payouts');
  });

  it('resumes strictly after the user named by the cursor', async () => {
    dynamo.on(QueryCommand).resolves({ Items: indexItems(['u3', '3']) });
    const result = await get(`/aggregatedData/payouts?limit=2&cursor=${encodePayoutCursor('u2')}`);
    expect(result.statusCode).toBe(200);
    expect(header(result, 'link')).toBeUndefined();
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      ExclusiveStartKey: { pk: 'USER#u2', sk: 'AGGREGATE', payoutIndexPk: 'PAYOUT', userId: 'u2' },
    });
  });

  it('keeps querying when DynamoDB stops short of the page (1 MB limit) and stops once the page is full', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: indexItems(['u1', '1']), LastEvaluatedKey: { userId: 'u1' } })
      .resolvesOnce({ Items: indexItems(['u2', '2'], ['u3', '3']), LastEvaluatedKey: { userId: 'u3' } });
    const result = await get('/aggregatedData/payouts?limit=2');
    expect(JSON.parse(result.body ?? '')).toEqual([
      { userId: 'u1', totalPayout: 1 },
      { userId: 'u2', totalPayout: 2 },
    ]);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(dynamo.commandCalls(QueryCommand)[1].args[0].input).toMatchObject({ ExclusiveStartKey: { userId: 'u1' }, Limit: 2 });
    expect(nextLink(header(result, 'link')).searchParams.get('cursor')).toBe(encodePayoutCursor('u2'));
  });

  it('has no Link when the last page is exactly full', async () => {
    dynamo.on(QueryCommand).resolves({ Items: indexItems(['u1', '1'], ['u2', '2']) });
    expect(header(await get('/aggregatedData/payouts?limit=2'), 'link')).toBeUndefined();
  });

  it.each(['0', '1001', '-1', '2.5', 'ten', '', '1e3', '10,20', ' 5'])('answers 400 for limit=%j without querying', async (limit) => {
    const result = await get(`/aggregatedData/payouts?limit=${encodeURIComponent(limit)}`);
    expect(result.statusCode).toBe(400);
    expect(header(result, 'content-type')).toBe('application/problem+json');
    expect(JSON.parse(result.body ?? '')).toMatchObject({ status: 400, invalidParams: [{ name: 'limit', reason: 'must be a whole number from 1 to 1000' }] });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it.each([1, 1000])('accepts limit=%d', async (limit) => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect((await get(`/aggregatedData/payouts?limit=${limit}`)).statusCode).toBe(200);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { Limit: limit + 1 });
  });

  it('answers 400 for a tampered, truncated or invented cursor without querying', async () => {
    const genuine = encodePayoutCursor('074092');
    const [encoded, tag] = genuine.split('.');
    const forged = [
      `${Buffer.from('074093').toString('base64url')}.${tag}`, // another user, old tag
      `${encoded}.${tag.slice(0, -1)}${tag.endsWith('A') ? 'B' : 'A'}`, // tag edited
      genuine.slice(0, -1),
      `${encoded}`,
      'not-a-cursor',
      `${Buffer.from('../etc').toString('base64url')}.${tag}`,
      `${genuine}.${tag}`,
    ];
    for (const cursor of forged) {
      const result = await get(`/aggregatedData/payouts?cursor=${encodeURIComponent(cursor)}`);
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body ?? '')).toMatchObject({ invalidParams: [{ name: 'cursor', reason: 'is not a cursor this API issued' }] });
    }
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers a generic 500 problem when the Query fails', async () => {
    dynamo.on(QueryCommand).rejects(new Error('ValidationException: The provided starting key is invalid'));
    const result = await get('/aggregatedData/payouts');
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('starting key');
  });
});
