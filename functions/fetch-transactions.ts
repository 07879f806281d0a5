import type { Context } from 'aws-lambda';
import { ingestionConfigFrom, type IngestionConfig } from '../lib/ingestion/ingestion-config';
import { runTick, type TickReport } from '../lib/ingestion/run-tick';
import { tickDependencies } from '../lib/ingestion/tick-dependencies';
import { publishTickMetrics } from '../lib/ingestion/tick-metrics';
import { readUpstreamApiKey } from '../lib/ingestion/upstream-api-key';
import { logger, metrics } from '../lib/observability';
import { instrumentDynamoDbClients } from '../lib/store/dynamo-client';
import { tracer } from '../lib/tracing';
import { reportSdkVersion } from '../lib/sdk-version';

// The smoke check of the runtime's AWS SDK (lib/sdk-version.ts).
reportSdkVersion();
// X-Ray subsegments for every DynamoDB call of a tick (the read functions do without: see lib/tracing.ts).
instrumentDynamoDbClients((client) => tracer.captureAWSv3Client(client));

let cold: Promise<{ config: IngestionConfig; apiKey?: string }> | undefined;

/** One ingestion tick, invoked by the state machine ~every 12 s: at most one upstream call. */
export const handler = async (event: unknown, context?: Context): Promise<TickReport> => {
  cold ??= (async () => {
    const config = ingestionConfigFrom(process.env);
    return { config, apiKey: await readUpstreamApiKey(config.apiKeySecretName) };
  })().catch((error: unknown) => {
    cold = undefined;
    throw error;
  });
  const { config, apiKey } = await cold;
  const report = await runTick(tickDependencies(config, { apiKey, holder: context?.awsRequestId ?? `local-${process.pid}` }));
  // A rejected key may have been rotated: the next tick reads the secret again.
  if (report.upstreamStatus === 401 || report.upstreamStatus === 403) cold = undefined;
  publishTickMetrics(metrics, report);
  logger.info('tick', { event, ...report });
  if (report.conflicts) logger.warn('the same (userId, id) listed with other content: the first listing was kept', { conflicts: report.conflicts });
  return report;
};
