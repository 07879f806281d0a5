import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../observability';

/**
 * The document client every store adapter uses. Money stays exact: numbers are read back as
 * `NumberValue` (their decimal text), never as floats. The SDK honours AWS_ENDPOINT_URL_DYNAMODB
 * itself, so the same code talks to DynamoDB Local.
 */
export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  const client = tracer.captureAWSv3Client(new DynamoDBClient(config));
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { wrapNumbers: true },
  });
}

let shared: DynamoDBDocumentClient | undefined;

/** One client per container (connections are reused across invocations). */
export function sharedDocumentClient(): DynamoDBDocumentClient {
  shared ??= createDocumentClient();
  return shared;
}
