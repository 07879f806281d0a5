import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { emptyLedger } from '../core/second-ledger';
import { epochSecond, secondIso, type IngestionPosition } from '../core/ingestion-position';
import type { JammedCall } from '../core/operator-action';
import { upstreamContract } from '../core/upstream-contract';
import { zeroCounters, type CounterDelta, type CursorState, type CursorStore } from '../ingestion/ports';
import type { CursorItem } from './item-shapes';
import { decode, discardPendingPage, encode, loadPendingPage, pendingChunkItems } from './pending-page-store';
import { keys } from './table-schema';
import { isConditionalCheckFailure, isTransactionCancellation, type StoreContext } from './store-context';

const watermarkAttributes = (position: IngestionPosition) => ({
  watermark: secondIso(position.head),
  verifiedWatermark: secondIso(position.verified),
  reconciledWatermark: secondIso(position.reconciled),
});

/**
 * The part of a cursor update that moves the passes (a checkpoint, a rewind, an operator's
 * action): the next sequence, the position and its three watermarks, conditional on `:sequence`.
 */
export function passesUpdate(sequence: number, next: IngestionPosition): { sets: string[]; names: Record<string, string>; values: Record<string, unknown> } {
  const marks = watermarkAttributes(next);
  return {
    sets: ['#sequence = :next', '#watermark = :watermark', '#verifiedWatermark = :verified', '#reconciledWatermark = :reconciled', '#position = :position'],
    names: { '#sequence': 'sequence', '#watermark': 'watermark', '#verifiedWatermark': 'verifiedWatermark', '#reconciledWatermark': 'reconciledWatermark', '#position': 'position' },
    values: { ':sequence': sequence, ':next': sequence + 1, ':watermark': marks.watermark, ':verified': marks.verifiedWatermark, ':reconciled': marks.reconciledWatermark, ':position': encode(next) },
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
    const position = item.position ? decode<IngestionPosition>(item.position) : positionFromWatermark(item.watermark);
    const pending = chunks > 0 ? await loadPendingPage({ document, tableName }, sequence, chunks) : undefined;
    return {
      sequence,
      position,
      pending,
      ...(chunks > 0 && !pending ? { pendingLost: pendingCallOf(item, position) } : {}),
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
                  UpdateExpression: 'SET #pendingChunks = :chunks, #pendingCall = :call',
                  ConditionExpression: '#sequence = :sequence AND attribute_not_exists(#pendingChunks)',
                  ExpressionAttributeNames: { '#pendingChunks': 'pendingChunks', '#pendingCall': 'pendingCall', '#sequence': 'sequence' },
                  ExpressionAttributeValues: { ':chunks': chunks.length, ':sequence': sequence, ':call': { pass: pending.pass, span: pending.span, page: pending.page } },
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
        '#lastOutcome': 'lastOutcome', '#notBefore': 'notBefore', '#recentCalls': 'recentCalls', '#failureStreak': 'failureStreak', '#pendingCall': 'pendingCall',
      };
      const values: Record<string, unknown> = { ...moved.values, ':now': nowIso, ':outcome': outcome, ':recentCalls': recentCalls };
      const sets = [...moved.sets, '#lastTickAt = :now', '#lastOutcome = :outcome', '#recentCalls = :recentCalls', ...counterUpdates(counters, names, values)];
      try {
        await document.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: `SET ${sets.join(', ')} REMOVE #pendingChunks, #pendingCall, #lastError, #notBefore, #failureStreak`,
            ConditionExpression: '#sequence = :sequence',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      }
      await discardPendingPage({ document, tableName }, sequence);
      return true;
    },

    async recordOutcome(sequence, outcome, nowIso, details = {}) {
      const names: Record<string, string> = { '#lastTickAt': 'lastTickAt', '#lastOutcome': 'lastOutcome', '#sequence': 'sequence' };
      const values: Record<string, unknown> = { ':now': nowIso, ':outcome': outcome, ':sequence': sequence };
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
      try {
        await document.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: `SET ${sets.join(', ')}`,
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
  return { pass: call.pass, span: { start: Number(call.span.start), end: Number(call.span.end) }, page: Number(call.page) };
}


