import path from 'node:path';
import type { TickReport } from '../../lib/ingestion/run-tick';
import type { TransactionDataset } from '../../lib/mock-upstream/dataset';
import { contractLimit, generatedMockUpstream, mockSettingsFrom, mockSummary, type MockSettings } from '../../lib/mock-upstream/mock-settings';
import { createMockTransactionApi } from '../../lib/mock-upstream/transaction-api';
import { sharedDocumentClient } from '../../lib/store/dynamo-client';
import { ingestionSchedule } from '../definitions/schedule';
import { startApiServer } from './api-server';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import type { RunningServer } from './http-listener';
import { lambdaContext } from './lambda-context';
import { ensureTable } from './local-table';
import { persistedMockStart } from './mock-start-time';
import { refuseFaultRecordWrites } from './refusing-writes';
import { startMockUpstreamServer } from './mock-upstream-server';
import { failedTickLine, progressLine } from './progress-line';
import { startScheduler, type Scheduler } from './scheduler';

export interface LocalStackOptions {
  /** Read API port (PORT, default 3000; 0 picks a free one). */
  port?: number;
  /** TIME_SCALE: divides the 12 s cadence, the minute schedule and both 60 s rate windows. */
  timeScale?: number;
  /** DATA_DIR: persist DynamoDB Local (and the mock's start) here; in memory when absent. */
  dataDir?: string;
  /** TRANSACTIONS_API_URL: ingest from this Transaction API instead of the built-in mock. */
  transactionsApiUrl?: string;
  /** INGEST_FROM (ISO): the first watermark; default a minute before the mock's oldest data. */
  ingestFrom?: string;
  /** The built-in mock: its knobs (MOCK_*), or an explicit dataset instead of generated traffic. */
  mock?: { environment?: NodeJS.ProcessEnv; dataset?: TransactionDataset; port?: number };
  /** Use this DynamoDB endpoint (tests) instead of starting DynamoDB Local. */
  dynamoDbEndpoint?: string;
  tableName?: string;
  /** Where the banner and progress lines go (default stdout). */
  log?: (line: string) => void;
}

export interface LocalStack {
  apiUrl: string;
  /** Base URL of the Transaction API being ingested (the mock's, or TRANSACTIONS_API_URL). */
  upstreamUrl: string;
  dynamoDbEndpoint: string;
  tableName: string;
  ingestFrom?: string;
  /** The built-in mock's dataset and settings (absent with TRANSACTIONS_API_URL). */
  mock?: { dataset: TransactionDataset; settings?: MockSettings; earliestMs?: number };
  stop(): Promise<void>;
}

type FetchHandler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<TickReport>;

/**
 * The whole service on one machine: DynamoDB Local, the mock Transaction API (unless a real
 * one is named), the tick loop state machine executed locally against the fetch handler, and
 * the read API's handlers behind a local HTTP server. The handlers run in this process and read
 * their configuration from process.env (set here), as in Lambda: one stack per process.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const timeScale = options.timeScale ?? 1;
  const tableName = options.tableName ?? 'transaction-aggregation';
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((error: unknown) => log(`shutdown: ${(error as Error).message}`));
  };

  try {
    let dynamoDbEndpoint = options.dynamoDbEndpoint;
    if (!dynamoDbEndpoint) {
      const engine: DynamoDbLocal = await startDynamoDbLocal({ dataDir: options.dataDir && path.join(options.dataDir, 'dynamodb'), tiedToParent: true });
      stops.push(() => engine.stop());
      dynamoDbEndpoint = engine.endpoint;
    }
    // 'upgraded': a persisted table got a new index; run infra/ops/backfill-payout-keys.ts for its old aggregates.
    const table = await ensureTable(dynamoDbEndpoint, tableName);

    let upstreamUrl = options.transactionsApiUrl;
    let mock: LocalStack['mock'];
    let ingestFrom = options.ingestFrom;
    if (!upstreamUrl) {
      const builtIn = await startBuiltInMock(options, timeScale);
      stops.push(() => builtIn.server.close());
      upstreamUrl = builtIn.server.url;
      mock = builtIn.mock;
      if (!ingestFrom && builtIn.mock.earliestMs !== undefined) ingestFrom = new Date(builtIn.mock.earliestMs - 60_000).toISOString();
    }

    setHandlerEnvironment({ tableName, upstreamUrl, ingestFrom, timeScale, dynamoDbEndpoint });
    const fetchModule = (await import(path.resolve(__dirname, '../../functions/fetch-transactions'))) as { handler: FetchHandler };
    // The mock's stuck-record / refused-record faults need a table that fails that record's write.
    if (mock?.settings) refuseFaultRecordWrites(sharedDocumentClient(), mock.settings.faults);
    const ticks = ingestionSchedule.ticksPerExecution;
    const scheduler: Scheduler = startScheduler({
      timeScale,
      invokeFetch: (payload) => fetchModule.handler(payload, lambdaContext('fetch-transactions', ingestionSchedule.fetchTimeoutSeconds * 1000)),
      onTickResult: (tick, report) => log(progressLine(tick, ticks, report as TickReport, Date.now())),
      onTickError: (tick, error) => log(failedTickLine(tick, ticks, error, Date.now())),
      onExecutionError: (error) => log(`state machine execution failed: ${(error as Error).message}`),
    });
    stops.push(() => scheduler.stop());

    const api = await startApiServer({
      port: options.port ?? 3000,
      onHandlerError: (route, error) => log(`${route.handler} failed: ${(error as Error).stack ?? String(error)}`),
    });
    stops.push(() => api.close());
    await api.preload().catch((error: unknown) => log(`warning: a read API handler could not be loaded: ${(error as Error).message}`));

    log(
      banner({
        apiUrl: api.url,
        upstreamUrl,
        mockSettings: mock?.settings,
        dynamoDbEndpoint,
        tableName,
        table,
        dataDir: options.dataDir,
        timeScale,
        ingestFrom,
      }),
    );
    return { apiUrl: api.url, upstreamUrl, dynamoDbEndpoint, tableName, ingestFrom, mock, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The mock Transaction API over generated traffic (its knobs from the environment), or over the given dataset. */
async function startBuiltInMock(options: LocalStackOptions, timeScale: number): Promise<{ server: RunningServer; mock: NonNullable<LocalStack['mock']> }> {
  const dataset = options.mock?.dataset;
  if (dataset) {
    const server = await startMockUpstreamServer(createMockTransactionApi({ dataset, limit: contractLimit(timeScale) }), options.mock?.port ?? 0);
    return { server, mock: { dataset } };
  }
  const environment = options.mock?.environment ?? process.env;
  const settings = mockSettingsFrom({ ...environment, TIME_SCALE: String(timeScale) }, { startedAtMs: persistedMockStart(options.dataDir, Date.now()) });
  const upstream = generatedMockUpstream(settings);
  const server = await startMockUpstreamServer(upstream.api, options.mock?.port ?? 0);
  return { server, mock: { dataset: upstream.dataset, settings, earliestMs: upstream.earliestMs } };
}

/** The environment the Lambda functions would get from CDK, pointed at the local pieces. */
function setHandlerEnvironment(values: { tableName: string; upstreamUrl: string; ingestFrom?: string; timeScale: number; dynamoDbEndpoint: string }): void {
  Object.assign(process.env, {
    TABLE_NAME: values.tableName,
    TRANSACTIONS_API_URL: values.upstreamUrl,
    TIME_SCALE: String(values.timeScale),
    AWS_ENDPOINT_URL_DYNAMODB: values.dynamoDbEndpoint,
    // DynamoDB Local accepts any credentials; these keep the SDK from looking for real ones.
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  if (values.ingestFrom) process.env.INGEST_FROM = values.ingestFrom;
  // Quiet Powertools unless asked otherwise: the progress lines say what happens.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
  process.env.POWERTOOLS_DEV ??= 'false';
}

function banner(facts: {
  apiUrl: string;
  upstreamUrl: string;
  mockSettings?: MockSettings;
  dynamoDbEndpoint: string;
  tableName: string;
  table: string;
  dataDir?: string;
  timeScale: number;
  ingestFrom?: string;
}): string {
  const mock = facts.mockSettings;
  const upstream = mock
    ? `${facts.upstreamUrl}/transactions  (mock: ${mockSummary(mock)}, history from ${new Date(mock.startedAtMs - mock.historyMinutes * 60_000).toISOString()})`
    : `${facts.upstreamUrl}`;
  return [
    '',
    'Transaction aggregation service, running locally',
    `  Read API          ${facts.apiUrl}   (Swagger UI: ${facts.apiUrl}/api/docs, freshness: ${facts.apiUrl}/status)`,
    `  Transaction API   ${upstream}`,
    `  DynamoDB Local    ${facts.dynamoDbEndpoint}  (${facts.dataDir ? `data in ${facts.dataDir}` : 'in memory'}, table "${facts.tableName}" ${facts.table})`,
    `  Ingestion         5 ticks per ${60 / facts.timeScale} s, one every ~${12 / facts.timeScale} s (TIME_SCALE ${facts.timeScale}), from ${facts.ingestFrom ?? 'INGEST_FROM default'}`,
    '',
    'Try:',
    `  curl ${facts.apiUrl}/aggregatedData/074092`,
    `  curl ${facts.apiUrl}/aggregatedData/payouts`,
    '',
    'Ctrl-C stops (the tick in flight finishes first).',
    '',
  ].join('\n');
}
