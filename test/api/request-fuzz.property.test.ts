import { userIdDomain } from '../../lib/core/accepted-domain';
import fc from 'fast-check';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, NumberValue, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handler as getUserAggregate } from '../../functions/get-user-aggregate';
import { handler as listPayouts } from '../../functions/list-payouts';
import { handler as apiDocs } from '../../functions/api-docs';
import { encodePayoutCursor } from '../../lib/api/payout-cursor';
import { getEvent, header, lambdaContext, type Handler } from './support/http-events';
import { openApiViolations } from './support/openapi-validator';

process.env.TABLE_NAME = 'aggregates-under-test';
const dynamo = mockClient(DynamoDBDocumentClient);
const number = (text: string) => NumberValue.from(text);
dynamo.on(GetCommand).callsFake(({ Key }: { Key: { pk: string } }) =>
  // Some users exist, others not: both answers must stay within the contract.
  Key.pk.length % 2 === 0 ? { Item: { earned: number('10.5'), spent: number('0.25'), payout: number('3'), paidOut: number('1') } } : {},
);
dynamo.on(QueryCommand).callsFake(({ Limit }: { Limit: number }) => ({
  Items: Array.from({ length: Math.min(Limit, 3) }, (_, index) => ({ userId: `u${index}`, payout: number(`${index + 1}.5`) })),
  ...(Limit <= 3 ? { LastEvaluatedKey: { userId: 'u' } } : {}),
}));

const USER_ID = userIdDomain.pattern;

/** Every answer: never a 5xx, a documented status and body, and problem+json whenever it is a 4xx. */
async function expectWithinContract(handler: Handler, path: string, event: APIGatewayProxyEventV2) {
  const result = await handler(event, lambdaContext());
  expect(result.statusCode).toBeLessThan(500);
  expect(openApiViolations(path, result)).toEqual([]);
  if ((result.statusCode ?? 0) >= 400) expect(header(result, 'content-type')).toBe('application/problem+json');
  return result;
}

const junk = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom('', ' ', '%', '%00', '../', '..%2F', '\u0000', '0', '-0', '1e3', '01000', 'NaN', 'Infinity', 'null', '[]', '{}', '<script>'),
);
const userIdLike = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.@:+-]{1,128}$/), fc.stringMatching(/^[A-Za-z0-9_-]{124,132}$/), junk);
const cursorLike = fc.oneof(
  junk,
  fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).map(encodePayoutCursor),
  // A genuine cursor with one character replaced.
  fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).map(encodePayoutCursor), fc.nat(), fc.constantFrom(...'AZaz09_-.=+/ '))
    .map(([cursor, at, replacement]) => cursor.slice(0, at % cursor.length) + replacement + cursor.slice((at % cursor.length) + 1)),
);
const limitLike = fc.oneof(fc.integer({ min: -5, max: 1005 }).map(String), junk);

describe('requests fuzzed', () => {
  it('GET /aggregatedData/{userId}: any path id gets a 200, 400 or 404 within the contract; 200/404 only for well-formed ids', async () => {
    await fc.assert(
      fc.asyncProperty(userIdLike, async (userId) => {
        const event = { ...getEvent('/aggregatedData/x'), rawPath: '/aggregatedData/x', pathParameters: { userId } };
        const result = await expectWithinContract(getUserAggregate, '/aggregatedData/x', event);
        expect(result.statusCode === 400).toBe(!USER_ID.test(userId));
      }),
      { numRuns: 400 },
    );
  });

  it('GET /aggregatedData/payouts: any query gets a 200 or a 400 within the contract; a 200 only for valid limit and cursor', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ limit: limitLike, cursor: cursorLike, other: fc.dictionary(junk, junk, { maxKeys: 3 }) }, { requiredKeys: [] }),
        async ({ limit, cursor, other }) => {
          const query: Record<string, string> = { ...other };
          if (limit !== undefined) query.limit = limit;
          if (cursor !== undefined) query.cursor = cursor;
          const event = { ...getEvent('/aggregatedData/payouts'), queryStringParameters: query };
          const result = await expectWithinContract(listPayouts, '/aggregatedData/payouts', event);
          const limitValid = !('limit' in query) || (/^[0-9]+$/.test(query.limit) && Number(query.limit) >= 1 && Number(query.limit) <= 1000);
          const genuineCursors =
            query.cursor === undefined ||
            (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{12}$/.test(query.cursor) &&
              encodePayoutCursor(Buffer.from(query.cursor.split('.')[0], 'base64url').toString()) === query.cursor);
          expect(result.statusCode).toBe(limitValid && genuineCursors ? 200 : 400);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('GET /api/docs/{proxy+}: any file name gets a 200 or a 404 within the contract', async () => {
    await fc.assert(
      fc.asyncProperty(junk, async (proxy) => {
        const event = { ...getEvent('/api/docs/x'), pathParameters: { proxy } };
        await expectWithinContract(apiDocs, '/api/docs/x', event);
      }),
      { numRuns: 200 },
    );
  });
});
