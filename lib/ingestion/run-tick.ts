import { distinctTransactions } from '../core/aggregate';
import { stringifyLossless } from '../core/lossless-json';
import { validatePage } from '../core/transaction';
import { secondsBetween } from '../core/upstream-time';
import { initialPosition, planNextCall, positionAfterPage, type IngestionSettings } from '../core/window-plan';
import type { AggregateWriter } from '../store/aggregate-writer';
import type { CallSlots } from '../store/call-slots';
import type { CursorState, CursorStore, PendingPage } from '../store/cursor-store';
import type { TickOutcome } from '../store/item-shapes';
import type { QuarantineStore } from '../store/quarantine-store';
import { UpstreamCallError, type TransactionSource } from '../upstream/transaction-api-client';

/** Keeps a page of even 1000 huge malformed records within DynamoDB's 400 KB item limit. */
const QUARANTINED_RAW_CHARS = 1024;

export interface TickDependencies {
  /** A tick never rewinds: that is an operator's command (infra/ops/rewind-ingestion.ts). */
  cursor: Omit<CursorStore, 'rewind'>;
  callSlots: CallSlots;
  aggregates: AggregateWriter;
  quarantine: QuarantineStore;
  source: TransactionSource;
  settings: IngestionSettings;
  nowMs(): number;
  /** Names the caller in call-slot claims (e.g. the Lambda request id). */
  holder: string;
  /** Pause after a 429 that gave no Retry-After. */
  defaultBackoffMs: number;
}

export interface TickReport {
  outcome: TickOutcome;
  fetched: number;
  applied: number;
  duplicates: number;
  quarantined: number;
  /** now − watermark, after the tick. */
  lagSeconds: number;
  watermark: string;
  window?: { start: string; end: string; page: number };
  error?: string;
  /** The upstream's HTTP status when the call failed with one (401/403 make the handler re-read its key). */
  upstreamStatus?: number;
}

/**
 * One tick: at most one upstream call. Finish a stored page if one is waiting (a previous
 * attempt crashed after fetching it); otherwise plan the next call, claim a call slot, fetch,
 * store the page, apply it exactly once, and only then move the cursor.
 */
export async function runTick(deps: TickDependencies): Promise<TickReport> {
  const nowIso = () => new Date(deps.nowMs()).toISOString();
  const state = (await deps.cursor.load()) ?? (await deps.cursor.create(initialPosition(deps.settings), nowIso()));
  const quiet = (outcome: TickOutcome, error?: string): TickReport => ({
    outcome, fetched: 0, applied: 0, duplicates: 0, quarantined: 0, error,
    watermark: state.position.watermark, lagSeconds: secondsBetween(state.position.watermark, deps.nowMs()),
  });

  if (state.pending) return applyAndCheckpoint(deps, state, state.pending, 'reapplied');

  if (state.notBefore !== undefined && deps.nowMs() < state.notBefore) {
    await deps.cursor.recordOutcome('backing-off', nowIso());
    return quiet('backing-off');
  }
  const plan = planNextCall(state.position, deps.nowMs(), deps.settings);
  if (plan.kind === 'idle') {
    await deps.cursor.recordOutcome('idle', nowIso());
    return quiet('idle');
  }
  const slot = await deps.callSlots.claim(deps.holder);
  if (!slot.claimed) {
    await deps.cursor.recordOutcome('budget-exhausted', nowIso());
    return quiet('budget-exhausted');
  }

  let page;
  try {
    page = await deps.source.fetchPage(plan.window, plan.page);
  } catch (error) {
    if (!(error instanceof UpstreamCallError)) throw error;
    const outcome: TickOutcome = error.kind === 'rate-limited' ? 'rate-limited' : 'upstream-error';
    const notBefore = error.kind === 'rate-limited' ? deps.nowMs() + (error.retryAfterMs ?? deps.defaultBackoffMs) : undefined;
    await deps.cursor.recordOutcome(outcome, nowIso(), { error: `${error.kind}: ${error.message}`, notBefore, failedCall: true });
    return { ...quiet(outcome, `${error.kind}: ${error.message}`), ...(error.status === undefined ? {} : { upstreamStatus: error.status }) };
  }

  const { transactions, quarantined } = validatePage(page.records);
  const pending: PendingPage = {
    window: plan.window,
    page: plan.page,
    meta: page.meta,
    fetched: page.records.length,
    transactions,
    quarantined: quarantined.map(({ index, reason, raw }) => ({ index, reason, raw: stringifyLossless(raw).slice(0, QUARANTINED_RAW_CHARS) })),
  };
  if (!(await deps.cursor.savePending(state.sequence, pending))) return quiet('conflict');
  return applyAndCheckpoint(deps, state, pending, 'applied');
}

async function applyAndCheckpoint(deps: TickDependencies, state: CursorState, pending: PendingPage, outcome: TickOutcome): Promise<TickReport> {
  const nowIso = new Date(deps.nowMs()).toISOString();
  await deps.quarantine.keep(state.sequence, pending.quarantined, pending, nowIso);
  const { distinct, repeated } = distinctTransactions(pending.transactions);
  const { applied, duplicates } = await deps.aggregates.apply(state.sequence, distinct);
  const next = positionAfterPage(state.position, pending, pending.meta);
  const counters = { calls: 1, fetched: pending.fetched, applied, duplicates: duplicates + repeated, quarantined: pending.quarantined.length };
  const moved = await deps.cursor.checkpoint(state.sequence, next, counters, outcome, nowIso);
  const base = moved ? next : state.position;
  return {
    outcome: moved ? outcome : 'conflict',
    fetched: pending.fetched,
    applied,
    duplicates: counters.duplicates,
    quarantined: counters.quarantined,
    watermark: base.watermark,
    lagSeconds: secondsBetween(base.watermark, deps.nowMs()),
    window: { start: pending.window.start, end: pending.window.end, page: pending.page },
  };
}
