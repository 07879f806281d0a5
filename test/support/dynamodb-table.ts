import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTableInput } from '../../lib/store/create-table-input';

/** A fresh table in the run's DynamoDB Local (endpoint from AWS_ENDPOINT_URL_DYNAMODB). */
export async function createTestTable(): Promise<{ client: DynamoDBClient; document: DynamoDBDocumentClient; tableName: string; drop(): Promise<void> }> {
  const client = new DynamoDBClient({});
  const tableName = `test-${randomUUID()}`;
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  const document = DynamoDBDocumentClient.from(client);
  return {
    client,
    document,
    tableName,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}
