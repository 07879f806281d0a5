import * as z from 'zod';
import { upstreamContract } from '../core/upstream-contract';
import type { TransactionDataset } from './dataset';
import { generatedDataset } from './generated-dataset';
import { SlidingWindowLimit } from './rate-limit';
import { extremeRecordItems } from './extreme-records';
import { seedExampleTransactions } from './seed-example';
import { applyFaultTransactions, faultModes, type FaultMode, type MockFaults } from './faults';
import { MAX_USERS, MINUTE_MS, type LateListings, type TrafficPhase, type TrafficSettings } from './traffic';
import { createMockTransactionApi, type MockTransactionApi } from './transaction-api';

const MAX_TX_PER_MINUTE = 100_000;
/**
 * The longest delay of a late listing: an hour. Every minute younger than the longest delay has
 * to be built to be counted, so longer delays would make each request over recent time slow.
 */
const MAX_LATE_SECONDS = 3_600;

/** Empty (`VAR=`) means unset, as everywhere else in the configuration. */
const blankAsUnset = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** `MOCK_LATE_SECONDS`: "20-50" (a range of whole seconds) or "30" (always that delay). */
const lateSecondsSchema = z
  .string()
  .trim()
  .regex(/^\d{1,6}(-\d{1,6})?$/, 'must be whole seconds "min-max" (e.g. 20-50) or one number')
  .transform((text) => {
    const [min, max = min] = text.split('-').map(Number) as [number, number?];
    return { minSeconds: min, maxSeconds: max };
  })
  .refine((range) => range.minSeconds >= 1 && range.minSeconds <= range.maxSeconds && range.maxSeconds <= MAX_LATE_SECONDS, {
    message: `must be a range 1 ≤ min ≤ max ≤ ${MAX_LATE_SECONDS}`,
  });

/** `MOCK_PHASES`: "30m@4000,10m@80": comma-separated phases, each a duration (whole minutes `m` or hours `h`) @ tx per minute. */
const phasesSchema = z
  .string()
  .trim()
  .transform((text, context) => {
    const phases: TrafficPhase[] = [];
    for (const part of text.split(',').map((piece) => piece.trim())) {
      const match = /^(\d{1,6})(m|h)@(\d+(?:\.\d+)?)$/.exec(part);
      const minutes = match ? Number(match[1]) * (match[2] === 'h' ? 60 : 1) : 0;
      const rate = match ? Number(match[3]) : Number.NaN;
      if (!match || minutes < 1 || !(rate <= MAX_TX_PER_MINUTE)) {
        context.addIssue({ code: 'custom', message: `phase "${part}" must look like 30m@4000 or 2h@80 (duration ≥ 1m, at most ${MAX_TX_PER_MINUTE} tx/min)` });
        return z.NEVER;
      }
      phases.push({ minutes, transactionsPerMinute: rate });
    }
    return phases;
  });

/** `MOCK_FAULTS`: a comma list of fault modes, e.g. "lying-meta,long-retry-after". */
const faultsSchema = z
  .string()
  .trim()
  .transform((text, context) => {
    const modes = text
      .split(',')
      .map((piece) => piece.trim())
      .filter((piece) => piece !== '');
    const unknown = modes.filter((mode) => !(faultModes as readonly string[]).includes(mode));
    if (unknown.length > 0) {
      context.addIssue({ code: 'custom', message: `unknown fault mode ${unknown.map((mode) => `"${mode}"`).join(', ')} (known: ${faultModes.join(', ')})` });
      return z.NEVER;
    }
    return [...new Set(modes)] as FaultMode[];
  });

/** The mock's knobs (environment variables), documented in the README. */
const knobsSchema = z.object({
  MOCK_SEED: z.string().min(1).default('transaction-aggregation-demo'),
  MOCK_USERS: z.coerce.number().int().min(0).max(MAX_USERS).default(200),
  MOCK_TX_PER_MINUTE: z.coerce.number().min(0).max(MAX_TX_PER_MINUTE).default(120),
  MOCK_PHASES: z.preprocess(blankAsUnset, phasesSchema.optional()),
  MOCK_LATE_FRACTION: z.preprocess(blankAsUnset, z.coerce.number().min(0).max(1).default(0)),
  MOCK_LATE_SECONDS: z.preprocess(blankAsUnset, lateSecondsSchema.default({ minSeconds: 20, maxSeconds: 50 })),
  MOCK_FAULTS: z.preprocess(blankAsUnset, faultsSchema.default([])),
  MOCK_BAD_PAGE_AT: z.preprocess(blankAsUnset, z.iso.datetime({ offset: true }).optional()),
  MOCK_HISTORY_MINUTES: z.coerce.number().min(0).default(5),
  MOCK_STARTED_AT: z.iso.datetime({ offset: true }).optional(),
  MOCK_EXAMPLES_AT: z.iso.datetime({ offset: true }).optional(),
  TIME_SCALE: z.coerce.number().positive().default(1),
});

/** The knobs a deployment may set on the mock (TIME_SCALE is the local runtime's, not the mock's). */
export const mockKnobNames = Object.keys(knobsSchema.shape).filter((name) => name.startsWith('MOCK_'));

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
  /** MOCK_PHASES: traffic that changes over time (overrides `transactionsPerMinute`); absent: constant traffic. */
  phases?: TrafficPhase[];
  /** MOCK_LATE_FRACTION and MOCK_LATE_SECONDS. */
  late: LateListings;
  /** MOCK_FAULTS (and MOCK_BAD_PAGE_AT): a hostile upstream; no modes = a well-behaved one. */
  faults: MockFaults;
}

/** The example sits a few minutes before the start, so the very first window picks it up. */
export const EXAMPLES_BEFORE_START_MS = 3 * MINUTE_MS;
/** Where the bad window of the `bad-page` fault is when MOCK_BAD_PAGE_AT names none: this long after the start. */
export const BAD_PAGE_AFTER_START_MS = MINUTE_MS;
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
    ...(knobs.MOCK_PHASES ? { phases: knobs.MOCK_PHASES } : {}),
    late: { fraction: knobs.MOCK_LATE_FRACTION, ...knobs.MOCK_LATE_SECONDS },
    faults: {
      modes: knobs.MOCK_FAULTS,
      seed: knobs.MOCK_SEED,
      // The window that holds this instant is the bad one: by default a minute after the start, so a demo meets it at once.
      badPageAtMs: knobs.MOCK_BAD_PAGE_AT ? Date.parse(knobs.MOCK_BAD_PAGE_AT) : startedAtMs + BAD_PAGE_AFTER_START_MS,
    },
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

/** One line on what the mock plays (the `npm start` banner): rate or phases, late listings, faults. */
export function mockSummary(settings: MockSettings): string {
  const traffic = settings.phases
    ? `phases ${settings.phases.map((phase) => `${phase.minutes}m@${phase.transactionsPerMinute}`).join(',')} tx/min (repeating)`
    : `${settings.transactionsPerMinute} tx/min`;
  const parts = [`seed "${settings.seed}"`, `${settings.users} users`, traffic];
  if (settings.late.fraction > 0) {
    const { minSeconds, maxSeconds } = settings.late;
    parts.push(`${+(settings.late.fraction * 100).toFixed(2)} % listed late by ${minSeconds === maxSeconds ? minSeconds : `${minSeconds}-${maxSeconds}`} s`);
  }
  if (settings.faults.modes.length > 0) {
    const atInstant = ['bad-page', 'stuck-record', 'refused-record'];
    const modes = settings.faults.modes.map((mode) =>
      atInstant.includes(mode) && settings.faults.badPageAtMs !== undefined ? `${mode} at ${new Date(settings.faults.badPageAtMs).toISOString()}` : mode,
    );
    parts.push(`faults: ${modes.join(', ')}`);
  }
  return parts.join(', ');
}

export const trafficSettings = (settings: MockSettings): TrafficSettings => ({
  seed: settings.seed,
  users: settings.users,
  transactionsPerMinute: settings.transactionsPerMinute,
  historyStartMs: Math.floor((settings.startedAtMs - settings.historyMinutes * MINUTE_MS) / MINUTE_MS) * MINUTE_MS,
  ...(settings.phases ? { phases: settings.phases, phasesFromMs: settings.startedAtMs } : {}),
  late: settings.late,
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

/** The mock over generated traffic plus the seed example (and, with `extreme-records`, the extreme records beside it). */
export function generatedMockUpstream(settings: MockSettings, nowMs: () => number = Date.now): MockUpstream {
  const traffic = trafficSettings(settings);
  const extremes = settings.faults.modes.includes('extreme-records') ? extremeRecordItems(settings.examplesAtMs) : [];
  const dataset = generatedDataset(traffic, [...seedExampleTransactions(settings.examplesAtMs), ...applyFaultTransactions(settings.faults)], extremes);
  return {
    api: createMockTransactionApi({ dataset, limit: contractLimit(settings.timeScale), nowMs, faults: settings.faults }),
    dataset,
    earliestMs: Math.min(traffic.historyStartMs, Math.floor(settings.examplesAtMs / 1000) * 1000),
  };
}
