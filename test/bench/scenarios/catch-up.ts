import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ingestionConfigFrom } from '../../../lib/ingestion/ingestion-config';
import { runTick } from '../../../lib/ingestion/run-tick';
import { tickDependencies } from '../../../lib/ingestion/tick-dependencies';
import { datasetItem, explicitDataset } from '../../../lib/mock-upstream/dataset';
import { contractLimit } from '../../../lib/mock-upstream/mock-settings';
import { createMockTransactionApi } from '../../../lib/mock-upstream/transaction-api';
import { keys } from '../../../lib/store/table-schema';
import type { TransactionSource } from '../../../lib/ingestion/ports';
import { startMockUpstreamServer } from '../../../infra/local/mock-upstream-server';
import { ingestionSchedule } from '../../../infra/definitions/schedule';
import { createBenchTable } from '../support/bench-table';
import { warmUpDynamoDbLocal } from '../support/engine-warm-up';
import { countDynamoDbCalls } from '../support/dynamodb-calls';
import { ingestedPerMinute } from '../support/budget-use';
import { median, rounded } from '../support/percentiles';
import { spreadTransactions } from '../support/synthetic-transactions';
import { ticksAtFixedRate } from '../support/tick-cadence';
import { progress, type BenchOptions, type ScenarioResult } from '../scenario-result';

const PAGE = 1000;
const USERS = 300;
/** What the budget allows: 5 calls of 1000 per (scaled) minute. */
const ITEMS_PER_MINUTE = ingestionSchedule.upstreamCallsPerWindow * PAGE;

/**
 * Figure 1: catching up a backlog. The mock Transaction API (over HTTP, its 5-calls-a-minute
 * limit scaled by TIME_SCALE) holds an explicit backlog; the real tick (runTick with the real
 * client, call slots, writer and cursor in DynamoDB Local) pages through it at the scaled
 * cadence. Efficiency = transactions ingested per scaled minute ÷ 5000 while behind (see
 * support/budget-use.ts for how the span is measured).
 */
export async function catchUp(options: BenchOptions): Promise<ScenarioResult> {
  const timeScale = options.quick ? 5 : 2;
  const backlog = 20_500;
  await warmUpDynamoDbLocal();
  const nowMs = Date.now();
  const transactions = spreadTransactions({ count: backlog, users: USERS, fromMs: nowMs - 2 * 3_600_000, stepMs: 3_600_000 / backlog, idPrefix: 'backlog' });
  const statuses = new Map<number, number>();
  const api = createMockTransactionApi({ dataset: explicitDataset(transactions.map(datasetItem)), limit: contractLimit(timeScale) });
  const server = await startMockUpstreamServer((request) => {
    const response = api(request);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    return response;
  });
  const table = await createBenchTable('catch-up');
  try {
    const config = ingestionConfigFrom({
      TABLE_NAME: table.tableName,
      TRANSACTIONS_API_URL: server.url,
      INGEST_FROM: new Date(nowMs - 3 * 3_600_000).toISOString(),
      TIME_SCALE: String(timeScale),
    });
    const deps = tickDependencies(config, { store: table, holder: 'bench-catch-up' });
    const dynamoDb = countDynamoDbCalls(table.document);
    const calls: { atMs: number; items: number }[] = [];
    const recorded: TransactionSource = {
      fetchPage: async (window, page) => {
        const atMs = Date.now();
        const result = await deps.source.fetchPage(window, page);
        calls.push({ atMs, items: result.records.length });
        return result;
      },
    };
    const periodMs = (ingestionSchedule.periodSeconds * 1000) / ingestionSchedule.ticksPerExecution / timeScale;
    progress(
      `catch-up: ${backlog} transactions, TIME_SCALE ${timeScale} (a tick every ${periodMs} ms, ${ingestionSchedule.upstreamCallsPerWindow} calls per ${60 / timeScale} s)`,
    );
    const ticks = await ticksAtFixedRate(() => runTick({ ...deps, source: recorded }), {
      periodMs,
      maxTicks: Math.ceil(backlog / PAGE) + 15,
      done: (report) => report.outcome === 'applied' && report.fetched < PAGE,
    });

    const requests = Object.fromEntries(dynamoDb.byCommand);
    const transactItems = dynamoDb.transactItems;
    const { Item: cursor } = await table.document.send(new GetCommand({ TableName: table.tableName, Key: keys.cursor(), ConsistentRead: true }));
    const applied = Number(cursor?.counters?.applied ?? 0);
    if (applied !== backlog) throw new Error(`catch-up applied ${applied} of ${backlog} transactions`);

    const { perMinute: perScaledMinute, fullPages, spanMs } = ingestedPerMinute(calls, PAGE, 60_000 / timeScale);
    const outcomes = new Map<string, number>();
    for (const tick of ticks) {
      const outcome = tick.report?.outcome ?? 'failed';
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    const wallMs = ticks[ticks.length - 1]!.endedAtMs - ticks[0]!.startedAtMs;
    const tickMs = ticks.filter((tick) => tick.report?.fetched === PAGE).map((tick) => tick.endedAtMs - tick.startedAtMs);
    const outcomeText = [...outcomes].map(([name, count]) => `${name} ${count}`).join(', ');
    const rejected = statuses.get(429) ?? 0;
    progress(
      `catch-up: ${fullPages} full pages in ${(spanMs / 1000).toFixed(1)} s of calls, ${Math.round(perScaledMinute)} per scaled minute; ticks: ${outcomeText}; 429s: ${rejected}`,
    );
    return {
      figures: {
        catchUpEfficiency: rounded(perScaledMinute / ITEMS_PER_MINUTE, 4),
        catchUpTransactionsPerScaledMinute: Math.round(perScaledMinute),
        catchUpRejectedCalls: rejected,
        catchUpTimeScale: timeScale,
        catchUpMaxTickMs: Math.round(Math.max(...tickMs)),
        catchUpMedianTickMs: Math.round(median(tickMs)),
        transactItemsPerTransaction: rounded(transactItems / backlog, 3),
      },
      labels: { catchUpEfficiency: `catch-up efficiency (${backlog} backlog, TIME_SCALE ${timeScale})` },
      notes: [
        `catch-up: ${backlog} transactions over ${USERS} users; ${fullPages} full pages in ${(spanMs / 1000).toFixed(1)} s of calls; ticks every ${periodMs} ms (fixed rate); outcomes: ${outcomeText}; upstream 429s: ${rejected}; wall ${(wallMs / 1000).toFixed(1)} s; slowest full-page tick ${Math.round(Math.max(...tickMs))} ms; DynamoDB requests ${JSON.stringify(requests)}, ${transactItems} items in transactions (${(transactItems / backlog).toFixed(3)} per transaction: a marker each plus one aggregate update per user and page)`,
      ],
    };
  } finally {
    await server.close();
    table.client.destroy();
  }
}
