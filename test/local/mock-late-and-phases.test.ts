import { explicitDataset, type DatasetItem, type TransactionDataset } from '../../lib/mock-upstream/dataset';
import { generatedMockUpstream, mockSettingsFrom, trafficSettings } from '../../lib/mock-upstream/mock-settings';
import { lateVisibleAt, MINUTE_MS, minuteRate, minuteTraffic, minuteTrafficCount } from '../../lib/mock-upstream/traffic';
import type { MockResponse } from '../../lib/mock-upstream/transaction-api';

const STARTED = Date.parse('2024-05-01T10:00:17.250Z');
const base = { MOCK_USERS: '40', MOCK_TX_PER_MINUTE: '90', MOCK_HISTORY_MINUTES: '30' };
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** Everything a dataset lists between two instants as of `visibleAtMs`, read in pages of an awkward size. */
function everything(dataset: TransactionDataset, fromMs: number, toMs: number, visibleAtMs: number, pageSize = 137): DatasetItem[] {
  const items: DatasetItem[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = dataset.slice(fromMs, toMs, offset, pageSize, visibleAtMs);
    items.push(...page);
    if (page.length < pageSize) return items;
  }
}

describe('mock late listings (MOCK_LATE_FRACTION, MOCK_LATE_SECONDS)', () => {
  const settings = mockSettingsFrom({ ...base, MOCK_LATE_FRACTION: '0.2', MOCK_LATE_SECONDS: '20-50' }, { startedAtMs: STARTED });
  const traffic = trafficSettings(settings);
  const upstream = generatedMockUpstream(settings, () => STARTED);
  /** The whole truth: every item ever (visible or not), with its visibleAt. */
  const truth = everything(upstream.dataset, upstream.earliestMs, STARTED + 10 * MINUTE_MS, Number.POSITIVE_INFINITY);
  const reference = explicitDataset(truth);

  it('defaults to no late listings, and then serves exactly the data it served before the knob existed', () => {
    const plain = mockSettingsFrom(base, { startedAtMs: STARTED });
    expect(plain.late).toEqual({ fraction: 0, minSeconds: 20, maxSeconds: 50 });
    const items = everything(generatedMockUpstream(plain).dataset, STARTED - 40 * MINUTE_MS, STARTED, STARTED);
    expect(items.length).toBeGreaterThan(1000);
    expect(items.filter((item) => item.visibleAt !== undefined)).toEqual([]);
    // The same transactions as with late listings on, only none of them late.
    expect(items.map((item) => item.id)).toEqual(truth.filter((item) => item.at <= STARTED).map((item) => item.id));
  });

  it('makes about that fraction of the generated items late, each by a whole number of seconds within the range', () => {
    const generated = truth.filter((item) => item.at >= traffic.historyStartMs);
    const late = generated.filter((item) => item.visibleAt !== undefined);
    expect(late.length / generated.length).toBeGreaterThan(0.17);
    expect(late.length / generated.length).toBeLessThan(0.23);
    const delays = late.map((item) => (item.visibleAt! - item.at) / 1000);
    for (const delay of delays) {
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(20);
      expect(delay).toBeLessThanOrEqual(50);
    }
    expect(Math.min(...delays)).toBe(20);
    expect(Math.max(...delays)).toBe(50);
  });

  it('never makes the seed example late', () => {
    const example = truth.filter((item) => ['074092', '074093'].includes(item.record.userId as string));
    expect(example).toHaveLength(6);
    expect(example.every((item) => item.visibleAt === undefined)).toBe(true);
  });

  it('is deterministic from MOCK_SEED: the same transactions are late by the same delays, another seed picks others', () => {
    const minute = Math.floor(STARTED / MINUTE_MS) - 3;
    const lateOf = (seed: string) => {
      const other = trafficSettings(mockSettingsFrom({ ...base, MOCK_SEED: seed, MOCK_LATE_FRACTION: '0.2' }, { startedAtMs: STARTED }));
      return minuteTraffic(other, minute).map((transaction) => [transaction.id, lateVisibleAt(other, transaction)]);
    };
    expect(lateOf('a')).toEqual(lateOf('a'));
    expect(lateOf('a')).not.toEqual(lateOf('b'));
  });

  it('lists a late item only from its visibleAt on, counting and paging exactly as an explicit dataset of the same items', () => {
    const late = truth.filter((item) => item.visibleAt !== undefined && item.at > STARTED - 3 * MINUTE_MS && item.at < STARTED);
    expect(late.length).toBeGreaterThan(5);
    const bounds: [number, number][] = [
      [upstream.earliestMs, STARTED],
      [STARTED - 2 * MINUTE_MS - 7_000, STARTED - 13_000],
      [STARTED - 61_000, STARTED - 59_000],
    ];
    for (const visibleAtMs of [STARTED - 90_000, STARTED - 30_000, STARTED, STARTED + 20_000, STARTED + 60_000]) {
      for (const [fromMs, toMs] of bounds) {
        expect(upstream.dataset.count(fromMs, toMs, visibleAtMs)).toBe(reference.count(fromMs, toMs, visibleAtMs));
        expect(everything(upstream.dataset, fromMs, toMs, visibleAtMs, 997).map((item) => item.id)).toEqual(
          everything(reference, fromMs, toMs, visibleAtMs, 997).map((item) => item.id),
        );
      }
    }
    const one = late[0]!;
    const window = (visibleAtMs: number) => upstream.dataset.slice(one.at, one.at + 999, 0, 1000, visibleAtMs).map((item) => item.id);
    expect(window(one.visibleAt! - 1)).not.toContain(one.id);
    expect(window(one.visibleAt!)).toContain(one.id);
  });

  it('shows a late arrival through the API once it has arrived, under a createdAt already read', () => {
    const one = truth.find((item) => item.visibleAt !== undefined && item.at < STARTED - MINUTE_MS)!;
    let now = one.visibleAt! - 1000;
    const api = generatedMockUpstream(settings, () => now).api;
    const ask = (): MockResponse =>
      api({ method: 'GET', path: '/transactions', query: new URLSearchParams({ startDate: stamp(one.at), endDate: stamp(one.at) }) });
    const before = JSON.parse(ask().body) as { items: { id: string }[]; meta: { totalItems: number } };
    now = one.visibleAt!;
    const after = JSON.parse(ask().body) as { items: { id: string }[]; meta: { totalItems: number } };
    expect(before.items.map((item) => item.id)).not.toContain(one.id);
    expect(after.items.map((item) => item.id)).toContain(one.id);
    expect(after.meta.totalItems).toBeGreaterThan(before.meta.totalItems);
  });

  it('reads "30" as always 30 s, and rejects fractions and ranges that make no sense', () => {
    expect(mockSettingsFrom({ MOCK_LATE_SECONDS: '30' }, { startedAtMs: 0 }).late).toEqual({ fraction: 0, minSeconds: 30, maxSeconds: 30 });
    expect(mockSettingsFrom({ MOCK_LATE_FRACTION: '1', MOCK_LATE_SECONDS: '' }, { startedAtMs: 0 }).late).toEqual({
      fraction: 1,
      minSeconds: 20,
      maxSeconds: 50,
    });
    expect(() => mockSettingsFrom({ MOCK_LATE_FRACTION: '1.5' }, { startedAtMs: 0 })).toThrow('MOCK_LATE_FRACTION');
    expect(() => mockSettingsFrom({ MOCK_LATE_FRACTION: '-0.1' }, { startedAtMs: 0 })).toThrow('MOCK_LATE_FRACTION');
    for (const bad of ['50-20', '0-10', '1.5', 'soon', '20-', '10-3601']) {
      expect(() => mockSettingsFrom({ MOCK_LATE_SECONDS: bad }, { startedAtMs: 0 })).toThrow('MOCK_LATE_SECONDS');
    }
  });
});

describe('mock traffic phases (MOCK_PHASES)', () => {
  const settings = mockSettingsFrom({ ...base, MOCK_TX_PER_MINUTE: '5', MOCK_PHASES: '30m@4000, 10m@80' }, { startedAtMs: STARTED });
  const traffic = trafficSettings(settings);
  /** The minute of the start: the first phase begins there. */
  const first = Math.floor(STARTED / MINUTE_MS);

  it("runs each phase for its duration from the start (MOCK_STARTED_AT), then repeats the cycle; the history before it plays the cycle's end", () => {
    expect(settings.phases).toEqual([
      { minutes: 30, transactionsPerMinute: 4000 },
      { minutes: 10, transactionsPerMinute: 80 },
    ]);
    const rates = Array.from({ length: 90 }, (_, m) => minuteRate(traffic, first + m));
    expect(rates.slice(0, 30).every((rate) => rate === 4000)).toBe(true);
    expect(rates.slice(30, 40).every((rate) => rate === 80)).toBe(true);
    expect(rates.slice(40, 70).every((rate) => rate === 4000)).toBe(true);
    expect(rates.slice(70, 80).every((rate) => rate === 80)).toBe(true);
    expect(rates[80]).toBe(4000);
    // MOCK_HISTORY_MINUTES (30) before the start: the last 10 minutes at 80, the 20 before at 4000.
    expect(minuteRate(traffic, first - 1)).toBe(80);
    expect(minuteRate(traffic, first - 10)).toBe(80);
    expect(minuteRate(traffic, first - 11)).toBe(4000);
    expect(traffic.historyStartMs / MINUTE_MS).toBe(first - 30);
  });

  it('overrides MOCK_TX_PER_MINUTE: the generated counts follow the phase (0.5x to 1.5x of its rate)', () => {
    for (let m = 0; m < 45; m++) {
      const count = minuteTrafficCount(traffic, first + m);
      const rate = m < 30 || m >= 40 ? 4000 : 80;
      expect(count).toBeGreaterThanOrEqual(rate * 0.5);
      expect(count).toBeLessThanOrEqual(rate * 1.5 + 1);
    }
    // Built minutes hold what was counted (a few only: a busy minute takes a while to build).
    for (const m of [29, 30, 39, 40]) expect(minuteTraffic(traffic, first + m)).toHaveLength(minuteTrafficCount(traffic, first + m));
  });

  it('reads hours, a single phase (constant traffic) and an empty value (unset)', () => {
    expect(mockSettingsFrom({ MOCK_PHASES: '2h@10' }, { startedAtMs: 0 }).phases).toEqual([{ minutes: 120, transactionsPerMinute: 10 }]);
    expect(mockSettingsFrom({ MOCK_PHASES: '' }, { startedAtMs: 0 }).phases).toBeUndefined();
    const constant = trafficSettings(mockSettingsFrom({ MOCK_PHASES: '7m@33' }, { startedAtMs: STARTED }));
    expect(new Set(Array.from({ length: 30 }, (_, m) => minuteRate(constant, first + m)))).toEqual(new Set([33]));
  });

  it('rejects phases that make no sense, naming MOCK_PHASES', () => {
    for (const bad of ['30@4000', '0m@5', '5m@200000', '5m@', '5m@-3', '5s@100', '10m@80,,']) {
      expect(() => mockSettingsFrom({ MOCK_PHASES: bad }, { startedAtMs: 0 })).toThrow('MOCK_PHASES');
    }
  });
});
