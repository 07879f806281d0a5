import Big from 'big.js';
import { handler as listPayouts } from '../../functions/list-payouts';
import type { Transaction } from '../../lib/core/transaction';
import { createAggregateWriter } from '../../lib/store/aggregate-writer';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { createReadStore, MAX_FILTERED_ENTRIES_PER_PAGE } from '../../lib/store/read-store';
import type { PayoutSort } from '../../lib/api/ports';
import { createTestTable } from '../support/dynamodb-table';
import { header } from './support/http-events';
import { getConforming } from './support/openapi-validator';

/**
 * The payout orders against DynamoDB Local, with aggregates written by the real aggregate writer
 * (so the sort keys are the ones ingestion leaves): every sort and bound pages through exactly
 * the reference order, ties by userId, never repeating or skipping a user.
 */
let table: Awaited<ReturnType<typeof createTestTable>>;
const payouts = new Map<string, Big>();

const tx = (userId: string, id: string, type: Transaction['type'], amount: string): Transaction => ({
  userId,
  id,
  type,
  amount,
  createdAt: '2024-01-01T00:00:00.000Z',
});

beforeAll(async () => {
  table = await createTestTable();
  process.env.TABLE_NAME = table.tableName;
  const writer = createAggregateWriter(
    { document: createDocumentClient(), tableName: table.tableName },
    { nowMs: Date.now, sleep: async () => {}, markerTtlSeconds: 3600, concurrency: 8 },
  );
  const transactions: Transaction[] = [];
  // 160 users, many ties (amounts from a small set), a few with only earned (payout 0: absent from the list).
  for (let i = 0; i < 160; i++) {
    const userId = `u${String((i * 37) % 160).padStart(3, '0')}`;
    if (i % 16 === 0) {
      transactions.push(tx(userId, `e${i}`, 'earned', '10'));
      continue;
    }
    const amount = ['0.1', '2', '2', '10.5', '99.99999999', '100', '1000'][i % 7];
    transactions.push(tx(userId, `p${i}`, 'payout', amount), tx(userId, `q${i}`, 'payout', i % 3 === 0 ? '0.2' : '0'));
  }
  // Applied in two pages, so a second write moves keys that already exist.
  await writer.apply(1, transactions.slice(0, 150));
  await writer.apply(2, transactions.slice(150));
  for (const t of transactions) if (t.type === 'payout') payouts.set(t.userId, (payouts.get(t.userId) ?? new Big(0)).plus(t.amount));
});
afterAll(() => table.drop());

function reference(sort: PayoutSort, min?: string): string[] {
  const entries = [...payouts].filter(([, payout]) => payout.gt(0) && (min === undefined || payout.gte(min)));
  entries.sort(([a, x], [b, y]) => (sort === 'userId' ? (a < b ? -1 : 1) : x.cmp(y) || (a < b ? -1 : 1)));
  if (sort === '-totalPayout') entries.reverse();
  return entries.map(([userId]) => userId);
}

async function pagesOf(url: string): Promise<{ userIds: string[]; pages: number }> {
  const userIds: string[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const result = await getConforming(listPayouts, next);
    expect(result.statusCode).toBe(200);
    for (const entry of JSON.parse(result.body ?? '') as { userId: string; totalPayout: number }[]) {
      expect(new Big(String(entry.totalPayout)).eq(payouts.get(entry.userId)!)).toBe(true);
      userIds.push(entry.userId);
    }
    const link = header(result, 'link');
    next = link === undefined ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)![1];
    pages++;
  }
  return { userIds, pages };
}

test.each([
  ['userId', undefined],
  ['totalPayout', undefined],
  ['-totalPayout', undefined],
  ['-totalPayout', '100'],
  ['totalPayout', '10.5'],
  ['userId', '99.99999999'],
  ['totalPayout', '0.00000001'],
  ['-totalPayout', '5000'],
] as const)('sort=%s minTotalPayout=%s pages through the reference order (ties by userId)', async (sort, min) => {
  const query = new URLSearchParams({ limit: '7', sort, ...(min ? { minTotalPayout: min } : {}) });
  const { userIds, pages } = await pagesOf(`/aggregatedData/payouts?${query}`);
  expect(userIds).toEqual(reference(sort, min));
  expect(pages).toBe(Math.max(1, Math.ceil(userIds.length / 7)));
});

test('a selective bound with sort=userId answers only the matching users and no Link', async () => {
  expect(MAX_FILTERED_ENTRIES_PER_PAGE).toBeGreaterThan(0);
  const store = createReadStore({ document: createDocumentClient(), tableName: table.tableName });
  const page = await store.listPayouts({ limit: 1000, sort: 'userId', minTotalPayout: '1000' });
  expect(page.payouts.map((entry) => entry.userId)).toEqual(reference('userId', '1000'));
  expect(page.next).toBeUndefined();
});
