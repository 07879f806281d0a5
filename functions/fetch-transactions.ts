import type { Context } from 'aws-lambda';
import { ingestionConfigFrom, type IngestionConfig } from '../lib/ingestion/ingestion-config';
import { runTick, type TickReport } from '../lib/ingestion/run-tick';
import { tickDependencies } from '../lib/ingestion/tick-dependencies';
import { recordTickMetrics } from '../lib/ingestion/tick-metrics';
import { upstreamApiKey } from '../lib/ingestion/upstream-api-key';
import { logger, metrics } from '../lib/observability';
import { instrumentDynamoDbClients } from '../lib/store/dynamo-client';
import { taskHandler } from '../lib/task-handler';
import { tracer } from '../lib/tracing';

// X-Ray subsegments for every DynamoDB call of a tick (the read functions do without: see lib/tracing.ts).
instrumentDynamoDbClients((client) => tracer.captureAWSv3Client(client));

/** Read once per container; a bad environment fails the invocation and is read again by the next. */
let config: IngestionConfig | undefined;
const apiKey = upstreamApiKey();

/** One ingestion tick, invoked by the state machine ~every 12 s: at most one upstream call. */
async function tick(event: unknown, context: Context): Promise<TickReport> {
  config ??= ingestionConfigFrom(process.env);
  const key = await apiKey.read(config.apiKeySecret);
  const report = await runTick(tickDependencies(config, { apiKey: key, holder: context.awsRequestId ?? `local-${process.pid}` }));
  apiKey.answered(report.upstreamStatus);
  recordTickMetrics(metrics, report);
  logger.info('tick', { event, ...report });
  if (report.conflicts) logger.warn('the same (userId, id) listed with other content: the first listing was kept', { conflicts: report.conflicts });
  return report;
}

export const handler = taskHandler(tick);
