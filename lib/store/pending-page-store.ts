import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { epochSecond } from '../core/ingestion-position';
import type { PendingPage } from '../ingestion/ports';
import { decode, encode } from './cursor-item';
import type { PendingChunkItem, Stored } from './item-shapes';
import { keys } from './table-schema';
import type { StoreContext } from './store-context';

/** A chunk stays well under DynamoDB's 400 KB item limit; a transaction holds 100 items and 4 MB. */
const CHUNK_BYTES = 300_000;
/**
 * Chunks are deleted after their page's checkpoint; the TTL only removes what a crash between the
 * checkpoint and the delete left behind. It is long enough that a jam left over a long weekend
 * keeps its page (a page that outlives it anyway is a `pending-lost` jam, never an exception).
 */
const PENDING_TTL_SECONDS = 14 * 86_400;

/**
 * A fetched page as `PENDING#<sequence>#<n>` items of gzip(JSON), however large the upstream
 * made it: the cursor repository writes them in the transaction that marks the page pending.
 */
export function pendingChunkItems(sequence: number, pending: PendingPage): PendingChunkItem[] {
  const bytes = encode(pending);
  const chunks: PendingChunkItem[] = [];
  const expiresAt = epochSecond(pending.fetchedAtMs) + PENDING_TTL_SECONDS;
  for (let offset = 0, n = 0; offset < bytes.length; offset += CHUNK_BYTES, n++) {
    chunks.push({ ...keys.pendingChunk(sequence, n), data: bytes.subarray(offset, offset + CHUNK_BYTES), expiresAt });
  }
  return chunks;
}

/** The chunk items of the page of `sequence`, in order (strongly consistent). */
async function chunkItems({ document, tableName }: StoreContext, sequence: number, projection?: string): Promise<Stored<PendingChunkItem>[]> {
  const first = keys.pendingChunk(sequence, 0);
  const prefix = first.sk.slice(0, -3);
  const items: Stored<PendingChunkItem>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await document.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': first.pk, ':prefix': prefix },
        ...(projection ? { ProjectionExpression: projection } : {}),
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...((page.Items ?? []) as Stored<PendingChunkItem>[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Reads the page of `sequence` back from its chunks; undefined when any of them is gone (expired). */
export async function loadPendingPage(store: StoreContext, sequence: number, chunks: number): Promise<PendingPage | undefined> {
  const items = await chunkItems(store, sequence);
  if (items.length !== chunks) return undefined;
  return decode<PendingPage>(Buffer.concat(items.map((item) => item.data)));
}

/**
 * Deletes the chunks of the page of `sequence` once the cursor no longer names it (checkpointed,
 * skipped, split or rewound): the `chunks` the cursor counted, by key; when the count is not at
 * hand (an operator's transaction returns no old values), whatever a Query finds. Best effort:
 * what a crash leaves behind expires by TTL.
 */
export async function discardPendingPage(store: StoreContext, sequence: number, chunks?: number): Promise<void> {
  try {
    const itemKeys =
      chunks === undefined
        ? (await chunkItems(store, sequence, 'pk, sk')).map(({ pk, sk }) => ({ pk, sk }))
        : Array.from({ length: chunks }, (_, n) => keys.pendingChunk(sequence, n));
    await Promise.all(itemKeys.map((Key) => store.document.send(new DeleteCommand({ TableName: store.tableName, Key }))));
  } catch {
    // The cursor has already moved past the page: leftover chunks are harmless and expire.
  }
}
