import { zeroCounters } from '../../lib/ingestion/ports';
import { BatchWriteItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { parse } from 'lossless-json';
import { handler as getUserAggregate } from '../../functions/get-user-aggregate';
import { handler as listPayouts } from '../../functions/list-payouts';
import { handler as getStatus } from '../../functions/get-status';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import type { AggregateSums } from '../../lib/core/aggregate';
import { createReadStore } from '../../lib/store/read-store';
import type { ReadStore } from '../../lib/api/ports';
import { keys, PAYOUT_INDEX_PARTITION } from '../../lib/store/table-schema';
import { createTestTable } from '../support/dynamodb-table';
import { header } from './support/http-events';
import { getConforming } from './support/openapi-validator';

type Sums = AggregateSums;

let table: Awaited<ReturnType<typeof createTestTable>>;
let store: ReadStore;

/** An aggregate exactly as lib/store/item-shapes.ts describes it: sums as DynamoDB numbers, index key only when payout > 0. */
function aggregateItem(userId: string, sums: Sums): Record<string, AttributeValue> {
  return {
    pk: { S: keys.aggregate(userId).pk },
    sk: { S: keys.aggregate(userId).sk },
    userId: { S: userId },
    earned: { N: sums.earned },
    spent: { N: sums.spent },
    payout: { N: sums.payout },
    paidOut: { N: sums.paidOut },
    ...(Number(sums.payout) > 0 ? { payoutIndexPk: { S: PAYOUT_INDEX_PARTITION } } : {}),
    updatedAt: { S: '2026-11-25T10:00:00.000Z' },
  };
}

async function seed(aggregates: [string, Sums][]): Promise<void> {
  const requests = aggregates.map(([userId, sums]) => ({ PutRequest: { Item: aggregateItem(userId, sums) } }));
  for (let offset = 0; offset < requests.length; offset += 25) {
    let pending: typeof requests | undefined = requests.slice(offset, offset + 25);
    while (pending && pending.length > 0) {
      const response = await table.client.send(new BatchWriteItemCommand({ RequestItems: { [table.tableName]: pending } }));
      pending = response.UnprocessedItems?.[table.tableName] as typeof requests | undefined;
    }
  }
}

const invoke = getConforming;

/** 2,500 users with a payout (written in scrambled order) and 300 without, interleaved in userId order. */
const withPayout = Array.from({ length: 2500 }, (_, index) => `p${String((index * 7919) % 2500).padStart(5, '0')}`);
const withoutPayout = Array.from({ length: 300 }, (_, index) => `p${String(index * 8).padStart(5, '0')}z`);
const example: [string, Sums] = ['074092', { earned: '150', spent: '50', payout: '30', paidOut: '20' }];
const exact: [string, Sums] = ['exact', { earned: '12345678901234567.89', spent: '0.3', payout: '1234567890123456789012345678901234567.8', paidOut: '0' }];

beforeAll(async () => {
  table = await createTestTable();
  process.env.TABLE_NAME = table.tableName;
  store = createReadStore({ document: createDocumentClient(), tableName: table.tableName });
  await seed([
    example,
    exact,
    ...withPayout.map((userId, index): [string, Sums] => [userId, { earned: '0', spent: '0', payout: `${index + 1}.01`, paidOut: '0' }]),
    ...withoutPayout.map((userId): [string, Sums] => [userId, { earned: '5', spent: '1', payout: '0', paidOut: '0' }]),
  ]);
});
afterAll(() => table.drop());

describe('aggregates read back from DynamoDB Local', () => {
  it('answers the seed example', async () => {
    const result = await invoke(getUserAggregate, '/aggregatedData/074092');
    expect(result.body).toBe('{"balance":100,"earned":150,"spent":50,"payout":30,"paidOut":20}');
  });

  it('keeps every digit: 0.3, 12345678901234567.89 and a 38-digit number', async () => {
    const result = await invoke(getUserAggregate, '/aggregatedData/exact');
    expect(result.body).toBe(
      '{"balance":12345678901234567.59,"earned":12345678901234567.89,"spent":0.3,"payout":1234567890123456789012345678901234567.8,"paidOut":0}',
    );
  });

  it('reads 0.1 + 0.2 added by DynamoDB itself as 0.3', async () => {
    for (const amount of ['0.1', '0.2']) {
      await table.client.send(
        new UpdateItemCommand({
          TableName: table.tableName,
          Key: { pk: { S: 'USER#adder' }, sk: { S: 'AGGREGATE' } },
          UpdateExpression: 'SET userId = :userId ADD earned :amount, spent :zero, payout :zero, paidOut :zero',
          ExpressionAttributeValues: { ':userId': { S: 'adder' }, ':amount': { N: amount }, ':zero': { N: '0' } },
        }),
      );
    }
    expect(await store.getAggregate('adder')).toEqual({ balance: '0.3', earned: '0.3', spent: '0', payout: '0', paidOut: '0' });
  });

  it('answers 404 for a user that has none', async () => {
    expect((await invoke(getUserAggregate, '/aggregatedData/never-seen')).statusCode).toBe(404);
  });
});

describe('payouts paged from the sparse index', () => {
  it('walks 2,500 users in pages of 1000 through the Link header: ordered by userId, no gap, no repeat, no payout-0 user', async () => {
    const expected = new Map([example, exact].map(([userId, sums]) => [userId, sums.payout]));
    for (const [index, userId] of withPayout.entries()) expected.set(userId, `${index + 1}.01`);
    const seen: { userId: string; totalPayout: string }[] = [];
    const pageSizes: number[] = [];
    let url: string | undefined = '/aggregatedData/payouts';
    while (url) {
      const result = await invoke(listPayouts, url);
      expect(result.statusCode).toBe(200);
      // Numbers kept as the text the API wrote, to compare every digit.
      const page = parse(result.body ?? '', null, (digits) => digits) as typeof seen;
      pageSizes.push(page.length);
      seen.push(...page);
      url = /^<([^>]+)>; rel="next"$/.exec(header(result, 'link') ?? '')?.[1];
    }
    expect(pageSizes).toEqual([1000, 1000, expected.size - 2000]);
    const userIds = seen.map((entry) => entry.userId);
    expect(userIds).toEqual([...expected.keys()].sort());
    for (const { userId, totalPayout } of seen) expect(totalPayout).toBe(expected.get(userId));
    for (const { userId } of seen) expect(withoutPayout).not.toContain(userId);
    const stored = await store.listPayouts({ limit: 1000, after: 'p02000' });
    expect(stored.payouts.slice(0, 3)).toEqual(['p02001', 'p02002', 'p02003'].map((userId) => ({ userId, totalPayout: expected.get(userId) })));
  });

  it('pages with small limits the same way, and the last page carries no Link', async () => {
    const collected: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await store.listPayouts({ limit: 997, after });
      collected.push(...page.payouts.map((entry) => entry.userId));
      after = page.next;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(new Set(collected).size).toBe(collected.length);
    expect(collected).toEqual([...collected].sort());
  });
});

describe('status from the ingestion cursor', () => {
  it('answers nulls and zeros before any ingestion, then the cursor, never reading its pending page', async () => {
    const before = JSON.parse((await invoke(getStatus, '/status')).body ?? '') as Record<string, unknown>;
    expect(before).toMatchObject({ watermark: null, lagSeconds: null, lastTick: null });

    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: {
          pk: { S: 'INGESTION' },
          sk: { S: 'CURSOR' },
          sequence: { N: '7' },
          watermark: { S: '2026-11-25T09:59:00.000Z' },
          position: { B: new Uint8Array(300_000).fill(7) },
          pendingChunks: { N: '2' },
          lastTickAt: { S: '2026-11-25T09:59:48.000Z' },
          lastOutcome: { S: 'applied' },
          counters: {
            M: Object.fromEntries(
              ['calls', 'fetched', 'applied', 'duplicates', 'quarantined', 'failedCalls'].map((name, index) => [name, { N: String(index * 10) }]),
            ),
          },
        },
      }),
    );
    const status = await store.getStatus();
    expect(status).toEqual({
      watermark: '2026-11-25T09:59:00.000Z',
      lastTick: { at: '2026-11-25T09:59:48.000Z', outcome: 'applied' },
      counters: { ...zeroCounters(), calls: 0, fetched: 10, applied: 20, duplicates: 30, quarantined: 40, failedCalls: 50 },
      recentCalls: [],
      operatorActions: [],
    });
    expect(JSON.stringify(status)).not.toContain('position');
    const after = await invoke(getStatus, '/status');
    expect(JSON.parse(after.body ?? '')).toMatchObject({ watermark: '2026-11-25T09:59:00.000Z', lastTick: { outcome: 'applied' } });
  });
});
