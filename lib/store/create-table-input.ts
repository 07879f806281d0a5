import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { globalSecondaryIndexes, keyAttributes, tableSchema } from './table-schema';

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
    GlobalSecondaryIndexes: globalSecondaryIndexes.map(globalSecondaryIndexInput),
  };
}

/** One index of table-schema.ts as CreateTable / UpdateTable describe it. */
export function globalSecondaryIndexInput(index: (typeof globalSecondaryIndexes)[number]) {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.nonKeyAttributes] },
  };
}
