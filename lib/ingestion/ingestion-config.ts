import * as z from 'zod/mini';
import { upstreamContract } from '../core/upstream-contract';
import type { CallBudget } from './ports';
import type { IngestionSettings } from '../core/ingestion-position';
import type { UpstreamApiKeySecret } from './upstream-api-key';

/** Seconds between ticks: one call slot per tick (the contract's window over its calls). */
const TICK_SECONDS = upstreamContract.windowSeconds / upstreamContract.callsPerWindow;

/** A setting that may be 0 (the head reading at once, reconciliation off). */
const nonNegativeNumber = (fallback: number) => z._default(z.coerce.number().check(z.nonnegative()), fallback);
/** A setting where 0 would mean nothing sensible (a timeout, a TTL): refused. */
const positiveNumber = (fallback: number) => z._default(z.coerce.number().check(z.positive()), fallback);

/**
 * The passes' timing and the markers' lifetime: one definition, read by this schema, by the
 * stack's configuration (infra/stacks/config.ts) and by the operator commands.
 */
export const ingestionDefaults = {
  settleLagSeconds: 45,
  lateHorizonSeconds: 60,
  headLagTargetSeconds: 70,
  reconcileHours: 24,
  freshMarginSeconds: 2,
  markerTtlDays: 7,
} as const;

/** The margin every re-read keeps from the markers' expiry (the tail, reconciliation, a rewind). */
export const MARKER_MARGIN_SECONDS = 86_400;

const environmentSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  TRANSACTIONS_API_URL: z.url(),
  TRANSACTIONS_API_KEY_SECRET_NAME: z.pipe(
    z.optional(z.string()),
    z.transform((name) => name || undefined),
  ),
  /** Powertools Parameters' own variable: seconds a container reuses the key it read (lib/ingestion/upstream-api-key.ts). */
  POWERTOOLS_PARAMETERS_MAX_AGE: positiveNumber(300),
  INGEST_FROM: z._default(z.union([z.iso.datetime({ offset: true }), z.iso.date()]), '2023-01-01T00:00:00Z'),
  SETTLE_LAG_SECONDS: nonNegativeNumber(ingestionDefaults.settleLagSeconds),
  LATE_HORIZON_SECONDS: positiveNumber(ingestionDefaults.lateHorizonSeconds),
  HEAD_LAG_TARGET_SECONDS: positiveNumber(ingestionDefaults.headLagTargetSeconds),
  RECONCILE_HOURS: nonNegativeNumber(ingestionDefaults.reconcileHours),
  /** Fresh reads end this many seconds before now (at least 1: the current second is still being written; at or above SETTLE_LAG_SECONDS: no fresh reads). */
  FRESH_MARGIN_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), ingestionDefaults.freshMarginSeconds),
  UPSTREAM_TIMEOUT_MS: positiveNumber(5000),
  // At least a day beyond the margin every re-read keeps from the markers' expiry (markerSafeSeconds): 2 days.
  MARKER_TTL_DAYS: z._default(z.coerce.number().check(z.minimum(1 + MARKER_MARGIN_SECONDS / 86_400)), ingestionDefaults.markerTtlDays),
  APPLY_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(64)), 16),
  /** Local runtime only: divides the budget window (and the cadence), never data timestamps. */
  TIME_SCALE: positiveNumber(1),
});

export interface IngestionConfig {
  tableName: string;
  transactionsApiUrl: string;
  apiKeySecret: UpstreamApiKeySecret;
  settings: IngestionSettings;
  upstreamTimeoutMs: number;
  markerTtlSeconds: number;
  applyConcurrency: number;
  budget: CallBudget;
  defaultBackoffMs: number;
  maxRetryAfterMs: number;
}

/** A day short of the markers' TTL: nothing older is ever re-read (its markers may be gone, it would count twice). */
export const markerSafeSeconds = (markerTtlDays: number): number => Math.max(0, markerTtlDays * 86_400 - MARKER_MARGIN_SECONDS);

/** Reads and checks the fetch function's environment; a bad value fails loudly at cold start. */
export function ingestionConfigFrom(environment: NodeJS.ProcessEnv): IngestionConfig {
  const env = environmentSchema.parse(environment);
  if (env.HEAD_LAG_TARGET_SECONDS < env.SETTLE_LAG_SECONDS + 2 * TICK_SECONDS) {
    // Below that a quiet upstream would still get a call on most ticks (head and tail alternating), leaving reconciliation none.
    throw new Error(`HEAD_LAG_TARGET_SECONDS ${env.HEAD_LAG_TARGET_SECONDS} must be at least SETTLE_LAG_SECONDS + ${2 * TICK_SECONDS} (two ticks)`);
  }
  if (env.RECONCILE_HOURS * 3600 > markerSafeSeconds(env.MARKER_TTL_DAYS)) {
    throw new Error(`RECONCILE_HOURS ${env.RECONCILE_HOURS} reaches past the markers' safe age (MARKER_TTL_DAYS ${env.MARKER_TTL_DAYS} minus a day)`);
  }
  const scale = env.TIME_SCALE;
  const windowMs = (upstreamContract.windowSeconds * 1000) / scale;
  return {
    tableName: env.TABLE_NAME,
    transactionsApiUrl: env.TRANSACTIONS_API_URL,
    apiKeySecret: { name: env.TRANSACTIONS_API_KEY_SECRET_NAME, maxAgeSeconds: env.POWERTOOLS_PARAMETERS_MAX_AGE },
    settings: {
      ingestFrom: new Date(env.INGEST_FROM).toISOString(),
      settleLagSeconds: env.SETTLE_LAG_SECONDS,
      lateHorizonSeconds: env.LATE_HORIZON_SECONDS,
      headLagTargetSeconds: env.HEAD_LAG_TARGET_SECONDS,
      reconcileSeconds: env.RECONCILE_HOURS * 3600,
      markerSafeSeconds: markerSafeSeconds(env.MARKER_TTL_DAYS),
      freshMarginSeconds: env.FRESH_MARGIN_SECONDS,
    },
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    markerTtlSeconds: env.MARKER_TTL_DAYS * 86_400,
    applyConcurrency: env.APPLY_CONCURRENCY,
    budget: {
      calls: upstreamContract.callsPerWindow,
      // The upstream counts arrivals, we count claims: a 100 ms guard absorbs network jitter
      // (real milliseconds, so not scaled). The schedule runs 5 calls per 60 s exactly, so while
      // behind each minute's first call waits 100 ms longer than the last one did; up to 3 s is
      // waited for, so about one call in 150 is given up (the next tick takes its slot). A larger
      // guard would lose calls sooner, a smaller one risks a 429.
      windowMs: windowMs + 100,
      maxWaitMs: 3000 / scale,
    },
    defaultBackoffMs: windowMs / upstreamContract.callsPerWindow,
    maxRetryAfterMs: 2 * windowMs,
  };
}
