import { randomUUID } from 'node:crypto';
import { startLocalStack, type LocalStack } from '../../infra/local/start';
import { startMockUpstreamServer } from '../../infra/local/mock-upstream-server';
import type { RunningServer } from '../../infra/local/http-listener';
import { explicitDataset } from '../../lib/mock-upstream/dataset';
import { contractLimit } from '../../lib/mock-upstream/mock-settings';
import { createMockTransactionApi } from '../../lib/mock-upstream/transaction-api';
import { knownHistory, serverError, tooManyRequests, withFaults } from './support/known-history';
import { aggregateOf, allPayouts, eventually, statusOf } from './support/http';
import { expectedAggregates, expectedPayouts } from './support/reference';

const TIME_SCALE = 30;

/** TRANSACTIONS_API_URL pointed at an upstream whose history the test knows item by item. */
describe('the local stack ingesting from a given Transaction API', () => {
  const history = knownHistory({ endMs: Date.now() - 120_000, minutes: 20, transactions: 2300, users: 60, seed: 7 });
  const faulty = withFaults(createMockTransactionApi({ dataset: explicitDataset(history.items), limit: contractLimit(TIME_SCALE) }), {
    2: tooManyRequests(1),
    4: serverError,
  });
  const expected = expectedAggregates(history.items, (item) => !history.malformed.has(item));
  let upstream: RunningServer;
  let stack: LocalStack;
  const lines: string[] = [];
  const progress = () => lines.slice(-20).join('\n');

  beforeAll(async () => {
    upstream = await startMockUpstreamServer(faulty.handler);
    stack = await startLocalStack({
      port: 0,
      timeScale: TIME_SCALE,
      transactionsApiUrl: upstream.url,
      ingestFrom: new Date(history.startMs - 60_000).toISOString(),
      dynamoDbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      tableName: `e2e-upstream-${randomUUID()}`,
      log: (line) => lines.push(line),
    });
    // Done when the watermark has passed the last transaction (the window closes after its last page).
    await eventually(
      'ingestion passes the end of the history',
      60_000,
      async () => {
        const status = await statusOf(stack.apiUrl);
        return status.watermark && Date.parse(status.watermark) >= history.endMs ? status : undefined;
      },
      progress,
    );
  });
  afterAll(async () => {
    await stack?.stop();
    await upstream?.close();
  });

  it('has every user’s aggregates exactly as the reference fold says', async () => {
    expect(expected.size).toBeGreaterThan(50);
    const actual = new Map<string, unknown>();
    for (const userId of expected.keys()) actual.set(userId, await aggregateOf(stack.apiUrl, userId));
    expect(actual).toEqual(expected);
  });

  it('lists exactly the users with a payout', async () => {
    expect(await allPayouts(stack.apiUrl, 25)).toEqual(expectedPayouts(expected));
  });

  it('does not know users that only sent malformed items', async () => {
    for (const userId of history.unknownUsers) expect(await aggregateOf(stack.apiUrl, userId)).toBe(404);
  });

  it('went through the 429 and the 500, quarantined each malformed item once, and paged the window', async () => {
    const status = await statusOf(stack.apiUrl);
    expect(faulty.calls()).toBeGreaterThanOrEqual(5);
    expect(status.counters.failedCalls).toBeGreaterThanOrEqual(2);
    expect(status.counters.quarantined).toBe(history.malformed.size);
    expect(status.counters.fetched).toBeGreaterThanOrEqual(history.items.length);
    expect(lines.some((line) => line.includes('rate-limited'))).toBe(true);
    expect(lines.some((line) => line.includes('upstream-error'))).toBe(true);
    expect(lines.some((line) => / page 3 /.test(line))).toBe(true);
  });
});
