import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The yardstick of the cold-init figures: a handler that only creates a DynamoDBDocumentClient
 * and sends one GetItem, bundled exactly as the service's functions are.
 */
const document = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: { userId?: string }) =>
  (await document.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: `USER#${event.userId ?? ''}`, sk: 'AGGREGATE' } }))).Item ?? null;
