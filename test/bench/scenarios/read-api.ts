import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { gatewayEvent } from '../../../infra/local/gateway-event';
import { lambdaContext } from '../../../infra/local/lambda-context';
import { sharedDocumentClient } from '../../../lib/store/dynamo-client';
import { keys } from '../../../lib/store/table-schema';
import { createBenchTable } from '../support/bench-table';
import { benchUserIds, putAggregates } from '../support/bulk-load';
import { countDynamoDbCalls, type DynamoDbCalls } from '../support/dynamodb-calls';
import { generateLoad } from '../support/load-generator';
import { median, percentile, rounded } from '../support/percentiles';
import { startReadApi, timedRequests } from '../support/read-api-server';
import { progress, type BenchOptions, type ScenarioResult } from '../scenario-result';

const CONNECTIONS = 8;
const READ_USERS = 10_000;
/** Requests before the timed ones of each payouts measurement (the first one also warms the JIT up). */
const WARM_UP = 20;

/** C workers each sending one request after another for a while, over the users in turn; latency of each. */
async function closedLoop(userIds: readonly string[], connections: number, durationMs: number, request: (userId: string, sequence: number) => Promise<void>) {
  const latencies: number[] = [];
  const deadline = Date.now() + durationMs;
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        const sequence = next++;
        const t = performance.now();
        await request(userIds[sequence % userIds.length]!, sequence);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { requests: latencies.length, seconds: (Date.now() - started) / 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** GetItem back to back, through the client the read Lambdas share. */
function rawGetItems(tableName: string, userIds: readonly string[], connections: number, durationMs: number) {
  const document = sharedDocumentClient();
  return closedLoop(userIds, connections, durationMs, async (userId) => {
    const { Item } = await document.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.aggregate(userId),
        ProjectionExpression: '#earned, #spent, #payout, #paidOut',
        ExpressionAttributeNames: { '#earned': 'earned', '#spent': 'spent', '#payout': 'payout', '#paidOut': 'paidOut' },
      }),
    );
    if (!Item) throw new Error(`no aggregate for ${userId}`);
  });
}

/**
 * The GET /aggregatedData/{userId} handler invoked in-process with the event API Gateway would
 * send: what a Lambda container runs per request, without the local HTTP server.
 */
async function inProcessHandler(userIds: readonly string[], connections: number, durationMs: number) {
  const { handler } = await import('../../../functions/get-user-aggregate');
  const route = { routeKey: 'GET /aggregatedData/{userId}' };
  return closedLoop(userIds, connections, durationMs, async (userId, sequence) => {
    const event = gatewayEvent(
      { method: 'GET', url: `/aggregatedData/${userId}`, headers: { host: '127.0.0.1' }, sourceIp: '127.0.0.1' },
      { ...route, pathParameters: { userId } },
      `bench-${sequence}`,
      Date.now(),
    );
    const response = await handler(event, lambdaContext('get-user-aggregate', 5000));
    if (response.statusCode !== 200) throw new Error(`handler answered ${response.statusCode} for ${userId}`);
  });
}

/**
 * Figure 4 in alternating rounds (HTTP for a while, then raw GetItem), so a change in background
 * load affects both sides alike. Also the server process's CPU per request on each side.
 */
async function readPath(
  url: string,
  tableName: string,
  readers: readonly string[],
  calls: DynamoDbCalls,
  options: { rounds: number; roundSeconds: number },
): Promise<Record<string, number>> {
  const paths = shuffled(readers).map((userId) => `/aggregatedData/${userId}`);
  await timedRequests(`${url}${paths[0]}`, 50);
  // Warm both paths up (JIT, connection pools) before anything counts.
  await generateLoad({ url, paths, connections: CONNECTIONS, durationSeconds: 4 });
  await rawGetItems(tableName, readers, CONNECTIONS, 2000);
  let httpCalls = 0;
  const http = { requests: 0, seconds: 0, cpuMicros: 0, generatorCpuMs: 0, p50: [] as number[], p99: [] as number[] };
  const raw = { requests: 0, seconds: 0, cpuMicros: 0, p50: [] as number[], p99: [] as number[] };
  const inProcess = { requests: 0, seconds: 0, cpuMicros: 0 };
  await inProcessHandler(readers, CONNECTIONS, 1000);
  for (let round = 0; round < options.rounds; round++) {
    let cpu = process.cpuUsage();
    calls.reset();
    const load = await generateLoad({ url, paths, connections: CONNECTIONS, durationSeconds: options.roundSeconds });
    let used = process.cpuUsage(cpu);
    httpCalls += calls.total();
    if (load.non2xx + load.errors > 0) throw new Error(`read path: ${load.non2xx} non-2xx and ${load.errors} errors`);
    Object.assign(http, {
      requests: http.requests + load.requests,
      seconds: http.seconds + load.durationSeconds,
      cpuMicros: http.cpuMicros + used.user + used.system,
      generatorCpuMs: http.generatorCpuMs + load.generatorCpuMs,
    });
    http.p50.push(load.p50Ms);
    http.p99.push(load.p99Ms);
    cpu = process.cpuUsage();
    const direct = await rawGetItems(tableName, shuffled(readers), CONNECTIONS, options.roundSeconds * 1000);
    used = process.cpuUsage(cpu);
    Object.assign(raw, { requests: raw.requests + direct.requests, seconds: raw.seconds + direct.seconds, cpuMicros: raw.cpuMicros + used.user + used.system });
    raw.p50.push(direct.p50);
    raw.p99.push(direct.p99);
    cpu = process.cpuUsage();
    const invoked = await inProcessHandler(shuffled(readers), CONNECTIONS, options.roundSeconds * 1000);
    used = process.cpuUsage(cpu);
    Object.assign(inProcess, {
      requests: inProcess.requests + invoked.requests,
      seconds: inProcess.seconds + invoked.seconds,
      cpuMicros: inProcess.cpuMicros + used.user + used.system,
    });
    progress(
      `read path round ${round + 1}/${options.rounds}: HTTP ${Math.round(load.requestsPerSecond)} req/s (p99 ${load.p99Ms} ms), raw GetItem ${Math.round(direct.requests / direct.seconds)} /s (p99 ${direct.p99.toFixed(1)} ms), handler in-process ${Math.round(invoked.requests / invoked.seconds)} /s`,
    );
  }
  const httpRate = http.requests / http.seconds;
  const rawRate = raw.requests / raw.seconds;
  return {
    readThroughputRatio: rounded(httpRate / rawRate, 3),
    handlerThroughputRatio: rounded(inProcess.requests / inProcess.seconds / rawRate, 3),
    handlerCpuMsPerRequest: rounded(inProcess.cpuMicros / inProcess.requests / 1000, 3),
    readRequestsPerSecond: Math.round(httpRate),
    rawGetItemPerSecond: Math.round(rawRate),
    readP50Ms: median(http.p50),
    readP99Ms: Math.max(...http.p99),
    rawGetItemP50Ms: rounded(median(raw.p50), 2),
    rawGetItemP99Ms: rounded(Math.max(...raw.p99), 2),
    readServerCpuMsPerRequest: rounded(http.cpuMicros / http.requests / 1000, 3),
    rawCpuMsPerRequest: rounded(raw.cpuMicros / raw.requests / 1000, 3),
    readGeneratorCpuMsPerRequest: rounded(http.generatorCpuMs / http.requests, 3),
    dynamoCallsPerAggregateRequest: rounded(httpCalls / http.requests, 3),
  };
}

/** A fixed pseudo-random order of the users, so requests do not walk the key space in order. */
const shuffled = (ids: readonly string[]): string[] =>
  ids
    .map((id, i) => ({ id, key: (i * 2_654_435_761) % 4_294_967_296 }))
    .sort((a, b) => a.key - b.key)
    .map((entry) => entry.id);

/**
 * Figures 4 and 5, through the local read API (HTTP → API Gateway v2 event → the Lambda
 * handler → DynamoDB Local):
 *  4. GET /aggregatedData/{userId} under autocannon (fixed connections, bounded duration) next to
 *     raw GetItem calls through the same SDK client with the same concurrency;
 *  5. the payouts list's first page (limit=1000) with 100, 1,000 and 100,000 users having a
 *     payout: a Query on the sparse index must not slow down as the table grows.
 */
export async function readApi(options: BenchOptions): Promise<ScenarioResult> {
  const table = await createBenchTable('read-api');
  const server = await startReadApi(table.tableName);
  const calls = countDynamoDbCalls(sharedDocumentClient());
  const rounds = options.quick ? 3 : 6;
  const roundSeconds = options.quick ? 3 : 5;
  const samples = options.quick ? 40 : 200;
  try {
    const readers = benchUserIds('reader-', READ_USERS);
    const payees = benchUserIds('payee-', 100_000);
    await putAggregates(table.document, table.tableName, readers, { withPayout: false });
    const payoutsUrl = `${server.url}/aggregatedData/payouts?limit=1000`;
    // The same 100-entry page whatever the total, so only the table's size differs.
    const smallPageUrl = `${server.url}/aggregatedData/payouts?limit=100`;
    // Largest first: a Query on the payout-amount index, read backwards; same 100-entry page.
    const largestFirstUrl = `${server.url}/aggregatedData/payouts?limit=100&sort=-totalPayout`;
    const payouts: Record<number, number[]> = {};
    const smallPages: Record<number, number[]> = {};
    const largestFirst: Record<number, number[]> = {};
    // First, so every payouts measurement below runs in an equally warm process.
    const readFigures = await readPath(server.url, table.tableName, readers, calls, { rounds, roundSeconds });
    const payoutCalls: Record<number, number> = {};
    for (const [from, to] of [
      [0, 100],
      [100, 1_000],
      [1_000, 100_000],
    ] as const) {
      const loading = Date.now();
      await putAggregates(table.document, table.tableName, payees.slice(from, to), { withPayout: true });
      calls.reset();
      payouts[to] = await timedRequests(payoutsUrl, samples, WARM_UP);
      payoutCalls[to] = calls.total() / (samples + WARM_UP);
      smallPages[to] = await timedRequests(smallPageUrl, samples, WARM_UP);
      largestFirst[to] = await timedRequests(largestFirstUrl, samples, WARM_UP);
      progress(`payouts sort=-totalPayout first page (limit=100) with ${to} payout users: p50 ${median(largestFirst[to]!).toFixed(1)} ms`);
      progress(
        `payouts first page with ${to} payout users: p50 ${median(payouts[to]!).toFixed(1)} ms, p99 ${percentile(payouts[to]!, 99).toFixed(1)} ms (loaded ${to - from} in ${((Date.now() - loading) / 1000).toFixed(1)} s)`,
      );
    }
    return {
      figures: {
        ...readFigures,
        payoutsLatencyRatio: rounded(median(smallPages[100_000]!) / median(smallPages[100]!), 3),
        payoutsFullPageLatencyRatio: rounded(median(payouts[100_000]!) / median(payouts[1_000]!), 3),
        payoutsByAmountLatencyRatio: rounded(median(largestFirst[100_000]!) / median(largestFirst[100]!), 3),
        payoutsByAmountP50Ms100: rounded(median(largestFirst[100]!), 2),
        payoutsByAmountP50Ms100k: rounded(median(largestFirst[100_000]!), 2),
        payoutsSmallPageP50Ms100: rounded(median(smallPages[100]!), 2),
        payoutsSmallPageP50Ms100k: rounded(median(smallPages[100_000]!), 2),
        payoutsP50Ms100: rounded(median(payouts[100]!), 2),
        payoutsP50Ms1k: rounded(median(payouts[1_000]!), 2),
        payoutsP50Ms100k: rounded(median(payouts[100_000]!), 2),
        payoutsP99Ms100k: rounded(percentile(payouts[100_000]!, 99), 2),
        dynamoCallsPerPayoutsPage: rounded(payoutCalls[100_000]!, 3),
      },
      notes: [
        `read path: ${rounds} alternating rounds of ${roundSeconds} s (HTTP, then raw GetItem) so background load hits both alike; HTTP: autocannon in its own process, ${CONNECTIONS} connections, ${READ_USERS} users in turn, p50 = median of the rounds' p50, p99 = worst round's p99; raw GetItem: ${CONNECTIONS} concurrent loops on the handlers' shared document client in the server's process; on 2 cores the load generator, the server and DynamoDB Local compete for CPU, so the HTTP path also pays for autocannon (CPU per request: HTTP server ${readFigures.readServerCpuMsPerRequest} ms + autocannon ${readFigures.readGeneratorCpuMsPerRequest} ms, vs raw GetItem loop ${readFigures.rawCpuMsPerRequest} ms; DynamoDB Local's share is alike on both sides)`,
        `payouts: first page, ${samples} sequential requests each after ${WARM_UP} warm-ups; limit=100 (a 100-entry page whatever the total): p50 ${median(smallPages[100]!).toFixed(1)} / ${median(smallPages[1_000]!).toFixed(1)} / ${median(smallPages[100_000]!).toFixed(1)} ms with 100 / 1,000 / 100,000 payout users; limit=1000: p50 ${median(payouts[100]!).toFixed(1)} (100 entries) / ${median(payouts[1_000]!).toFixed(1)} / ${median(payouts[100_000]!).toFixed(1)} ms`,
        `payouts sort=-totalPayout (limit=100, the payout-amount index read backwards): p50 ${median(largestFirst[100]!).toFixed(1)} / ${median(largestFirst[1_000]!).toFixed(1)} / ${median(largestFirst[100_000]!).toFixed(1)} ms with 100 / 1,000 / 100,000 payout users`,
        `handler in-process: the get-user-aggregate handler invoked directly with an API Gateway event, ${CONNECTIONS} concurrent loops, in the same alternating rounds; CPU per request ${readFigures.handlerCpuMsPerRequest} ms vs raw GetItem ${readFigures.rawCpuMsPerRequest} ms (what a Lambda container spends, without the local HTTP server and the load generator)`,
      ],
    };
  } finally {
    await server.close();
  }
}
