import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { isJammed, type FailureStreak } from '../core/failure-streak';
import { secondIso, type Pass } from '../core/ingestion-position';
import { zeroCounters, type IngestionCounters, type OperatorActionRecord, type RecentCall, type TickOutcome } from './item-shapes';
import type { StoreContext } from './store-context';
import { decimalText } from './stored-number';
import { keys } from './table-schema';

export interface IngestionStatus {
  watermark: string;
  settledWatermark?: string;
  verifiedWatermark?: string;
  lastTick?: { at: string; outcome: TickOutcome };
  counters: IngestionCounters;
  recentCalls: RecentCall[];
  /** The call failing again and again, when there is one (its class of failure only, never the upstream's words). */
  jam?: { pass: Pass; window: { start: string; end: string }; page: number; attempts: number; since: string; failure: string };
  operatorActions: OperatorActionRecord[];
}

/** The cursor attributes GET /status reads: never the position, a pending page or the error text. The status function's grant allows exactly these. */
export const statusAttributes = ['watermark', 'settledWatermark', 'verifiedWatermark', 'lastTickAt', 'lastOutcome', 'counters', 'recentCalls', 'failureStreak', 'operatorActions'] as const;

/** The ingestion cursor's public part for GET /status: one projected GetItem; undefined before any ingestion. */
export async function readIngestionStatus({ document, tableName }: StoreContext): Promise<IngestionStatus | undefined> {
  const { Item } = await document.send(
    new GetCommand({
      TableName: tableName,
      Key: keys.cursor(),
      // Never the position or the error text: the ledger can be large, and the upstream's words are for the logs.
      ProjectionExpression: statusAttributes.map((name) => `#${name}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(statusAttributes.map((name) => [`#${name}`, name])),
    }),
  );
  if (!Item) return undefined;
  const counters = (Item.counters ?? {}) as Record<string, unknown>;
  const known = zeroCounters();
  for (const name of Object.keys(known) as (keyof IngestionCounters)[]) known[name] = counters[name] === undefined ? 0 : Number(decimalText(counters[name]));
  const status: IngestionStatus = {
    watermark: String(Item.watermark),
    counters: known,
    operatorActions: ((Item.operatorActions ?? []) as OperatorActionRecord[]).map((action) => ({ ...action, page: Number(decimalText(action.page)), attempts: Number(decimalText(action.attempts)) })),
    recentCalls: ((Item.recentCalls ?? []) as Record<string, unknown>[]).map((call) => ({ atMs: Number(decimalText(call.atMs)), pass: call.pass as RecentCall['pass'], ok: Boolean(call.ok) })),
  };
  if (Item.settledWatermark !== undefined) status.settledWatermark = String(Item.settledWatermark);
  if (Item.verifiedWatermark !== undefined) status.verifiedWatermark = String(Item.verifiedWatermark);
  const streak = Item.failureStreak as FailureStreak | undefined;
  if (streak && isJammed({ ...streak, attempts: Number(decimalText(streak.attempts)) })) {
    status.jam = {
      pass: streak.pass,
      window: { start: secondIso(Number(decimalText(streak.span.start))), end: secondIso(Number(decimalText(streak.span.end))) },
      page: Number(decimalText(streak.page)),
      attempts: Number(decimalText(streak.attempts)),
      since: streak.since,
      failure: streak.kind,
    };
  }
  if (Item.lastTickAt !== undefined && Item.lastOutcome !== undefined) {
    status.lastTick = { at: String(Item.lastTickAt), outcome: Item.lastOutcome as TickOutcome };
  }
  return status;
}
