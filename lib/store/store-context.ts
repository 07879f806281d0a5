import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every store adapter needs: a document client and the table's name. */
export interface StoreContext {
  document: DynamoDBDocumentClient;
  tableName: string;
}

export const isConditionalCheckFailure = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
