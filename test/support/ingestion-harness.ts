import Big from 'big.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AggregateSums } from '../../lib/core/aggregate';
import { ingestionConfigFrom, type IngestionConfig } from '../../lib/ingestion/ingestion-config';
import { runTick, type TickReport } from '../../lib/ingestion/run-tick';
import { tickDependencies } from '../../lib/ingestion/tick-dependencies';
import type { CursorItem } from '../../lib/store/cursor-item';
import type { StoreContext } from '../../lib/store/store-context';
import type { TransactionSource } from '../../lib/ingestion/ports';
import type { FakeClock } from './fake-clock';
import { secondIso, type Span } from '../../lib/core/ingestion-position';
import type { PendingPage } from '../../lib/ingestion/ports';

export function testConfig(tableName: string, overrides: Record<string, string> = {}): IngestionConfig {
  return ingestionConfigFrom({
    TABLE_NAME: tableName,
    TRANSACTIONS_API_URL: 'http://127.0.0.1:9/unused',
    INGEST_FROM: '2024-01-01T00:00:00Z',
    SETTLE_LAG_SECONDS: '5',
    ...overrides,
  });
}

export function tick(config: IngestionConfig, store: StoreContext, source: TransactionSource, clock: FakeClock, holder = 'test'): Promise<TickReport> {
  return runTick(tickDependencies(config, { store, source, clock, holder }));
}

/** Every user's stored sums, exactly as DynamoDB holds them (normalised decimal strings). */
export async function storedAggregates(store: StoreContext): Promise<Map<string, AggregateSums>> {
  const result = new Map<string, AggregateSums>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  // wrapNumbers: read the stored numbers as the exact decimal text DynamoDB holds.
  const exactReader = DynamoDBDocumentClient.from(new DynamoDBClient({}), { unmarshallOptions: { wrapNumbers: true } });
  do {
    const page = await exactReader.send(
      new ScanCommand({
        TableName: store.tableName,
        ExclusiveStartKey,
        FilterExpression: 'sk = :sk',
        ExpressionAttributeValues: { ':sk': 'AGGREGATE' },
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) {
      const exact = (value: unknown) => new Big((value as { value: string }).value).toFixed();
      result.set(String(item.userId), { earned: exact(item.earned), spent: exact(item.spent), payout: exact(item.payout), paidOut: exact(item.paidOut) });
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return result;
}

/** The cursor item with its counters as plain numbers (they are counts, not money). */
export async function storedCursor(store: StoreContext): Promise<CursorItem> {
  const plainReader = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const page = await plainReader.send(
    new ScanCommand({ TableName: store.tableName, FilterExpression: 'sk = :sk', ExpressionAttributeValues: { ':sk': 'CURSOR' }, ConsistentRead: true }),
  );
  return page.Items?.[0] as CursorItem;
}

export const normalised = (sums: Map<string, AggregateSums>): Record<string, AggregateSums> =>
  Object.fromEntries(
    [...sums]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([user, s]) => [
        user,
        { earned: new Big(s.earned).toFixed(), spent: new Big(s.spent).toFixed(), payout: new Big(s.payout).toFixed(), paidOut: new Big(s.paidOut).toFixed() },
      ]),
  );

/** How many PENDING# chunk items the table holds (a checkpointed, skipped or rewound page leaves none). */
export async function pendingChunkCount(store: StoreContext): Promise<number> {
  const page = await store.document.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'INGESTION', ':prefix': 'PENDING#' },
      ConsistentRead: true,
    }),
  );
  return page.Items?.length ?? 0;
}

/** A fetched page of the head holding nothing, as a tick would store it for `span` (epoch seconds). */
export function emptyHeadPage(span: Span, fetchedAtMs: number): PendingPage {
  return {
    pass: 'head',
    span,
    page: 1,
    window: { start: secondIso(span.start), end: secondIso(span.end) },
    fetchedAtMs,
    seconds: [],
    meta: { itemCount: 0, itemsPerPage: 1000, totalPages: 0, currentPage: 1 },
    fetched: 0,
    transactions: [],
    quarantined: [],
  };
}
