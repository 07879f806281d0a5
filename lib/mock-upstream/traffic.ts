import type { TransactionType } from '../core/transaction';
import type { MockTransaction } from './dataset';
import { hash32, integerBetween, randomFor, uuidFrom, type Random } from './seeded-random';

/** What the synthetic traffic looks like; every value in it is a pure function of these settings. */
export interface TrafficSettings {
  seed: string;
  /** Distinct users that transact (ids are 6 digits, 100000-999999). */
  users: number;
  /** Mean transactions per minute (each minute draws between half and one and a half times this). */
  transactionsPerMinute: number;
  /** No traffic before this instant (floored to the minute). */
  historyStartMs: number;
}

export const MINUTE_MS = 60_000;
export const MAX_USERS = 900_000;

/** Share of each type and its amount range in cents. */
const typeMix: readonly { type: TransactionType; share: number; minCents: number; maxCents: number }[] = [
  { type: 'earned', share: 0.45, minCents: 500, maxCents: 25_000 },
  { type: 'spent', share: 0.33, minCents: 100, maxCents: 12_000 },
  { type: 'payout', share: 0.13, minCents: 1_000, maxCents: 20_000 },
  { type: 'paidOut', share: 0.09, minCents: 1_000, maxCents: 20_000 },
];

/**
 * The user id of the k-th generated user: distinct for k < 900000 (7919 is prime to 900000) and
 * never below 100000, so never one of the example's users (074092, 074093).
 */
export function generatedUserId(seed: string, k: number): string {
  return String(100_000 + ((k * 7919 + userOffset(seed)) % MAX_USERS));
}

const userOffsets = new Map<string, number>();
function userOffset(seed: string): number {
  let offset = userOffsets.get(seed);
  if (offset === undefined) {
    offset = hash32(`users\u0000${seed}`) % MAX_USERS;
    userOffsets.set(seed, offset);
  }
  return offset;
}

const countFrom = (random: Random, mean: number): number => {
  const drawn = mean * (0.5 + random());
  return Math.floor(drawn) + (random() < drawn - Math.floor(drawn) ? 1 : 0);
};

const minuteRandom = (settings: TrafficSettings, minute: number): Random => randomFor(settings.seed, 'minute', minute);

const firstTrafficMinute = (settings: TrafficSettings): number => Math.floor(settings.historyStartMs / MINUTE_MS);

/** How many transactions the minute holds (cheap: two draws, no transaction is built). */
export function minuteTrafficCount(settings: TrafficSettings, minute: number): number {
  if (minute < firstTrafficMinute(settings) || settings.transactionsPerMinute <= 0 || settings.users <= 0) return 0;
  return countFrom(minuteRandom(settings, minute), settings.transactionsPerMinute);
}

/** The minute's transactions (unsorted): whole seconds, skewed user activity, amounts in cents. */
export function minuteTraffic(settings: TrafficSettings, minute: number): MockTransaction[] {
  if (minute < firstTrafficMinute(settings) || settings.transactionsPerMinute <= 0 || settings.users <= 0) return [];
  const random = minuteRandom(settings, minute);
  const count = countFrom(random, settings.transactionsPerMinute);
  const transactions: MockTransaction[] = [];
  for (let i = 0; i < count; i++) {
    const second = integerBetween(random, 0, 59);
    // Squaring skews activity: a few users transact often, most rarely.
    const user = Math.min(settings.users - 1, Math.floor(settings.users * random() ** 2));
    const kind = pickType(random());
    const cents = integerBetween(random, kind.minCents, kind.maxCents);
    transactions.push({
      id: uuidFrom(random),
      userId: generatedUserId(settings.seed, user),
      createdAt: new Date(minute * MINUTE_MS + second * 1000).toISOString(),
      type: kind.type,
      // cents / 100 prints as its exact two-place decimal (12.34, 12.3, 12).
      amount: String(cents / 100),
    });
  }
  return transactions;
}

function pickType(draw: number): (typeof typeMix)[number] {
  let cumulative = 0;
  for (const kind of typeMix) {
    cumulative += kind.share;
    if (draw < cumulative) return kind;
  }
  return typeMix[typeMix.length - 1]!;
}
