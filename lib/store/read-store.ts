import Big from 'big.js';
import { GetCommand, NumberValue, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { viewOf } from '../core/aggregate-view';
import type { AggregateRecord, PayoutEntry, ReadStore } from '../api/ports';
import { sharedDocumentClient } from './dynamo-client';
import { createCursorRepository } from './cursor-repository';
import { decimalText } from './stored-number';
import type { StoreContext } from './store-context';
import type { AggregateItem } from './item-shapes';
import { decodePayoutSortKey, payoutLowerBound } from '../core/payout-sort-key';
import { keys, PAYOUT_INDEX_PARTITION, tableSchema } from './table-schema';

/**
 * A page of sort=userId with minTotalPayout is a Query of the userId-ordered index filtered on the
 * payout: to keep a page's cost bounded whatever the share of users below the bound, one request
 * evaluates at most this many index entries, and may answer a short page (with a Link) when the
 * bound is selective. Sorted by amount, the bound is a key condition and no entry is wasted.
 */
export const MAX_FILTERED_ENTRIES_PER_PAGE = 4000;

export { statusAttributes } from './cursor-repository';

export interface ReadStoreOptions {
  nowMs?: () => number;
  /** How long a container reuses the watermark it read (default 5 s: well inside the 12 s cadence). */
  watermarkCacheMs?: number;
}

export function createReadStore({ document, tableName }: StoreContext, options: ReadStoreOptions = {}): ReadStore {
  const cursor = createCursorRepository({ document, tableName });
  const nowMs = options.nowMs ?? Date.now;
  const watermarkCacheMs = options.watermarkCacheMs ?? 5000;
  let watermark: { readAtMs: number; value: Promise<string | undefined> } | undefined;

  const getAggregateRecord = async (userId: string): Promise<AggregateRecord | undefined> => {
    const { Item } = await document.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.aggregate(userId),
        ProjectionExpression: '#earned, #spent, #payout, #paidOut, #updatedAt',
        ExpressionAttributeNames: { '#earned': 'earned', '#spent': 'spent', '#payout': 'payout', '#paidOut': 'paidOut', '#updatedAt': 'updatedAt' },
      }),
    );
    if (!Item) return undefined;
    // updatedAt is absent on an aggregate written before it existed.
    const item = Item as Pick<AggregateItem, 'earned' | 'spent' | 'payout' | 'paidOut'> & Partial<Pick<AggregateItem, 'updatedAt'>>;
    const aggregate = viewOf({
      earned: decimalText(item.earned),
      spent: decimalText(item.spent),
      payout: decimalText(item.payout),
      paidOut: decimalText(item.paidOut),
    });
    return item.updatedAt === undefined ? { aggregate } : { aggregate, updatedAt: String(item.updatedAt) };
  };

  return {
    async getAggregate(userId) {
      return (await getAggregateRecord(userId))?.aggregate;
    },

    getAggregateRecord,

    async listPayouts({ limit, sort = 'userId', minTotalPayout, after }) {
      const byAmount = sort !== 'userId';
      const index = byAmount ? tableSchema.payoutAmountIndex : tableSchema.payoutIndex;
      const position = after;
      const filtered = !byAmount && minTotalPayout !== undefined;
      // Ask for one more than the page so "more follow" is known without an empty last page.
      const wanted = limit + 1;
      const found: (PayoutEntry & { position: string })[] = [];
      let evaluated = 0;
      let startKey: Record<string, unknown> | undefined;
      if (position !== undefined) {
        const userId = byAmount ? decodePayoutSortKey(position)?.userId : position;
        if (userId === undefined) throw new Error('not a payout sort key');
        startKey = { ...keys.aggregate(userId), [index.partitionKey]: PAYOUT_INDEX_PARTITION, [index.sortKey]: position };
      }
      const names: Record<string, string> = { '#partition': index.partitionKey, '#userId': 'userId', '#payout': 'payout' };
      const values: Record<string, unknown> = { ':partition': PAYOUT_INDEX_PARTITION };
      let keyCondition = '#partition = :partition';
      let filter: string | undefined;
      if (byAmount) {
        names['#sortKey'] = index.sortKey;
        if (minTotalPayout !== undefined) {
          keyCondition += ' AND #sortKey >= :lower';
          values[':lower'] = payoutLowerBound(minTotalPayout);
        }
      } else if (filtered) {
        filter = '#payout >= :min';
        values[':min'] = NumberValue.from(new Big(minTotalPayout).toFixed());
      }
      do {
        const response = await document.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: index.name,
            KeyConditionExpression: keyCondition,
            FilterExpression: filter,
            ScanIndexForward: sort !== '-totalPayout',
            ProjectionExpression: byAmount ? '#userId, #payout, #sortKey' : '#userId, #payout',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ExclusiveStartKey: startKey,
            Limit: filtered ? Math.min(MAX_PAGE_READ, MAX_FILTERED_ENTRIES_PER_PAGE - evaluated) : wanted - found.length,
          }),
        );
        evaluated += response.ScannedCount ?? response.Items?.length ?? 0;
        for (const item of response.Items ?? []) {
          const userId = String(item.userId);
          found.push({ userId, totalPayout: decimalText(item.payout), position: byAmount ? String(item[index.sortKey]) : userId });
        }
        startKey = response.LastEvaluatedKey;
      } while (startKey && found.length < wanted && (!filtered || evaluated < MAX_FILTERED_ENTRIES_PER_PAGE));
      const page = found.slice(0, limit);
      const payouts = page.map(({ userId, totalPayout }) => ({ userId, totalPayout }));
      let next: string | undefined;
      if (found.length > limit) next = page[page.length - 1].position;
      // A filtered page that ran out of its read budget: the next one resumes where the reading stopped.
      else if (filtered && startKey) next = String(startKey[index.sortKey]);
      return next === undefined ? { payouts } : { payouts, next };
    },

    getWatermark() {
      const now = nowMs();
      if (!watermark || now - watermark.readAtMs >= watermarkCacheMs) {
        const entry = { readAtMs: now, value: Promise.resolve<string | undefined>(undefined) };
        entry.value = (async () => {
          try {
            return await cursor.readWatermark();
          } catch {
            // Data-As-Of is a courtesy: without it the answer is still right. Not kept, so the next request asks again.
            if (watermark === entry) watermark = undefined;
            return undefined;
          }
        })();
        watermark = entry;
      }
      return watermark.value;
    },

    getStatus: () => cursor.readStatus(),
  };
}

/** Entries one Query call of a filtered page evaluates at most (DynamoDB stops at 1 MB anyway). */
const MAX_PAGE_READ = 1000;

/** The read store of a Lambda container: the table named by TABLE_NAME, built on first use. */
export function readStoreFromEnvironment(env: NodeJS.ProcessEnv = process.env, document: () => DynamoDBDocumentClient = sharedDocumentClient): ReadStore {
  let store: ReadStore | undefined;
  const built = (): ReadStore => {
    if (!env.TABLE_NAME) throw new Error('TABLE_NAME is not set');
    store ??= createReadStore({ document: document(), tableName: env.TABLE_NAME });
    return store;
  };
  return {
    getAggregate: (userId) => built().getAggregate(userId),
    getAggregateRecord: (userId) => built().getAggregateRecord(userId),
    listPayouts: (request) => built().listPayouts(request),
    getWatermark: () => built().getWatermark(),
    getStatus: () => built().getStatus(),
  };
}
