import { callKey, type JammedCall } from './operator-action';

/** After this many failures in a row of the very same call, ingestion is jammed: alarm, back off, wait for an operator. */
export const JAM_ATTEMPTS = 5;

export interface FailureStreak extends JammedCall {
  /** `callKey` of the failing call. */
  call: string;
  attempts: number;
  /** When the first failure of the streak happened (ISO). */
  since: string;
  /** The failure's class (not-json, bad-shape, client-error, …): safe to show. */
  kind: string;
}

/** The streak after one more failure of `call`: counted on when it is the same call, restarted otherwise. */
export function nextStreak(previous: FailureStreak | undefined, call: JammedCall, kind: string, nowIso: string): FailureStreak {
  const key = callKey(call);
  // The latest span is the one an operator acts on.
  if (previous?.call === key) return { ...previous, span: call.span, attempts: previous.attempts + 1, kind };
  return { ...call, call: key, attempts: 1, since: nowIso, kind };
}

export const isJammed = (streak: FailureStreak | undefined): boolean => (streak?.attempts ?? 0) >= JAM_ATTEMPTS;

/**
 * How long to wait before trying a jammed call again: doubling from `baseMs` with each attempt
 * past the threshold, at most `capMs`. Ingestion keeps retrying (the upstream may heal); the
 * alarm and the operator command are the way out, never a silent skip.
 */
export function jamBackoffMs(streak: FailureStreak, baseMs: number, capMs: number): number | undefined {
  if (!isJammed(streak)) return undefined;
  return Math.min(capMs, baseMs * 2 ** (streak.attempts - JAM_ATTEMPTS));
}
