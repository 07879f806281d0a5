import * as z from 'zod';
import { upstreamContract } from '../core/upstream-contract';
import type { TransactionDataset } from './dataset';
import { generatedDataset } from './generated-dataset';
import { SlidingWindowLimit } from './rate-limit';
import { seedExampleTransactions } from './seed-example';
import { MAX_USERS, MINUTE_MS, type TrafficSettings } from './traffic';
import { createMockTransactionApi, type MockTransactionApi } from './transaction-api';

/** The mock's knobs (environment variables), documented in the README. */
const knobsSchema = z.object({
  MOCK_SEED: z.string().min(1).default('transaction-aggregation-demo'),
  MOCK_USERS: z.coerce.number().int().min(0).max(MAX_USERS).default(200),
  MOCK_TX_PER_MINUTE: z.coerce.number().min(0).max(100_000).default(120),
  MOCK_HISTORY_MINUTES: z.coerce.number().min(0).default(5),
  MOCK_STARTED_AT: z.iso.datetime({ offset: true }).optional(),
  MOCK_EXAMPLES_AT: z.iso.datetime({ offset: true }).optional(),
  TIME_SCALE: z.coerce.number().positive().default(1),
});

export interface MockSettings {
  seed: string;
  users: number;
  transactionsPerMinute: number;
  /** The instant the mock "went live": history starts MOCK_HISTORY_MINUTES before it. */
  startedAtMs: number;
  historyMinutes: number;
  /** When the seed example's first transaction was created. */
  examplesAtMs: number;
  /** Divides the rate limit's window (60 s), like the rest of the local runtime. */
  timeScale: number;
}

/** The example sits a few minutes before the start, so the very first window picks it up. */
export const EXAMPLES_BEFORE_START_MS = 3 * MINUTE_MS;
/** The date of the example in the service description: the deployed mock's default. */
export const SEED_EXAMPLE_DATE = '2023-03-16T12:33:11.000Z';

/** Reads the knobs; `startedAtMs` and `examplesAtMs` are the defaults when the environment names none. */
export function mockSettingsFrom(environment: NodeJS.ProcessEnv, defaults: { startedAtMs: number; examplesAtMs?: number }): MockSettings {
  const parsed = knobsSchema.safeParse(environment);
  if (!parsed.success) {
    throw new Error(`Invalid mock setting: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const knobs = parsed.data;
  const startedAtMs = knobs.MOCK_STARTED_AT ? Date.parse(knobs.MOCK_STARTED_AT) : defaults.startedAtMs;
  const examplesAtMs = knobs.MOCK_EXAMPLES_AT ? Date.parse(knobs.MOCK_EXAMPLES_AT) : (defaults.examplesAtMs ?? startedAtMs - EXAMPLES_BEFORE_START_MS);
  return {
    seed: knobs.MOCK_SEED,
    users: knobs.MOCK_USERS,
    transactionsPerMinute: knobs.MOCK_TX_PER_MINUTE,
    startedAtMs,
    historyMinutes: knobs.MOCK_HISTORY_MINUTES,
    examplesAtMs,
    timeScale: knobs.TIME_SCALE,
  };
}

/**
 * Defaults of the deployed mock (a Lambda has no "start" of its own): the start is
 * MOCK_STARTED_AT, else the current hour (stable across containers within the hour); the
 * example keeps the description's own date, so it is served once and forever.
 */
export function deployedMockSettings(environment: NodeJS.ProcessEnv, nowMs: number): MockSettings {
  const hourMs = 60 * MINUTE_MS;
  return mockSettingsFrom(environment, { startedAtMs: Math.floor(nowMs / hourMs) * hourMs, examplesAtMs: Date.parse(SEED_EXAMPLE_DATE) });
}

export const trafficSettings = (settings: MockSettings): TrafficSettings => ({
  seed: settings.seed,
  users: settings.users,
  transactionsPerMinute: settings.transactionsPerMinute,
  historyStartMs: Math.floor((settings.startedAtMs - settings.historyMinutes * MINUTE_MS) / MINUTE_MS) * MINUTE_MS,
});

export interface MockUpstream {
  api: MockTransactionApi;
  dataset: TransactionDataset;
  /** Nothing in the data is older than this (generated history or the example, whichever is first). */
  earliestMs: number;
}

/** The rate limit of the contract (5 calls per 60 s), its window divided by the time scale. */
export const contractLimit = (timeScale: number): SlidingWindowLimit =>
  new SlidingWindowLimit(upstreamContract.callsPerWindow, (upstreamContract.windowSeconds * 1000) / timeScale);

/** The mock over generated traffic plus the seed example. */
export function generatedMockUpstream(settings: MockSettings, nowMs: () => number = Date.now): MockUpstream {
  const traffic = trafficSettings(settings);
  const dataset = generatedDataset(traffic, seedExampleTransactions(settings.examplesAtMs));
  return {
    api: createMockTransactionApi({ dataset, limit: contractLimit(settings.timeScale), nowMs }),
    dataset,
    earliestMs: Math.min(traffic.historyStartMs, Math.floor(settings.examplesAtMs / 1000) * 1000),
  };
}
