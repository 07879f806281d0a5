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
  /**
   * Traffic that changes over time (MOCK_PHASES): each phase lasts whole minutes at its own mean
   * rate; the cycle starts at `phasesFromMs` and repeats (before it too: the history before the
   * start plays the end of the cycle). Overrides `transactionsPerMinute`.
   */
  phases?: readonly TrafficPhase[];
  /** Where the first phase begins (floored to the minute): the mock's start. Default: the history's start. */
  phasesFromMs?: number;
  /** Late listings (MOCK_LATE_FRACTION, MOCK_LATE_SECONDS): a share of the items is listed only some seconds after its createdAt. */
  late?: LateListings;
}

export interface TrafficPhase {
  minutes: number;
  transactionsPerMinute: number;
}

export interface LateListings {
  /** Share of generated transactions that arrive late, 0..1. */
  fraction: number;
  /** Each late one is listed a whole number of seconds in [minSeconds, maxSeconds] after its createdAt. */
  minSeconds: number;
  maxSeconds: number;
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

/** The mean rate of one minute: its phase's, or the one constant rate. */
export function minuteRate(settings: TrafficSettings, minute: number): number {
  const phases = settings.phases;
  if (!phases || phases.length === 0) return settings.transactionsPerMinute;
  const cycle = phases.reduce((total, phase) => total + phase.minutes, 0);
  const anchor = Math.floor((settings.phasesFromMs ?? settings.historyStartMs) / MINUTE_MS);
  let into = (((minute - anchor) % cycle) + cycle) % cycle;
  for (const phase of phases) {
    if (into < phase.minutes) return phase.transactionsPerMinute;
    into -= phase.minutes;
  }
  return phases[phases.length - 1]!.transactionsPerMinute;
}

/** How many transactions the minute holds (cheap: two draws, no transaction is built). */
export function minuteTrafficCount(settings: TrafficSettings, minute: number): number {
  const rate = minuteRate(settings, minute);
  if (minute < firstTrafficMinute(settings) || rate <= 0 || settings.users <= 0) return 0;
  return countFrom(minuteRandom(settings, minute), rate);
}

/**
 * When a generated transaction is listed: undefined when on time, else an epoch ms
 * `late.minSeconds..late.maxSeconds` after its createdAt. Drawn from (seed, id), so the same
 * seed always makes the same transactions late by the same delay.
 */
export function lateVisibleAt(settings: TrafficSettings, transaction: Pick<MockTransaction, 'id' | 'createdAt'>): number | undefined {
  const late = settings.late;
  if (!late || late.fraction <= 0) return undefined;
  const random = randomFor(settings.seed, 'late', transaction.id);
  if (random() >= late.fraction) return undefined;
  return Date.parse(transaction.createdAt) + integerBetween(random, late.minSeconds, late.maxSeconds) * 1000;
}

/** The longest delay of a late listing (0 when none is late): minutes older than this are fully listed. */
export const maxLateMs = (settings: TrafficSettings): number => (settings.late && settings.late.fraction > 0 ? settings.late.maxSeconds * 1000 : 0);

/** The minute's transactions (unsorted): whole seconds, skewed user activity, amounts in cents. */
export function minuteTraffic(settings: TrafficSettings, minute: number): MockTransaction[] {
  const rate = minuteRate(settings, minute);
  if (minute < firstTrafficMinute(settings) || rate <= 0 || settings.users <= 0) return [];
  const random = minuteRandom(settings, minute);
  const count = countFrom(random, rate);
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
