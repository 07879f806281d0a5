import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTableInput } from '../../../lib/store/create-table-input';
import { createDocumentClient } from '../../../lib/store/dynamo-client';
import type { StoreContext } from '../../../lib/store/store-context';

export interface BenchTable extends StoreContext {
  client: DynamoDBClient;
  document: DynamoDBDocumentClient;
}

/**
 * A fresh table of the service's schema in the bench's DynamoDB Local (the SDK finds it through
 * AWS_ENDPOINT_URL_DYNAMODB, set by the bench runner), with the service's document client (exact numbers).
 */
export async function createBenchTable(prefix: string): Promise<BenchTable> {
  const client = new DynamoDBClient({});
  const tableName = `bench-${prefix}-${randomUUID().slice(0, 8)}`;
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return { client, document: createDocumentClient(), tableName };
}
