import { isJammed, type FailureStreak } from '../core/failure-streak';
import { secondIso, type Pass } from '../core/ingestion-position';
import Big from 'big.js';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { viewOf, type AggregateView } from '../core/aggregate';
import { zeroCounters, type IngestionCounters, type OperatorActionRecord, type RecentCall, type TickOutcome } from './item-shapes';
import { sharedDocumentClient } from './dynamo-client';
import type { StoreContext } from './store-context';
import { keys, PAYOUT_INDEX_PARTITION, tableSchema } from './table-schema';

/** A user in the payout list; `totalPayout` is the exact decimal text of the user's payout. */
export interface PayoutEntry {
  userId: string;
  totalPayout: string;
}

export interface PayoutPage {
  payouts: PayoutEntry[];
  /** Present when more users follow: the next page starts after this one. */
  lastUserId?: string;
}

export interface IngestionStatus {
  watermark: string;
  verifiedWatermark?: string;
  lastTick?: { at: string; outcome: TickOutcome };
  counters: IngestionCounters;
  recentCalls: RecentCall[];
  /** The call failing again and again, when there is one (its class of failure only, never the upstream's words). */
  jam?: { pass: Pass; window: { start: string; end: string }; page: number; attempts: number; since: string; failure: string };
  operatorActions: OperatorActionRecord[];
}

/** The cursor attributes GET /status reads: never the position, a pending page or the error text. The status function's grant allows exactly these. */
export const statusAttributes = ['watermark', 'verifiedWatermark', 'lastTickAt', 'lastOutcome', 'counters', 'recentCalls', 'failureStreak', 'operatorActions'] as const;

/** What the read API asks of the table; the only read-side code that knows key shapes. */
export interface ReadStore {
  /** One eventually consistent GetItem; undefined when the user has no aggregate. */
  getAggregate(userId: string): Promise<AggregateView | undefined>;
  /** Users with payout > 0 ordered by userId, from the sparse payout index (a Query, never a Scan). */
  listPayouts(request: { limit: number; exclusiveStartUserId?: string }): Promise<PayoutPage>;
  /** The ingestion cursor's public part (never its pending page); undefined before any ingestion. */
  getStatus(): Promise<IngestionStatus | undefined>;
}

export function createReadStore({ document, tableName }: StoreContext): ReadStore {
  return {
    async getAggregate(userId) {
      const { Item } = await document.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.aggregate(userId),
          ProjectionExpression: '#earned, #spent, #payout, #paidOut',
          ExpressionAttributeNames: { '#earned': 'earned', '#spent': 'spent', '#payout': 'payout', '#paidOut': 'paidOut' },
        }),
      );
      if (!Item) return undefined;
      return viewOf({ earned: decimalText(Item.earned), spent: decimalText(Item.spent), payout: decimalText(Item.payout), paidOut: decimalText(Item.paidOut) });
    },

    async listPayouts({ limit, exclusiveStartUserId }) {
      const { payoutIndex } = tableSchema;
      // Ask for one more than the page so "more follow" is known without an empty last page.
      const wanted = limit + 1;
      const found: PayoutEntry[] = [];
      let startKey: Record<string, unknown> | undefined =
        exclusiveStartUserId === undefined
          ? undefined
          : { ...keys.aggregate(exclusiveStartUserId), [payoutIndex.partitionKey]: PAYOUT_INDEX_PARTITION, [payoutIndex.sortKey]: exclusiveStartUserId };
      do {
        const response = await document.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: payoutIndex.name,
            KeyConditionExpression: '#partition = :partition',
            ProjectionExpression: '#userId, #payout',
            ExpressionAttributeNames: { '#partition': payoutIndex.partitionKey, '#userId': payoutIndex.sortKey, '#payout': 'payout' },
            ExpressionAttributeValues: { ':partition': PAYOUT_INDEX_PARTITION },
            ExclusiveStartKey: startKey,
            Limit: wanted - found.length,
          }),
        );
        for (const item of response.Items ?? []) found.push({ userId: String(item.userId), totalPayout: decimalText(item.payout) });
        startKey = response.LastEvaluatedKey;
      } while (startKey && found.length < wanted);
      const payouts = found.slice(0, limit);
      return found.length > limit ? { payouts, lastUserId: payouts[payouts.length - 1].userId } : { payouts };
    },

    async getStatus() {
      const { Item } = await document.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.cursor(),
          // Never the position or the error text: the ledger can be large, and the upstream's words are for the logs.
          ProjectionExpression: statusAttributes.map((name) => `#${name}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(statusAttributes.map((name) => [`#${name}`, name])),
        }),
      );
      if (!Item) return undefined;
      const counters = (Item.counters ?? {}) as Record<string, unknown>;
      const known = zeroCounters();
      for (const name of Object.keys(known) as (keyof IngestionCounters)[]) known[name] = counters[name] === undefined ? 0 : Number(decimalText(counters[name]));
      const status: IngestionStatus = {
        watermark: String(Item.watermark),
        counters: known,
        operatorActions: ((Item.operatorActions ?? []) as OperatorActionRecord[]).map((action) => ({ ...action, page: Number(decimalText(action.page)), attempts: Number(decimalText(action.attempts)) })),
        recentCalls: ((Item.recentCalls ?? []) as Record<string, unknown>[]).map((call) => ({ atMs: Number(decimalText(call.atMs)), pass: call.pass as RecentCall['pass'], ok: Boolean(call.ok) })),
      };
      if (Item.verifiedWatermark !== undefined) status.verifiedWatermark = String(Item.verifiedWatermark);
      const streak = Item.failureStreak as FailureStreak | undefined;
      if (streak && isJammed({ ...streak, attempts: Number(decimalText(streak.attempts)) })) {
        status.jam = {
          pass: streak.pass,
          window: { start: secondIso(Number(decimalText(streak.span.start))), end: secondIso(Number(decimalText(streak.span.end))) },
          page: Number(decimalText(streak.page)),
          attempts: Number(decimalText(streak.attempts)),
          since: streak.since,
          failure: streak.kind,
        };
      }
      if (Item.lastTickAt !== undefined && Item.lastOutcome !== undefined) {
        status.lastTick = { at: String(Item.lastTickAt), outcome: Item.lastOutcome as TickOutcome };
      }
      return status;
    },
  };
}

/** A stored DynamoDB number (a `NumberValue` with wrapNumbers, or a plain number) as exact decimal text. */
function decimalText(value: unknown): string {
  if (value === undefined || value === null) return '0';
  return new Big(String(value)).toFixed();
}

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
    listPayouts: (request) => built().listPayouts(request),
    getStatus: () => built().getStatus(),
  };
}
