import { randomUUID } from 'node:crypto';
import { startLocalStack, type LocalStack } from '../../infra/local/start';
import { seedExampleAggregates } from '../../lib/mock-upstream/seed-example';
import { aggregateOf, allPayouts, eventually, statusOf } from './support/http';
import { expectedAggregates, expectedPayouts } from './support/reference';

/**
 * `npm start` in miniature: the stack with its built-in mock, 20 times faster than real time
 * (ticks every 0.6 s, the rate limits per 3 s; data timestamps stay real).
 */
describe('the local stack with its built-in mock Transaction API', () => {
  let stack: LocalStack;
  const lines: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      timeScale: 20,
      // Reuse the test run's DynamoDB Local; a table of our own.
      dynamoDbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      tableName: `e2e-mock-${randomUUID()}`,
      mock: { environment: { MOCK_SEED: 'e2e', MOCK_USERS: '40', MOCK_TX_PER_MINUTE: '240', MOCK_HISTORY_MINUTES: '4' } },
      log: (line) => lines.push(line),
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  /** On a timeout, the last progress lines tell what ingestion was doing. */
  const progress = () => lines.slice(-15).join('\n');

  it('answers the two examples of the service description exactly', async () => {
    const answered = await eventually(
      'the examples are answered',
      30_000,
      async () => {
        const user = await aggregateOf(stack.apiUrl, '074092');
        const payouts = await allPayouts(stack.apiUrl);
        const example = payouts.filter((entry) => entry.userId === '074092' || entry.userId === '074093');
        return typeof user === 'object' && example.length === 2 ? { user, example } : undefined;
      },
      progress,
    );
    expect(answered.user).toEqual(seedExampleAggregates['074092']);
    expect(answered.example).toEqual([
      { userId: '074092', totalPayout: '30' },
      { userId: '074093', totalPayout: '40' },
    ]);
    expect(await aggregateOf(stack.apiUrl, '074093')).toEqual(seedExampleAggregates['074093']);
  });

  it('serves a payout list equal to the mock data up to the watermark, while traffic keeps arriving', async () => {
    const dataset = stack.mock!.dataset;
    const from = Date.parse(stack.ingestFrom!);
    // Between ticks everything up to the watermark (inclusive second) is applied and nothing after it:
    // read the list between two equal watermarks and compare it with the data up to there.
    const { payouts, watermark } = await eventually(
      'a quiet moment to compare at',
      30_000,
      async () => {
        const before = await statusOf(stack.apiUrl);
        const list = await allPayouts(stack.apiUrl, 7); // small pages: the Link chain is followed too
        const after = await statusOf(stack.apiUrl);
        if (!before.watermark || before.watermark !== after.watermark) return undefined;
        const upTo = Date.parse(before.watermark) + 999;
        const expected = expectedPayouts(expectedAggregates(dataset.slice(from, upTo, 0, Number.MAX_SAFE_INTEGER)));
        return JSON.stringify(list) === JSON.stringify(expected) ? { payouts: list, watermark: before.watermark } : undefined;
      },
      progress,
    );
    const upTo = Date.parse(watermark) + 999;
    const items = dataset.slice(from, upTo, 0, Number.MAX_SAFE_INTEGER);
    expect(payouts).toEqual(expectedPayouts(expectedAggregates(items)));
    expect(payouts.length).toBeGreaterThan(20);
    // Ingestion moved past where it started, tick by tick. (How far the watermark trails the wall
    // clock is a bench figure, watermarkLagMaxSeconds in test/bench/scenarios/freshness.ts: no test asserts a time.)
    expect(Date.parse(watermark)).toBeGreaterThan(from);
    expect(lines.some((line) => / tick \d\/5 applied /.test(line))).toBe(true);
  });
});
