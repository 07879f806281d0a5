import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The document client every store adapter uses. Money stays exact: numbers are read back as
 * `NumberValue` (their decimal text), never as floats. The SDK honours AWS_ENDPOINT_URL_DYNAMODB
 * itself, so the same code talks to DynamoDB Local.
 */
export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  const client = instrument(new DynamoDBClient(config));
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { wrapNumbers: true },
  });
}

/**
 * A hook on every client created from now on (the fetch function passes the Powertools tracer's
 * `captureAWSv3Client`). The read functions leave it alone, so they never load the X-Ray SDK.
 */
let instrument: (client: DynamoDBClient) => DynamoDBClient = (client) => client;
export function instrumentDynamoDbClients(hook: (client: DynamoDBClient) => DynamoDBClient): void {
  instrument = hook;
}

let shared: DynamoDBDocumentClient | undefined;

/** One client per container (connections are reused across invocations). */
export function sharedDocumentClient(): DynamoDBDocumentClient {
  shared ??= createDocumentClient();
  return shared;
}
