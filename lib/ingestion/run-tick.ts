import { distinctTransactions, type Conflict } from '../core/aggregate';
import { planCall } from '../core/call-plan';
import { isJammed, jamBackoffMs, nextStreak, type FailureStreak } from '../core/failure-streak';
import { jammedCallOf, type JammedCall } from '../core/operator-action';
import { epochSecond, freshestRead, initialPosition, secondIso, type IngestionSettings, type Pass } from '../core/ingestion-position';
import { positionAfterPage } from '../core/page-outcome';
import { validatePage } from '../core/transaction';
import { contradictoryMeta } from '../core/upstream-page';
import { quarantineEntry } from '../core/quarantine-entry';
import {
  UpstreamCallError,
  withCall,
  type AggregateWriter,
  type CallSlots,
  type CursorState,
  type CursorStore,
  type PendingPage,
  type QuarantineStore,
  type TickOutcome,
  type TransactionPage,
  type TransactionSource,
} from './ports';

export interface TickDependencies {
  /** Ticks only move forward; rewinds and jams are operators' commands (lib/store/operator-actions.ts). */
  cursor: CursorStore;
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
  /** The longest Retry-After honoured (2 budget windows): a longer one would stop ingestion for its whole length. */
  maxRetryAfterMs: number;
}

export interface TickReport {
  outcome: TickOutcome;
  /** The pass the call served, when a call was made. */
  pass?: Pass;
  fetched: number;
  applied: number;
  duplicates: number;
  quarantined: number;
  /** now − watermark (the freshest completed read), after the tick. */
  lagSeconds: number;
  /** now − settled head watermark, after the tick. */
  settledLagSeconds: number;
  /** now − verified watermark (the tail's), after the tick. */
  verifiedLagSeconds: number;
  watermark: string;
  settledWatermark: string;
  verifiedWatermark: string;
  window?: { start: string; end: string; page: number };
  error?: string;
  /** The same (userId, id) listed with other content than the one applied (the first is kept): both, for the log. */
  conflicts?: Conflict[];
  /** How often in a row the same call has failed (0 after a success); from JAM_ATTEMPTS on, ingestion is jammed. */
  consecutiveFailures?: number;
  /** Seconds the tail stepped over because their markers may have expired (it was that far behind). */
  unverifiedSeconds?: number;
  /** The upstream's HTTP status when the call failed with one (401/403 make the handler re-read its key). */
  upstreamStatus?: number;
}

/**
 * One tick: at most one upstream call. Finish a stored page if one is waiting (a previous
 * attempt crashed after fetching it); otherwise plan the next call (which pass, which span),
 * claim a call slot, fetch, store the page, apply it exactly once, and only then move the passes.
 */
export async function runTick(deps: TickDependencies): Promise<TickReport> {
  const nowIso = () => new Date(deps.nowMs()).toISOString();
  const state = (await deps.cursor.load()) ?? (await deps.cursor.create(initialPosition(deps.settings), nowIso()));
  const quiet = (outcome: TickOutcome, error?: string): TickReport => ({
    outcome,
    fetched: 0,
    applied: 0,
    duplicates: 0,
    quarantined: 0,
    error,
    ...standing(state, deps.nowMs()),
  });

  if (state.notBefore !== undefined && deps.nowMs() < state.notBefore) {
    await deps.cursor.recordOutcome(state.sequence, 'backing-off', nowIso());
    return quiet('backing-off');
  }
  if (state.pendingLost)
    return stuckPage(deps, state, state.pendingLost, 'pending-lost', 'pending-page-lost', 'the stored page expired before it could be applied', quiet);
  if (state.pending) return applyOrRecord(deps, state, state.pending, 'reapplied', quiet);

  const lastFresh = state.recentCalls.findLast((call) => call.pass === 'fresh');
  const plan = planCall(state.position, deps.nowMs(), deps.settings, { freshFailedAtMs: lastFresh && !lastFresh.ok ? lastFresh.atMs : undefined });
  if (plan.kind === 'idle') {
    await deps.cursor.recordOutcome(state.sequence, 'idle', nowIso());
    return quiet('idle');
  }
  const slot = await deps.callSlots.claim(deps.holder);
  const window = { start: secondIso(plan.span.start), end: secondIso(plan.span.end) };
  // Claim and send stay together: a claim that aged meanwhile is stamped again, or given up.
  if (!slot.claimed || !(await deps.callSlots.confirm(slot))) {
    await deps.cursor.recordOutcome(state.sequence, 'budget-exhausted', nowIso());
    return quiet('budget-exhausted');
  }
  const fetchedAtMs = deps.nowMs();
  let page: TransactionPage;
  try {
    page = await deps.source.fetchPage(window, plan.page);
  } catch (error) {
    if (!(error instanceof UpstreamCallError)) throw error;
    return failedCall(deps, state, jammedCallOf(plan), error, quiet);
  }

  const { transactions, quarantined } = validatePage(page.records);
  const pending: PendingPage = {
    pass: plan.pass,
    span: plan.span,
    page: plan.page,
    window,
    fetchedAtMs,
    meta: page.meta,
    seconds: page.records.map(createdAtSecond),
    fetched: page.records.length,
    transactions,
    quarantined: quarantined.map(({ index, reason, raw }) => quarantineEntry(index, reason, raw)),
    contradiction: contradictoryMeta(page.records.length, plan.page, page.meta),
  };
  if (!(await deps.cursor.savePending(state.sequence, pending))) return quiet('conflict');
  return applyOrRecord(deps, state, pending, 'applied', quiet);
}

type Quiet = (outcome: TickOutcome, error?: string) => TickReport;

async function failedCall(deps: TickDependencies, state: CursorState, call: JammedCall, error: UpstreamCallError, quiet: Quiet): Promise<TickReport> {
  const outcome: TickOutcome = error.kind === 'rate-limited' ? 'rate-limited' : 'upstream-error';
  const nowIso = new Date(deps.nowMs()).toISOString();
  // A refusal (429) says nothing about the call itself; any other failure of the same call counts towards a jam.
  // A fresh read's failure does not count either: the settled head meets the same seconds soon (planCall waits a budget window before the next fresh read).
  const streak = error.kind === 'rate-limited' || call.pass === 'fresh' ? state.failureStreak : nextStreak(state.failureStreak, call, error.kind, nowIso);
  const asked = error.retryAfterMs;
  const capped = asked !== undefined && asked > deps.maxRetryAfterMs;
  const waitMs =
    error.kind === 'rate-limited'
      ? Math.min(asked ?? deps.defaultBackoffMs, deps.maxRetryAfterMs)
      : streak && jamBackoffMs(streak, deps.maxRetryAfterMs / 2, deps.maxRetryAfterMs);
  const jam = streak && isJammed(streak) && error.kind !== 'rate-limited' ? jamNote(streak) : '';
  const message = `${error.kind}: ${error.message}${capped ? ` (Retry-After ${Math.round(asked / 1000)} s capped to ${Math.round(deps.maxRetryAfterMs / 1000)} s)` : ''}${jam}`;
  await deps.cursor.recordOutcome(state.sequence, outcome, nowIso, {
    error: message,
    notBefore: waitMs === undefined ? undefined : deps.nowMs() + waitMs,
    counters: { failedCalls: 1, ...(capped ? { cappedRetryAfter: 1 } : {}) },
    recentCalls: withCall(state.recentCalls, { atMs: deps.nowMs(), pass: call.pass, ok: false }),
    ...(streak ? { failureStreak: streak } : {}),
  });
  return {
    ...quiet(outcome, message),
    pass: call.pass,
    consecutiveFailures: streak?.attempts ?? 0,
    ...(error.status === undefined ? {} : { upstreamStatus: error.status }),
  };
}

const jamNote = (streak: FailureStreak): string =>
  `; jammed: the same call failed ${streak.attempts} times since ${streak.since} (infra/ops/unjam-ingestion.ts)`;

/**
 * A stored page that cannot be applied (or whose chunks are gone) is recorded like a failed
 * call: its outcome and error, a failure streak on the call it answered (the jam alarm), and
 * backoff once jammed. The page stays pending; nothing moves; an operator can quarantine, split,
 * skip or rewind (infra/ops/unjam-ingestion.ts, infra/ops/rewind-ingestion.ts).
 */
async function stuckPage(
  deps: TickDependencies,
  state: CursorState,
  call: JammedCall,
  outcome: TickOutcome,
  kind: string,
  detail: string,
  quiet: Quiet,
): Promise<TickReport> {
  const nowIso = new Date(deps.nowMs()).toISOString();
  const streak = nextStreak(state.failureStreak, call, kind, nowIso);
  const waitMs = jamBackoffMs(streak, deps.maxRetryAfterMs / 2, deps.maxRetryAfterMs);
  const message = `${kind}: ${detail}${isJammed(streak) ? jamNote(streak) : ''}`;
  await deps.cursor.recordOutcome(state.sequence, outcome, nowIso, {
    error: message,
    failureStreak: streak,
    ...(waitMs === undefined ? {} : { notBefore: deps.nowMs() + waitMs }),
  });
  const window = { start: secondIso(call.span.start), end: secondIso(call.span.end), page: call.page };
  return { ...quiet(outcome, message), pass: call.pass, window, consecutiveFailures: streak.attempts };
}

async function applyOrRecord(deps: TickDependencies, state: CursorState, pending: PendingPage, outcome: TickOutcome, quiet: Quiet): Promise<TickReport> {
  try {
    return await applyAndCheckpoint(deps, state, pending, outcome);
  } catch (error) {
    const failure = error as Error | undefined;
    const detail = failure?.message ?? String(error);
    return stuckPage(deps, state, jammedCallOf(pending), 'apply-failed', `apply-failed: ${failure?.name ?? 'Error'}`, detail, quiet);
  }
}

async function applyAndCheckpoint(deps: TickDependencies, state: CursorState, pending: PendingPage, outcome: TickOutcome): Promise<TickReport> {
  const nowIso = new Date(deps.nowMs()).toISOString();
  const malformed = await deps.quarantine.keep(state.sequence, pending.quarantined, pending, nowIso);
  const { distinct, repeated, conflicts: inPage } = distinctTransactions(pending.transactions);
  const { applied, duplicates, conflicts: withApplied, refused, operatorQuarantined } = await deps.aggregates.apply(state.sequence, distinct);
  // Records the store refused for a reason of their own are kept like malformed ones; the rest of the page applied.
  const refusedKept = await deps.quarantine.keep(
    state.sequence,
    refused.map(({ transaction, reason }) => quarantineEntry(pending.transactions.indexOf(transaction), `refused by the store: ${reason}`, transaction)),
    pending,
    nowIso,
  );
  const conflicts = [...inPage, ...withApplied];
  const next = positionAfterPage(state.position, pending, deps.settings);
  const counters = {
    calls: 1,
    [`${pending.pass}Calls`]: 1,
    fetched: pending.fetched,
    applied,
    duplicates: duplicates + repeated,
    quarantined: malformed + refusedKept,
    lateApplied: pending.pass === 'tail' || pending.pass === 'reconcile' ? applied : 0,
    // The tail never re-reads a second whose markers may have expired: the seconds it stepped over are counted (and alarmed).
    unverifiedSeconds: pending.pass === 'tail' && pending.page === 1 ? Math.max(0, pending.span.start - state.position.verified - 1) : 0,
    contradictoryMeta: pending.contradiction ? 1 : 0,
    conflicts: conflicts.length,
  };
  const recentCalls = withCall(state.recentCalls, { atMs: pending.fetchedAtMs, pass: pending.pass, ok: true });
  const moved = await deps.cursor.checkpoint(state.sequence, next, { counters, outcome, nowIso, recentCalls });
  const notes = [
    ...(pending.contradiction ? [`contradictory meta: ${pending.contradiction}`] : []),
    ...(refused.length > 0 ? [`${refused.length} record(s) refused by the store and quarantined: ${refused[0]!.reason}`] : []),
    ...(operatorQuarantined > 0 ? [`${operatorQuarantined} record(s) quarantined by an operator`] : []),
  ];
  return {
    outcome: moved ? outcome : 'conflict',
    pass: pending.pass,
    fetched: pending.fetched,
    applied,
    duplicates: counters.duplicates,
    quarantined: counters.quarantined,
    ...(conflicts.length > 0 ? { conflicts } : {}),
    ...(counters.unverifiedSeconds > 0 ? { unverifiedSeconds: counters.unverifiedSeconds } : {}),
    ...standing(moved ? { position: next } : state, deps.nowMs()),
    window: { ...pending.window, page: pending.page },
    ...(notes.length > 0 ? { error: notes.join('; ') } : {}),
  };
}

function standing({ position, failureStreak }: Pick<CursorState, 'position' | 'failureStreak'>, nowMs: number) {
  const now = epochSecond(nowMs);
  return {
    consecutiveFailures: failureStreak?.attempts ?? 0,
    watermark: secondIso(freshestRead(position)),
    settledWatermark: secondIso(position.head),
    verifiedWatermark: secondIso(position.verified),
    lagSeconds: Math.max(0, now - freshestRead(position)),
    settledLagSeconds: Math.max(0, now - position.head),
    verifiedLagSeconds: Math.max(0, now - position.verified),
  };
}

/** The createdAt second of a raw record, when it has a usable one (valid or not otherwise). */
function createdAtSecond(raw: unknown): number | null {
  const createdAt = (raw as { createdAt?: unknown } | null)?.createdAt;
  if (typeof createdAt !== 'string') return null;
  const ms = Date.parse(createdAt);
  return Number.isNaN(ms) ? null : epochSecond(ms);
}
