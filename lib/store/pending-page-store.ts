import { gunzipSync, gzipSync } from 'node:zlib';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { epochSecond } from '../core/ingestion-position';
import type { PendingPage } from './cursor-store';
import type { PendingChunkItem } from './item-shapes';
import { keys } from './table-schema';
import type { StoreContext } from './store-context';

/** A chunk stays well under DynamoDB's 400 KB item limit; a transaction holds 100 items and 4 MB. */
const CHUNK_BYTES = 300_000;
const PENDING_TTL_SECONDS = 2 * 86_400;

export const encode = (value: unknown): Uint8Array => gzipSync(JSON.stringify(value));
export const decode = <T>(bytes: Uint8Array): T => JSON.parse(gunzipSync(bytes).toString('utf8')) as T;

/**
 * A fetched page as `PENDING#<sequence>#<n>` items of gzip(JSON), however large the upstream
 * made it: the cursor store writes them in the transaction that marks the page pending.
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

/** Reads the page of `sequence` back from its chunks (strongly consistent); fails loudly when one is missing. */
export async function loadPendingPage({ document, tableName }: StoreContext, sequence: number, chunks: number): Promise<PendingPage> {
  const first = keys.pendingChunk(sequence, 0);
  const prefix = first.sk.slice(0, -3);
  const parts: Uint8Array[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await document.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': first.pk, ':prefix': prefix },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of (page.Items ?? []) as PendingChunkItem[]) parts.push(item.data);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  if (parts.length !== chunks) throw new Error(`pending page ${sequence}: ${parts.length} of ${chunks} chunks found`);
  return decode<PendingPage>(Buffer.concat(parts));
}
