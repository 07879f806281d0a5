import { gatewayEvent } from '../../../infra/local/gateway-event';
import { lambdaContext } from '../../../infra/local/lambda-context';
import type { Transaction } from '../../../lib/core/transaction';
import { createAggregateWriter } from '../../../lib/store/aggregate-writer';
import { createBenchTable } from '../support/bench-table';
import { rounded } from '../support/percentiles';
import { progress, type BenchOptions, type ScenarioResult } from '../scenario-result';

const USERS = 500;
/** Clients polling their own balance once per (simulated) second. */
const POLLERS = 200;
/** One ingestion tick per 12 polls (the 12 s cadence at one poll per second). */
const POLLS_PER_TICK = 12;
/** Users whose aggregate one tick changes (2 % of them). */
const CHANGED_PER_TICK = 10;

/**
 * The share of 304 answers when clients poll like an app showing a balance: every client sends
 * If-None-Match with the ETag it last got, once a second; ingestion changes a few users' sums
 * every 12 s (through the real aggregate writer, so Last-Modified and the payout keys move as in
 * production). Also a dashboard polling the first page of sort=-totalPayout the same way. The
 * handlers are invoked in-process with API Gateway events, against DynamoDB Local.
 */
export async function conditionalPolling(options: BenchOptions): Promise<ScenarioResult> {
  const table = await createBenchTable('polling');
  process.env.TABLE_NAME = table.tableName;
  const writer = createAggregateWriter(table, {
    nowMs: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    markerTtlSeconds: 3600,
    concurrency: 16,
  });
  const userIds = Array.from({ length: USERS }, (_, i) => `poll-${String(i).padStart(5, '0')}`);
  let sequence = 1;
  let txId = 0;
  const tx = (userId: string, type: Transaction['type'], amount: string): Transaction => ({
    userId,
    id: `t${txId++}`,
    type,
    amount,
    createdAt: '2024-01-01T00:00:00.000Z',
  });
  await writer.apply(
    sequence++,
    userIds.flatMap((userId, i) => [tx(userId, 'earned', `${100 + i}`), tx(userId, 'payout', `${1 + (i % 37)}.5`)]),
  );
  const { handler: getUser } = await import('../../../functions/get-user-aggregate');
  const { handler: listPayouts } = await import('../../../functions/list-payouts');
  const ticks = options.quick ? 5 : 15;
  const etags = new Map<string, string>();
  let dashboardEtag: string | undefined;
  const counts = { user: { polls: 0, notModified: 0 }, payouts: { polls: 0, notModified: 0 } };
  let request = 0;
  const invoke = async (handler: typeof getUser, url: string, route: string, pathParameters: Record<string, string> | undefined, etag: string | undefined) => {
    const event = gatewayEvent(
      { method: 'GET', url, headers: { host: '127.0.0.1', ...(etag ? { 'if-none-match': etag } : {}) }, sourceIp: '127.0.0.1' },
      { routeKey: route, pathParameters: pathParameters ?? {} },
      `poll-${request++}`,
      Date.now(),
    );
    const response = await handler(event, lambdaContext('polling', 5000));
    if (response.statusCode !== 200 && response.statusCode !== 304) throw new Error(`${url} answered ${response.statusCode}`);
    return { status: response.statusCode, etag: response.headers?.ETag as string | undefined };
  };
  for (let tick = 0; tick < ticks; tick++) {
    for (let poll = 0; poll < POLLS_PER_TICK; poll++) {
      await Promise.all(
        userIds.slice(0, POLLERS).map(async (userId) => {
          const answer = await invoke(getUser, `/aggregatedData/${userId}`, 'GET /aggregatedData/{userId}', { userId }, etags.get(userId));
          counts.user.polls++;
          if (answer.status === 304) counts.user.notModified++;
          if (answer.etag) etags.set(userId, answer.etag);
        }),
      );
      const page = await invoke(listPayouts, '/aggregatedData/payouts?sort=-totalPayout&limit=100', 'GET /aggregatedData/payouts', undefined, dashboardEtag);
      counts.payouts.polls++;
      if (page.status === 304) counts.payouts.notModified++;
      dashboardEtag = page.etag ?? dashboardEtag;
    }
    // One ingestion tick: a few users (spread over the pollers and the rest) get new transactions.
    const changed = Array.from({ length: CHANGED_PER_TICK }, (_, i) => userIds[(tick * 131 + i * 53) % USERS]!);
    await writer.apply(
      sequence++,
      changed.map((userId, i) => tx(userId, i % 2 ? 'spent' : 'payout', '0.5')),
    );
    progress(
      `tick ${tick + 1}/${ticks}: user polls ${counts.user.polls}, 304 ${counts.user.notModified}; dashboard polls ${counts.payouts.polls}, 304 ${counts.payouts.notModified}`,
    );
  }
  const share = counts.user.notModified / counts.user.polls;
  return {
    figures: {
      notModifiedShare: rounded(share, 4),
      notModifiedShareDashboard: rounded(counts.payouts.notModified / counts.payouts.polls, 4),
    },
    notes: [
      `conditional polling: ${POLLERS} clients polling their balance once per simulated second with If-None-Match, ${ticks} ingestion ticks every ${POLLS_PER_TICK} polls each changing ${CHANGED_PER_TICK} of ${USERS} users (${((CHANGED_PER_TICK / USERS) * 100).toFixed(0)} %): ${counts.user.notModified} of ${counts.user.polls} answers were 304 (${(share * 100).toFixed(1)} %; the first poll of each client is a 200 by construction); a dashboard polling sort=-totalPayout&limit=100 the same way: ${counts.payouts.notModified} of ${counts.payouts.polls} were 304`,
    ],
  };
}
