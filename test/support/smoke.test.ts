import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { createTestTable } from './dynamodb-table';

test('DynamoDB Local creates the table from the shared schema, with its sparse payout index', async () => {
  const table = await createTestTable();
  const described = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
  expect(described.Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('payoutIndex');
  await table.drop();
});
