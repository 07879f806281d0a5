import Big from 'big.js';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { explicitDataset, type DatasetItem } from '../../lib/mock-upstream/dataset';
import { generatedDataset } from '../../lib/mock-upstream/generated-dataset';
import { deployedMockSettings, generatedMockUpstream, mockSettingsFrom, SEED_EXAMPLE_DATE, trafficSettings } from '../../lib/mock-upstream/mock-settings';
import { seedExampleAggregates, seedExampleTransactions, seedExampleUserIds, sharedTransactionId } from '../../lib/mock-upstream/seed-example';
import { generatedUserId, MAX_USERS, MINUTE_MS, minuteTraffic, type TrafficSettings } from '../../lib/mock-upstream/traffic';

const STARTED = Date.parse('2024-05-01T10:00:17.250Z');
const settings = mockSettingsFrom({ MOCK_USERS: '40', MOCK_TX_PER_MINUTE: '90', MOCK_HISTORY_MINUTES: '30' }, { startedAtMs: STARTED });

interface Record {
  id: string;
  userId: string;
  type: 'earned' | 'spent' | 'payout' | 'paidOut';
  amount: { toString(): string };
}
const recordOf = (item: DatasetItem) => item.record as unknown as Record;

/** Everything a dataset holds between two instants, read in pages of an awkward size. */
function everything(dataset: ReturnType<typeof generatedDataset>, fromMs: number, toMs: number, pageSize = 137): DatasetItem[] {
  const items: DatasetItem[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = dataset.slice(fromMs, toMs, offset, pageSize);
    items.push(...page);
    if (page.length < pageSize) return items;
  }
}

function sumsOf(items: DatasetItem[], userId: string) {
  const seen = new Set<string>();
  const sums = { earned: new Big(0), spent: new Big(0), payout: new Big(0), paidOut: new Big(0) };
  for (const record of items.map(recordOf)) {
    if (record.userId !== userId || seen.has(record.id)) continue;
    seen.add(record.id);
    sums[record.type] = sums[record.type].plus(record.amount.toString());
  }
  return {
    balance: sums.earned.minus(sums.spent).toFixed(),
    earned: sums.earned.toFixed(),
    spent: sums.spent.toFixed(),
    payout: sums.payout.toFixed(),
    paidOut: sums.paidOut.toFixed(),
  };
}

describe('generated mock data', () => {
  const upstream = generatedMockUpstream(settings, () => STARTED);
  const all = everything(upstream.dataset, upstream.earliestMs, STARTED);

  it('holds the seed example exactly: 074092 and 074093 sum to the aggregates of the service description', () => {
    expect(sumsOf(all, '074092')).toEqual(seedExampleAggregates['074092']);
    expect(sumsOf(all, '074093')).toEqual(seedExampleAggregates['074093']);
  });

  it('places the example a few minutes before the start, inside what the first window reads', () => {
    const example = all.filter((item) => seedExampleUserIds.includes(recordOf(item).userId as (typeof seedExampleUserIds)[number]));
    expect(example).toHaveLength(seedExampleTransactions(0).length);
    for (const item of example) {
      expect(item.at).toBeGreaterThanOrEqual(upstream.earliestMs);
      expect(item.at).toBeLessThan(STARTED);
      expect(STARTED - item.at).toBeLessThanOrEqual(5 * MINUTE_MS);
    }
  });

  it('keeps the quirk of one transaction id used by two different users', () => {
    const owners = all.filter((item) => recordOf(item).id === sharedTransactionId).map((item) => recordOf(item).userId);
    expect(owners.sort()).toEqual(['074092', '074093']);
  });

  it('never gives a generated transaction to one of the example users', () => {
    const example = new Set(seedExampleTransactions(0).map((t) => `${t.userId}/${t.id}`));
    const generated = all.filter((item) => !example.has(`${recordOf(item).userId}/${recordOf(item).id}`));
    expect(generated.length).toBeGreaterThan(30 * 45);
    expect(generated.filter((item) => ['074092', '074093'].includes(recordOf(item).userId))).toEqual([]);
    const clashes: number[] = [];
    for (let k = 0; k < MAX_USERS; k++) if (Number(generatedUserId('any seed', k)) < 100_000) clashes.push(k);
    expect(clashes).toEqual([]);
  });

  it('gives distinct users distinct ids', () => {
    const ids = Array.from({ length: 5000 }, (_, k) => generatedUserId(settings.seed, k));
    expect(new Set(ids).size).toBe(5000);
    expect(ids.every((id) => /^[1-9]\d{5}$/.test(id))).toBe(true);
  });

  it('looks like real traffic: all four types, positive amounts with at most two decimals, about the configured rate', () => {
    const generated = all.filter((item) => !['074092', '074093'].includes(recordOf(item).userId));
    expect(new Set(generated.map((item) => recordOf(item).type))).toEqual(new Set(['earned', 'spent', 'payout', 'paidOut']));
    for (const item of generated) expect(recordOf(item).amount.toString()).toMatch(/^[1-9]\d*(\.\d{1,2})?$/);
    const perMinute = generated.length / 30;
    expect(perMinute).toBeGreaterThan(90 * 0.8);
    expect(perMinute).toBeLessThan(90 * 1.2);
  });

  it('is a pure function of the seed and time: a second instance serves the same data, another seed other data', () => {
    const again = generatedMockUpstream(
      mockSettingsFrom({ MOCK_USERS: '40', MOCK_TX_PER_MINUTE: '90', MOCK_HISTORY_MINUTES: '30' }, { startedAtMs: STARTED }),
      () => STARTED,
    );
    expect(everything(again.dataset, again.earliestMs, STARTED).map((item) => item.record)).toEqual(all.map((item) => item.record));
    const other = minuteTraffic({ ...trafficSettings(settings), seed: 'another seed' }, Math.floor(STARTED / MINUTE_MS) - 1);
    expect(other.map((t) => t.id)).not.toEqual(minuteTraffic(trafficSettings(settings), Math.floor(STARTED / MINUTE_MS) - 1).map((t) => t.id));
  });

  it('starts its history MOCK_HISTORY_MINUTES before the start, on a minute', () => {
    const traffic = trafficSettings(settings);
    expect(traffic.historyStartMs).toBe(Date.parse('2024-05-01T09:30:00.000Z'));
    expect(minuteTraffic(traffic, traffic.historyStartMs / MINUTE_MS - 1)).toEqual([]);
    expect(minuteTraffic(traffic, traffic.historyStartMs / MINUTE_MS).length).toBeGreaterThan(0);
  });
});

describe('generated dataset paging', () => {
  // Counting skips whole minutes without building them; it must agree with what is built.
  const traffic: TrafficSettings = { seed: 'paging', users: 25, transactionsPerMinute: 40, historyStartMs: Date.parse('2024-05-01T09:00:00Z') };
  const examples = seedExampleTransactions(Date.parse('2024-05-01T08:00:05Z')); // before the traffic starts
  const generated = generatedDataset(traffic, examples);
  const end = Date.parse('2024-05-01T09:20:00Z');
  const reference = explicitDataset(everything(generated, Date.parse('2024-05-01T07:00:00Z'), end, 1000));

  it.each([
    ['the whole history', '2024-05-01T07:00:00Z', '2024-05-01T09:19:59.999Z'],
    ['bounds inside minutes', '2024-05-01T09:03:17Z', '2024-05-01T09:11:42.999Z'],
    ['one second', '2024-05-01T09:05:30Z', '2024-05-01T09:05:30.999Z'],
    ['a stretch before the traffic holding only the example', '2024-05-01T08:00:00Z', '2024-05-01T08:59:59.999Z'],
    ['a stretch with nothing', '2024-05-01T08:30:00Z', '2024-05-01T08:45:00.999Z'],
  ])('counts and pages %s like a plain list of the same items', (_, from, to) => {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    expect(generated.count(fromMs, toMs)).toBe(reference.count(fromMs, toMs));
    for (const [offset, limit] of [
      [0, 50],
      [33, 100],
      [217, 1000],
      [10_000, 10],
    ] as const) {
      expect(generated.slice(fromMs, toMs, offset, limit)).toEqual(reference.slice(fromMs, toMs, offset, limit));
    }
  });

  it('sorts every page by createdAt, then id', () => {
    const items = everything(generated, Date.parse('2024-05-01T07:00:00Z'), end, 89);
    const disorder = items.filter((item, i) => i > 0 && (items[i - 1]!.at > item.at || (items[i - 1]!.at === item.at && items[i - 1]!.id > item.id)));
    expect(disorder).toEqual([]);
    expect(items.length).toBeGreaterThan(20 * 20);
  });
});

describe('the deployed mock (functions/mock-transaction-api.ts)', () => {
  const event = (rawQueryString: string): APIGatewayProxyEventV2 =>
    ({
      version: '2.0',
      routeKey: 'GET /transactions',
      rawPath: '/transactions',
      rawQueryString,
      headers: {},
      requestContext: { http: { method: 'GET', path: '/transactions' } },
      isBase64Encoded: false,
    }) as unknown as APIGatewayProxyEventV2;

  it('serves the example on its own date by default, reading the raw query string (+ is a space)', async () => {
    const { handler } = await import('../../functions/mock-transaction-api');
    const day = SEED_EXAMPLE_DATE.slice(0, 10);
    const result = await handler(event(`startDate=${day}+00:00:00&endDate=${day}+23:59:59&page=1`));
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body!) as { items: { userId: string }[]; meta: { totalItems: number } };
    expect(body.meta.totalItems).toBe(seedExampleTransactions(0).length);
    expect(new Set(body.items.map((item) => item.userId))).toEqual(new Set(['074092', '074093']));
    expect((await handler(event('startDate=yesterday'))).statusCode).toBe(400);
  });

  it('anchors its history at MOCK_STARTED_AT, or else at the current hour (stable across containers)', () => {
    const now = Date.parse('2024-05-01T10:41:09Z');
    expect(deployedMockSettings({}, now).startedAtMs).toBe(Date.parse('2024-05-01T10:00:00Z'));
    expect(deployedMockSettings({ MOCK_STARTED_AT: '2024-04-01T00:00:00Z' }, now).startedAtMs).toBe(Date.parse('2024-04-01T00:00:00Z'));
    expect(deployedMockSettings({}, now).examplesAtMs).toBe(Date.parse(SEED_EXAMPLE_DATE));
  });

  it('rejects knobs that make no sense', () => {
    expect(() => mockSettingsFrom({ MOCK_USERS: 'many' }, { startedAtMs: 0 })).toThrow('MOCK_USERS');
    expect(() => mockSettingsFrom({ MOCK_TX_PER_MINUTE: '-1' }, { startedAtMs: 0 })).toThrow('MOCK_TX_PER_MINUTE');
  });
});
