import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { keyAttributes, tableSchema } from './table-schema';

/** CreateTable input equivalent to the CDK table (used by DynamoDB Local and tests). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: tableSchema.payoutIndex.name,
        KeySchema: [
          { AttributeName: tableSchema.payoutIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableSchema.payoutIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['payout'] },
      },
    ],
  };
}
