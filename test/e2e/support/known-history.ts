import { LosslessNumber } from 'lossless-json';
import { datasetItem, type DatasetItem } from '../../../lib/mock-upstream/dataset';
import type { MockRequest, MockResponse, MockTransactionApi } from '../../../lib/mock-upstream/transaction-api';
import { integerBetween, seededRandom } from '../../../lib/mock-upstream/seeded-random';

const types = ['earned', 'spent', 'payout', 'paidOut'] as const;
const awkwardAmounts = ['0.1', '0.2', '0.7', '1.005', '12.34', '99.99', '1000', '0.01', '123456789.12', '3'];

export interface KnownHistory {
  items: DatasetItem[];
  /** Items the service must quarantine (never counted). */
  malformed: Set<DatasetItem>;
  startMs: number;
  endMs: number;
  /** Users that appear only in malformed items: the service must not know them. */
  unknownUsers: string[];
}

/**
 * A Transaction API history with everything the contract warns about: several pages in one
 * window, the same transaction repeated (side by side and minutes apart), the same id for two
 * users, decimals that floats get wrong, and malformed items of every kind.
 */
export function knownHistory(options: { endMs: number; minutes: number; transactions: number; users: number; seed: number }): KnownHistory {
  const random = seededRandom(options.seed);
  const startMs = options.endMs - options.minutes * 60_000;
  const at = () => startMs + Math.floor((random() * (options.endMs - startMs)) / 1000) * 1000;
  const user = () => `u${String(integerBetween(random, 1, options.users)).padStart(4, '0')}`;
  const items: DatasetItem[] = [];
  for (let i = 0; i < options.transactions; i++) {
    items.push(
      datasetItem({
        id: `t-${options.seed}-${i}`,
        userId: user(),
        createdAt: new Date(at()).toISOString(),
        type: types[integerBetween(random, 0, 3)]!,
        amount: random() < 0.3 ? awkwardAmounts[integerBetween(random, 0, awkwardAmounts.length - 1)]! : String(integerBetween(random, 1, 50_000) / 100),
      }),
    );
  }
  // The same transaction served twice in a row, and again minutes later.
  for (const original of items.slice(0, 40)) items.push({ ...original });
  for (const original of items.slice(40, 60)) {
    const later = Math.min(options.endMs, original.at + 180_000);
    items.push({ ...original, at: later, record: { ...original.record, createdAt: new Date(later).toISOString() } });
  }
  // One id, two users.
  for (const original of items.slice(60, 70)) {
    const record = original.record as { userId: string };
    items.push({ ...original, record: { ...original.record, userId: record.userId === 'u0001' ? 'u0002' : 'u0001' } });
  }
  const bad = (id: string, record: Record<string, unknown>): DatasetItem => ({ at: at(), id, record });
  const malformedItems = [
    bad('m1', { id: 'm1', createdAt: new Date(at()).toISOString(), type: 'earned', amount: new LosslessNumber('5') }),
    bad('m2', { id: 'm2', userId: 'has space', createdAt: new Date(at()).toISOString(), type: 'earned', amount: new LosslessNumber('5') }),
    bad('m3', { id: 'm3', userId: 'u0003', createdAt: new Date(at()).toISOString(), type: 'earned', amount: new LosslessNumber('-5') }),
    bad('m4', { id: 'm4', userId: 'u0004', createdAt: new Date(at()).toISOString(), type: 'earned', amount: '12.5' }),
    bad('m5', { id: 'm5', userId: 'u0005', createdAt: new Date(at()).toISOString(), type: 'refund', amount: new LosslessNumber('5') }),
    bad('m6', { id: 'm6', userId: 'u0006', createdAt: 'yesterday', type: 'spent', amount: new LosslessNumber('5') }),
    bad('m7', { userId: 'u0007', createdAt: new Date(at()).toISOString(), type: 'spent', amount: new LosslessNumber('5') }),
    bad('m8', { id: 'm8', userId: 'u0008', createdAt: new Date(at()).toISOString(), type: 'payout', amount: new LosslessNumber('0.1234567890123') }),
    bad('m9', { id: 'm9', userId: 'only-malformed', createdAt: new Date(at()).toISOString(), type: 'payout', amount: null }),
    bad('m10', { id: 'm10', userId: 'only-malformed', createdAt: new Date(at()).toISOString(), type: 'payout' }),
  ];
  items.push(...malformedItems);
  return { items, malformed: new Set(malformedItems), startMs, endMs: options.endMs, unknownUsers: ['only-malformed'] };
}

/** Wraps the mock so that chosen calls to /transactions fail (1-based call numbers). */
export function withFaults(
  api: MockTransactionApi,
  faults: Record<number, MockResponse>,
): { handler: (request: MockRequest) => MockResponse; calls: () => number } {
  let calls = 0;
  return {
    handler: (request) => {
      if (request.path === '/transactions') {
        calls++;
        const fault = faults[calls];
        if (fault) return fault;
      }
      return api(request);
    },
    calls: () => calls,
  };
}

export const tooManyRequests = (retryAfterSeconds: number): MockResponse => ({
  status: 429,
  headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) },
  body: '{"statusCode":429,"message":"slow down"}',
});

export const serverError: MockResponse = { status: 500, headers: { 'content-type': 'text/html' }, body: '<html>upstream exploded</html>' };
