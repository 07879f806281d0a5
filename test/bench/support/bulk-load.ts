import pLimit from 'p-limit';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { payoutSortKey } from '../../../lib/core/payout-sort-key';
import { keys, PAYOUT_INDEX_PARTITION } from '../../../lib/store/table-schema';

const BATCH = 25;

/**
 * Writes aggregate items directly (BatchWriteItem, 25 per call, in parallel), shaped as the
 * aggregate writer leaves them: a user with a payout carries the sparse indexes' partition and
 * the payout-amount sort key. Payouts vary (1.25 … 997.25, many ties) so the amount order is real.
 */
export async function putAggregates(
  document: DynamoDBDocumentClient,
  tableName: string,
  userIds: readonly string[],
  options: { withPayout: boolean; concurrency?: number },
): Promise<void> {
  const limit = pLimit(options.concurrency ?? 32);
  const batches: Promise<void>[] = [];
  for (let offset = 0; offset < userIds.length; offset += BATCH) {
    const items = userIds.slice(offset, offset + BATCH).map((userId, i) => {
      const payout = `${1 + (((offset + i) * 7919) % 997)}.25`;
      return {
        PutRequest: {
          Item: {
            ...keys.aggregate(userId),
            userId,
            earned: 100 + i,
            spent: 40,
            payout: options.withPayout ? Number(payout) : 0,
            paidOut: 0,
            ...(options.withPayout ? { payoutIndexPk: PAYOUT_INDEX_PARTITION, payoutSortKey: payoutSortKey(payout, userId) } : {}),
            updatedAt: new Date().toISOString(),
          },
        },
      };
    });
    batches.push(
      limit(async () => {
        let request: Record<string, typeof items> | undefined = { [tableName]: items };
        for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
          const response = await document.send(new BatchWriteCommand({ RequestItems: request }));
          request = response.UnprocessedItems as typeof request;
        }
      }),
    );
  }
  await Promise.all(batches);
}

/** Zero-padded ids sort in creation order, so "the first page" is well defined. */
export const benchUserIds = (prefix: string, count: number, from = 0): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(from + i).padStart(7, '0')}`);
