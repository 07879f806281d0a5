import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreContext } from './store-context';

/** BatchGetItem takes 100 keys. */
const KEYS_PER_BATCH = 100;

export interface BatchGetOptions {
  projection: string;
  names?: Record<string, string>;
  consistentRead?: boolean;
  /** Pause before asking again for keys DynamoDB left unprocessed (throttling); none when absent. */
  sleep?(ms: number): Promise<void>;
}

/** Every item found among `itemKeys`, 100 keys a request, asking again for what DynamoDB leaves unprocessed. */
export async function batchGetAll(
  { document, tableName }: StoreContext,
  itemKeys: readonly Record<string, unknown>[],
  options: BatchGetOptions,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let offset = 0; offset < itemKeys.length; offset += KEYS_PER_BATCH) {
    let request:
      | Record<
          string,
          { Keys: Record<string, unknown>[]; ProjectionExpression: string; ExpressionAttributeNames?: Record<string, string>; ConsistentRead?: boolean }
        >
      | undefined = {
      [tableName]: {
        Keys: itemKeys.slice(offset, offset + KEYS_PER_BATCH),
        ProjectionExpression: options.projection,
        ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
        ...(options.consistentRead ? { ConsistentRead: true } : {}),
      },
    };
    while (request && Object.keys(request).length > 0) {
      const response = await document.send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(response.Responses?.[tableName] ?? []));
      request = response.UnprocessedKeys as typeof request;
      if (options.sleep && request && Object.keys(request).length > 0) await options.sleep(50);
    }
  }
  return found;
}
