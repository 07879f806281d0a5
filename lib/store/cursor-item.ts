import { gunzipSync, gzipSync } from 'node:zlib';
import type { FailureStreak } from '../core/failure-streak';
import { epochSecond, freshestRead, secondIso, type IngestionPosition, type Pass } from '../core/ingestion-position';
import type { JammedCall } from '../core/operator-action';
import { emptyLedger } from '../core/second-ledger';
import { upstreamContract } from '../core/upstream-contract';
import type { CursorState, IngestionCounters, OperatorActionRecord, RecentCall, TickOutcome } from '../ingestion/ports';

/**
 * The cursor item's shape and codec, owned by its repository (cursor-repository.ts): nothing else
 * reads or writes INGESTION / CURSOR.
 */

/** INGESTION / CURSOR: where ingestion stands, plus what /status shows. */
export interface CursorItem {
  pk: string;
  sk: string;
  /** Increments on every checkpoint; conditional writes compare it. */
  sequence: number;
  /** The freshest completed read: everything created up to this second (inclusive, UTC ISO) and listed when it was read is applied. */
  watermark: string;
  /** The settled head: everything up to this second was read once it was SETTLE_LAG_SECONDS old. */
  settledWatermark?: string;
  /** The tail watermark: everything up to this second was checked for late arrivals. */
  verifiedWatermark?: string;
  /** Everything up to this second was re-read by reconciliation. */
  reconciledWatermark?: string;
  /** gzip(JSON) of the whole IngestionPosition (passes, open spans, ledger). */
  position?: Uint8Array;
  /** Number of PENDING#<sequence>#<n> items holding a fetched page not yet fully applied. */
  pendingChunks?: number;
  /** The call that pending page answered (so a page whose chunks are gone can still be named, skipped or split). */
  pendingCall?: { pass: Pass; span: { start: number; end: number }; page: number };
  /** Epoch ms before which no upstream call is made (Retry-After). */
  notBefore?: number;
  lastTickAt?: string;
  lastOutcome?: TickOutcome;
  /** A short, safe description of the last failure. */
  lastError?: string;
  /** The last few upstream calls (newest last). */
  recentCalls?: RecentCall[];
  /** The same call failing again and again (removed by the next checkpoint). */
  failureStreak?: FailureStreak;
  /** The last operator actions on jammed calls (newest last); each is also kept as an AUDIT# item. */
  operatorActions?: OperatorActionRecord[];
  counters: IngestionCounters;
}

export const encode = (value: unknown): Uint8Array => gzipSync(JSON.stringify(value));
export const decode = <T>(bytes: Uint8Array): T => JSON.parse(gunzipSync(bytes).toString('utf8')) as T;

export const watermarkAttributes = (position: IngestionPosition) => ({
  watermark: secondIso(freshestRead(position)),
  settledWatermark: secondIso(position.head),
  verifiedWatermark: secondIso(position.verified),
  reconciledWatermark: secondIso(position.reconciled),
});

/** The cursor's state, but for its pending page (whose chunks are read apart); `chunks` > 0 when one is stored. */
export function cursorStateOf(item: CursorItem): Omit<CursorState, 'pending' | 'pendingLost'> & { chunks: number; pendingCall: JammedCall } {
  const position = item.position ? decode<IngestionPosition>(item.position) : positionFromWatermark(item.watermark);
  return {
    sequence: item.sequence,
    position,
    chunks: item.pendingChunks ?? 0,
    pendingCall: pendingCallOf(item, position),
    notBefore: item.notBefore,
    recentCalls: (item.recentCalls ?? []).map((call) => ({ atMs: call.atMs, pass: call.pass, ok: Boolean(call.ok) })),
    ...(item.failureStreak ? { failureStreak: item.failureStreak } : {}),
    operatorActions: item.operatorActions ?? [],
  };
}

/** A cursor written before the passes existed: its watermark is where all three stand. */
function positionFromWatermark(watermark: string): IngestionPosition {
  const second = epochSecond(Date.parse(watermark));
  return { head: second, verified: second, reconciled: second, open: {}, ledger: emptyLedger(second + 1), density: 0, probeItems: upstreamContract.pageSize };
}

/** The call a pending page answered; a page stored before the cursor named it is taken as the head's next second. */
function pendingCallOf(item: CursorItem, position: IngestionPosition): JammedCall {
  const call = item.pendingCall;
  if (!call) return { pass: 'head', span: { start: position.head + 1, end: position.head + 1 }, page: 1 };
  return { pass: call.pass, span: { start: call.span.start, end: call.span.end }, page: call.page };
}
