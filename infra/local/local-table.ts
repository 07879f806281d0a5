import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { createTableInput, globalSecondaryIndexInput } from '../../lib/store/create-table-input';
import { globalSecondaryIndexes, keyAttributes } from '../../lib/store/table-schema';

/**
 * Creates the service's table (the shared schema) unless a persisted one is already there. A
 * persisted table from before an index existed gets it added (DynamoDB Local builds it at once);
 * its old aggregates get their index keys with infra/ops/backfill-payout-keys.ts.
 */
export async function ensureTable(endpoint: string, tableName: string): Promise<'created' | 'existing' | 'upgraded'> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
      const missing = globalSecondaryIndexes.filter((index) => !present.has(index.name));
      for (const index of missing) {
        await client.send(
          new UpdateTableCommand({
            TableName: tableName,
            AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
            GlobalSecondaryIndexUpdates: [{ Create: globalSecondaryIndexInput(index) }],
          }),
        );
      }
      return missing.length > 0 ? 'upgraded' : 'existing';
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });
    return 'created';
  } finally {
    client.destroy();
  }
}
