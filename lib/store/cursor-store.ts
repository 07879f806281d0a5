import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { emptyLedger } from '../core/second-ledger';
import { epochSecond, freshestRead, secondIso, type IngestionPosition } from '../core/ingestion-position';
import type { ReceivedPage } from '../core/page-outcome';
import type { Transaction } from '../core/transaction';
import type { FailureStreak } from '../core/failure-streak';
import { upstreamContract } from '../core/upstream-contract';
import type { Window } from '../core/upstream-page';
import { zeroCounters, type CursorItem, type OperatorActionRecord, type IngestionCounters, type RecentCall, type TickOutcome } from './item-shapes';
import { decode, encode, loadPendingPage, pendingChunkItems } from './pending-page-store';
import { keys } from './table-schema';
import { isConditionalCheckFailure, isTransactionCancellation, type StoreContext } from './store-context';

/** A fetched page, validated, stored before it is applied so a retry never calls upstream again. */
export interface PendingPage extends ReceivedPage {
  window: Window;
  /** Records received (valid or not). */
  fetched: number;
  transactions: Transaction[];
  quarantined: { index: number; reason: string; raw: string; rawSha256: string }[];
  /** Set when the page's meta contradicted its records. */
  contradiction?: string;
}

export interface CursorState {
  sequence: number;
  position: IngestionPosition;
  pending?: PendingPage;
  notBefore?: number;
  recentCalls: RecentCall[];
  failureStreak?: FailureStreak;
  operatorActions: OperatorActionRecord[];
}

export type CounterDelta = Partial<IngestionCounters>;

export interface Checkpoint {
  counters: CounterDelta;
  outcome: TickOutcome;
  nowIso: string;
  recentCalls: RecentCall[];
}

export interface CursorStore {
  load(): Promise<CursorState | undefined>;
  /** Creates the cursor if absent; returns whatever cursor exists afterwards. */
  create(position: IngestionPosition, nowIso: string): Promise<CursorState>;
  /** False when another tick moved the cursor or stored a page first. */
  savePending(sequence: number, pending: PendingPage): Promise<boolean>;
  /** Moves the passes past the applied page, atomically with its counters. False on a lost race. */
  checkpoint(sequence: number, next: IngestionPosition, checkpoint: Checkpoint): Promise<boolean>;
  /** Records a tick that moved nothing (idle, budget, failed call). */
  recordOutcome(outcome: TickOutcome, nowIso: string, details?: { error?: string; notBefore?: number; counters?: CounterDelta; recentCalls?: RecentCall[]; failureStreak?: FailureStreak }): Promise<void>;
}

/** How many recent calls the cursor remembers (a minute holds five). */
export const RECENT_CALLS = 12;

const watermarkAttributes = (position: IngestionPosition) => ({
  watermark: secondIso(freshestRead(position)),
  settledWatermark: secondIso(position.head),
  verifiedWatermark: secondIso(position.verified),
  reconciledWatermark: secondIso(position.reconciled),
});

/**
 * The part of a cursor update that moves the passes (a checkpoint, a rewind, an operator's
 * action): the next sequence, the position and its four watermarks, conditional on `:sequence`.
 */
export function passesUpdate(sequence: number, next: IngestionPosition): { sets: string[]; names: Record<string, string>; values: Record<string, unknown> } {
  const marks = watermarkAttributes(next);
  return {
    sets: ['#sequence = :next', '#watermark = :watermark', '#settledWatermark = :settled', '#verifiedWatermark = :verified', '#reconciledWatermark = :reconciled', '#position = :position'],
    names: { '#sequence': 'sequence', '#watermark': 'watermark', '#settledWatermark': 'settledWatermark', '#verifiedWatermark': 'verifiedWatermark', '#reconciledWatermark': 'reconciledWatermark', '#position': 'position' },
    values: { ':sequence': sequence, ':next': sequence + 1, ':watermark': marks.watermark, ':settled': marks.settledWatermark, ':verified': marks.verifiedWatermark, ':reconciled': marks.reconciledWatermark, ':position': encode(next) },
  };
}

export function createCursorStore({ document, tableName }: StoreContext): CursorStore {
  const Key = keys.cursor();

  const load = async (): Promise<CursorState | undefined> => {
    const { Item } = await document.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
    if (!Item) return undefined;
    const item = Item as CursorItem;
    const sequence = Number(item.sequence);
    const chunks = Number(item.pendingChunks ?? 0);
    return {
      sequence,
      position: item.position ? decode<IngestionPosition>(item.position) : positionFromWatermark(item.watermark),
      pending: chunks > 0 ? await loadPendingPage({ document, tableName }, sequence, chunks) : undefined,
      notBefore: item.notBefore === undefined ? undefined : Number(item.notBefore),
      recentCalls: (item.recentCalls ?? []).map((call) => ({ atMs: Number(call.atMs), pass: call.pass, ok: Boolean(call.ok) })),
      ...(item.failureStreak ? { failureStreak: { ...item.failureStreak, attempts: Number(item.failureStreak.attempts), page: Number(item.failureStreak.page), span: { start: Number(item.failureStreak.span.start), end: Number(item.failureStreak.span.end) } } } : {}),
      operatorActions: item.operatorActions ?? [],
    };
  };

  const counterUpdates = (counters: CounterDelta, names: Record<string, string>, values: Record<string, unknown>): string[] => {
    names['#counters'] = 'counters';
    values[':zero'] = 0;
    return Object.entries(counters).map(([name, delta]) => {
      names[`#${name}`] = name;
      values[`:${name}`] = delta;
      return `#counters.#${name} = if_not_exists(#counters.#${name}, :zero) + :${name}`;
    });
  };

  return {
    load,

    async create(position, nowIso) {
      const item: CursorItem = { ...Key, sequence: 0, ...watermarkAttributes(position), position: encode(position), counters: zeroCounters(), lastTickAt: nowIso, recentCalls: [] };
      try {
        await document.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
      const state = await load();
      if (!state) throw new Error('cursor vanished right after it was created');
      return state;
    },

    async savePending(sequence, pending) {
      const chunks = pendingChunkItems(sequence, pending);
      try {
        await document.send(
          new TransactWriteCommand({
            TransactItems: [
              ...chunks.map((Item) => ({ Put: { TableName: tableName, Item: { ...Item } } })),
              {
                Update: {
                  TableName: tableName,
                  Key,
                  UpdateExpression: 'SET #pendingChunks = :chunks',
                  ConditionExpression: '#sequence = :sequence AND attribute_not_exists(#pendingChunks)',
                  ExpressionAttributeNames: { '#pendingChunks': 'pendingChunks', '#sequence': 'sequence' },
                  ExpressionAttributeValues: { ':chunks': chunks.length, ':sequence': sequence },
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (isTransactionCancellation(error)) return false;
        throw error;
      }
    },

    async checkpoint(sequence, next, { counters, outcome, nowIso, recentCalls }) {
      const moved = passesUpdate(sequence, next);
      const names: Record<string, string> = {
        ...moved.names, '#pendingChunks': 'pendingChunks', '#lastError': 'lastError', '#lastTickAt': 'lastTickAt',
        '#lastOutcome': 'lastOutcome', '#notBefore': 'notBefore', '#recentCalls': 'recentCalls', '#failureStreak': 'failureStreak',
      };
      const values: Record<string, unknown> = { ...moved.values, ':now': nowIso, ':outcome': outcome, ':recentCalls': recentCalls };
      const sets = [...moved.sets, '#lastTickAt = :now', '#lastOutcome = :outcome', '#recentCalls = :recentCalls', ...counterUpdates(counters, names, values)];
      try {
        await document.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: `SET ${sets.join(', ')} REMOVE #pendingChunks, #lastError, #notBefore, #failureStreak`,
            ConditionExpression: '#sequence = :sequence',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      }
    },

    async recordOutcome(outcome, nowIso, details = {}) {
      const names: Record<string, string> = { '#lastTickAt': 'lastTickAt', '#lastOutcome': 'lastOutcome' };
      const values: Record<string, unknown> = { ':now': nowIso, ':outcome': outcome };
      const sets = ['#lastTickAt = :now', '#lastOutcome = :outcome'];
      if (details.error !== undefined) {
        names['#lastError'] = 'lastError';
        values[':error'] = details.error;
        sets.push('#lastError = :error');
      }
      if (details.notBefore !== undefined) {
        names['#notBefore'] = 'notBefore';
        values[':notBefore'] = details.notBefore;
        sets.push('#notBefore = :notBefore');
      }
      if (details.recentCalls) {
        names['#recentCalls'] = 'recentCalls';
        values[':recentCalls'] = details.recentCalls;
        sets.push('#recentCalls = :recentCalls');
      }
      if (details.failureStreak) {
        names['#failureStreak'] = 'failureStreak';
        values[':failureStreak'] = details.failureStreak;
        sets.push('#failureStreak = :failureStreak');
      }
      if (details.counters) sets.push(...counterUpdates(details.counters, names, values));
      await document.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },
  };
}

/** A cursor written before the passes existed: its watermark is where all three stand. */
function positionFromWatermark(watermark: string): IngestionPosition {
  const second = epochSecond(Date.parse(watermark));
  return { head: second, verified: second, reconciled: second, open: {}, ledger: emptyLedger(second + 1), density: 0, probeItems: upstreamContract.pageSize };
}

/** Keeps the newest RECENT_CALLS calls. */
export const withCall = (calls: readonly RecentCall[], call: RecentCall): RecentCall[] => [...calls, call].slice(-RECENT_CALLS);

