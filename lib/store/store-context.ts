import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every store adapter needs: a document client and the table's name. */
export interface StoreContext {
  document: DynamoDBDocumentClient;
  tableName: string;
}

export const isConditionalCheckFailure = (error: unknown): boolean => (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

/** A TransactWriteItems refused as a whole (a condition failed, or a conflict): nothing of it was written. */
export const isTransactionCancellation = (error: unknown): boolean => (error as { name?: string } | undefined)?.name === 'TransactionCanceledException';
