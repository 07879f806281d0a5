import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { backfillPayoutKeys } from '../../infra/ops/backfill-payout-keys';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { decodePayoutCursor, encodePayoutCursor } from '../../lib/api/payout-cursor';
import { payoutSortKey } from '../../lib/core/payout-sort-key';
import { createReadStore } from '../../lib/store/read-store';
import { keys, PAYOUT_INDEX_PARTITION } from '../../lib/store/table-schema';
import { createTestTable } from '../support/dynamodb-table';

/** Aggregate items written straight to the table (as an older writer left them), with the index attributes `extra` gives each. */
async function writeOldAggregates(
  table: Awaited<ReturnType<typeof createTestTable>>,
  aggregates: readonly (readonly [string, string])[],
  extra: (userId: string, payout: string) => Record<string, { S: string }>,
): Promise<void> {
  await table.client.send(
    new BatchWriteItemCommand({
      RequestItems: {
        [table.tableName]: aggregates.map(([userId, payout]) => ({
          PutRequest: {
            Item: {
              pk: { S: keys.aggregate(userId).pk },
              sk: { S: 'AGGREGATE' },
              userId: { S: userId },
              earned: { N: '0' },
              spent: { N: '0' },
              payout: { N: payout },
              paidOut: { N: '0' },
              ...extra(userId, payout),
            },
          },
        })),
      },
    }),
  );
}

/** Aggregates as the writer left them before payoutAmountIndex existed: partition on payout > 0, no sort key. */
test('backfill gives old aggregates their payoutSortKey, so the amount index lists them; a second run changes nothing', async () => {
  const table = await createTestTable();
  try {
    const old = [
      ['a', '30'],
      ['b', '0'],
      ['c', '1000.5'],
      ['d', '30'],
    ] as const;
    await writeOldAggregates(
      table,
      old,
      (_userId, payout): Record<string, { S: string }> => (Number(payout) > 0 ? { payoutIndexPk: { S: PAYOUT_INDEX_PARTITION } } : {}),
    );
    const document = createDocumentClient();
    const reads = createReadStore({ document, tableName: table.tableName });
    expect((await reads.listPayouts({ limit: 10, sort: '-totalPayout' })).payouts).toEqual([]);
    expect(await backfillPayoutKeys(document, table.tableName, { dryRun: true })).toMatchObject({ scanned: 4, updated: 3 });
    expect(await backfillPayoutKeys(document, table.tableName)).toMatchObject({ scanned: 4, updated: 3, alreadyInStep: 1 });
    const { Item } = await document.send(new GetCommand({ TableName: table.tableName, Key: keys.aggregate('c'), ConsistentRead: true }));
    expect(Item?.payoutSortKey).toBe(payoutSortKey('1000.5', 'c'));
    expect((await reads.listPayouts({ limit: 10, sort: '-totalPayout' })).payouts.map((entry) => entry.userId)).toEqual(['c', 'd', 'a']);
    expect(await backfillPayoutKeys(document, table.tableName)).toMatchObject({ updated: 0, alreadyInStep: 4 });
  } finally {
    await table.drop();
  }
});

test('backfill re-encodes keys written with 8 fraction digits, and a cursor issued for an old key resumes at the same place', async () => {
  const table = await createTestTable();
  try {
    const legacyKey = (payout: string, userId: string) => {
      const [integer, fraction = ''] = payout.split('.');
      return `${integer!.padStart(24, '0')}.${fraction.padEnd(8, '0')}#${userId}`;
    };
    const old = [
      ['a', '30'],
      ['b', '12.5'],
      ['c', '1000.25'],
    ] as const;
    await writeOldAggregates(table, old, (userId, payout) => ({
      payoutIndexPk: { S: PAYOUT_INDEX_PARTITION },
      payoutSortKey: { S: legacyKey(payout, userId) },
    }));
    const document = createDocumentClient();
    const oldCursor = encodePayoutCursor(legacyKey('12.5', 'b'), { sort: 'totalPayout' });
    expect(await backfillPayoutKeys(document, table.tableName)).toMatchObject({ scanned: 3, updated: 3 });
    const { Item } = await document.send(new GetCommand({ TableName: table.tableName, Key: keys.aggregate('b'), ConsistentRead: true }));
    expect(Item?.payoutSortKey).toBe(`${'0'.repeat(22)}12.500000000000#b`);
    const after = decodePayoutCursor(oldCursor, { sort: 'totalPayout' });
    expect(after).toBe(payoutSortKey('12.5', 'b'));
    const reads = createReadStore({ document, tableName: table.tableName });
    expect((await reads.listPayouts({ limit: 10, sort: 'totalPayout', after })).payouts.map((entry) => entry.userId)).toEqual(['a', 'c']);
  } finally {
    await table.drop();
  }
});
