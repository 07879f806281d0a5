import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local';

declare global {
  // `var`: a globalThis slot shared between jest's globalSetup and globalTeardown
  var __dynamoDbLocal: DynamoDbLocal | undefined;
}

/** One DynamoDB Local for the whole run; each test file creates its own uniquely named table. */
export default async function setup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Tied to this process: a run killed before its teardown (Ctrl-C, a closed pipe) leaves no Java behind.
  const engine = await startDynamoDbLocal({ tiedToParent: true });
  globalThis.__dynamoDbLocal = engine;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = engine.endpoint;
  process.env.AWS_REGION = 'local';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_DEV = 'false';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_TRACE_ENABLED = 'false';
}
