import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { jammedCallOf } from '../core/operator-action';
import { isJammed } from '../core/failure-streak';
import { secondIso, type IngestionPosition } from '../core/ingestion-position';
import type { IngestionStatus, JamView } from '../api/ports';
import { zeroCounters, type CounterDelta, type CursorState, type CursorStore, type OperatorActionRecord } from '../ingestion/ports';
import { cursorStateOf, encode, watermarkAttributes, type CursorItem } from './cursor-item';
import { plainNumbers, type Stored } from './item-shapes';
import { discardPendingPage, loadPendingPage, pendingChunkItems } from './pending-page-store';
import { keys } from './table-schema';
import { isConditionalCheckFailure, isTransactionCancellation, type StoreContext } from './store-context';

/** The cursor attributes GET /status reads: never the position, a pending page or the error text. The status function's grant allows exactly these. */
export const statusAttributes = [
  'watermark',
  'settledWatermark',
  'verifiedWatermark',
  'lastTickAt',
  'lastOutcome',
  'counters',
  'recentCalls',
  'failureStreak',
  'operatorActions',
] as const;

/** How many operator actions the cursor shows (all are kept as AUDIT# items). */
const SHOWN_ACTIONS = 10;

/** An operator's change to the cursor: with `next`, the passes move and a pending page is dropped; `quarantined` adds to the counter. */
export interface OperatorChange {
  next?: IngestionPosition;
  quarantined?: number;
}

/**
 * The one owner of the cursor item (INGESTION / CURSOR) and its pending page's chunks: every
 * read and every update, each conditional on the sequence. The tick sees it as a CursorStore;
 * the read API reads its public part; the operator commands (operator-actions.ts) move it.
 */
export interface CursorRepository extends CursorStore {
  /** The public part for GET /status (one projected GetItem); undefined before any ingestion. */
  readStatus(): Promise<IngestionStatus | undefined>;
  /** The head watermark (ISO), for Data-As-Of (one projected GetItem); undefined before any ingestion. */
  readWatermark(): Promise<string | undefined>;
  /**
   * An operator's action: its audit item and the cursor update in one transaction conditional on
   * the sequence (false: a tick moved the cursor meanwhile). The streak, backoff and last error are
   * cleared; with `next` the passes move and a pending page is dropped.
   */
  recordOperatorAction(state: CursorState, record: OperatorActionRecord, change: OperatorChange): Promise<boolean>;
  /** Moves every pass to `next` (a replay) and drops a pending page, conditional on the sequence; false when the cursor had moved. */
  rewind(state: CursorState, next: IngestionPosition, nowIso: string): Promise<boolean>;
}

/**
 * The part of a cursor update that moves the passes (a checkpoint, a rewind, an operator's
 * action): the next sequence, the position and its three watermarks, conditional on `:sequence`.
 */
function passesUpdate(sequence: number, next: IngestionPosition): { sets: string[]; names: Record<string, string>; values: Record<string, unknown> } {
  const marks = watermarkAttributes(next);
  return {
    sets: [
      '#sequence = :next',
      '#watermark = :watermark',
      '#settledWatermark = :settled',
      '#verifiedWatermark = :verified',
      '#reconciledWatermark = :reconciled',
      '#position = :position',
    ],
    names: {
      '#sequence': 'sequence',
      '#watermark': 'watermark',
      '#settledWatermark': 'settledWatermark',
      '#verifiedWatermark': 'verifiedWatermark',
      '#reconciledWatermark': 'reconciledWatermark',
      '#position': 'position',
    },
    values: {
      ':sequence': sequence,
      ':next': sequence + 1,
      ':watermark': marks.watermark,
      ':settled': marks.settledWatermark,
      ':verified': marks.verifiedWatermark,
      ':reconciled': marks.reconciledWatermark,
      ':position': encode(next),
    },
  };
}

const counterUpdates = (counters: CounterDelta, names: Record<string, string>, values: Record<string, unknown>): string[] => {
  names['#counters'] = 'counters';
  values[':zero'] = 0;
  return Object.entries(counters).map(([name, delta]) => {
    names[`#${name}`] = name;
    values[`:${name}`] = delta;
    return `#counters.#${name} = if_not_exists(#counters.#${name}, :zero) + :${name}`;
  });
};

/** The jammed call as /status shows it (its class of failure only, never the upstream's words). */
const jamView = (streak: CursorItem['failureStreak']): JamView | undefined =>
  streak && isJammed(streak)
    ? {
        pass: streak.pass,
        window: { start: secondIso(streak.span.start), end: secondIso(streak.span.end) },
        page: streak.page,
        attempts: streak.attempts,
        since: streak.since,
        failure: streak.kind,
      }
    : undefined;

export function createCursorRepository(store: StoreContext): CursorRepository {
  const { document, tableName } = store;
  const Key = keys.cursor();

  /**
   * One conditional update of the cursor: the item's attributes as they were before it (what the
   * update changed), or false when the sequence had moved.
   */
  const update = async (
    sets: string[],
    removes: string[],
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<Stored<Partial<CursorItem>> | false> => {
    try {
      const { Attributes } = await document.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: '#sequence = :sequence',
          ExpressionAttributeNames: { ...names, '#sequence': 'sequence' },
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return (Attributes ?? {}) as Stored<Partial<CursorItem>>;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  };
  /** How many chunks the cursor counted for its pending page before an update removed the count. */
  const chunksBefore = (old: Stored<Partial<CursorItem>>): number => plainNumbers<Partial<CursorItem>>(old).pendingChunks ?? 0;

  const load = async (): Promise<CursorState | undefined> => {
    const { Item } = await document.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
    if (!Item) return undefined;
    const { chunks, pendingCall, ...state } = cursorStateOf(plainNumbers<CursorItem>(Item as Stored<CursorItem>));
    const pending = chunks > 0 ? await loadPendingPage(store, state.sequence, chunks) : undefined;
    return { ...state, pending, ...(chunks > 0 && !pending ? { pendingLost: pendingCall } : {}) };
  };

  return {
    load,

    async create(position, nowIso) {
      const item: CursorItem = {
        ...Key,
        sequence: 0,
        ...watermarkAttributes(position),
        position: encode(position),
        counters: zeroCounters(),
        lastTickAt: nowIso,
        recentCalls: [],
      };
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
                  ExpressionAttributeValues: {
                    ':chunks': chunks.length,
                    ':sequence': sequence,
                    ':call': jammedCallOf(pending),
                  },
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
        ...moved.names,
        '#pendingChunks': 'pendingChunks',
        '#lastError': 'lastError',
        '#lastTickAt': 'lastTickAt',
        '#lastOutcome': 'lastOutcome',
        '#notBefore': 'notBefore',
        '#recentCalls': 'recentCalls',
        '#failureStreak': 'failureStreak',
        '#pendingCall': 'pendingCall',
      };
      const values: Record<string, unknown> = { ...moved.values, ':now': nowIso, ':outcome': outcome, ':recentCalls': recentCalls };
      const sets = [...moved.sets, '#lastTickAt = :now', '#lastOutcome = :outcome', '#recentCalls = :recentCalls', ...counterUpdates(counters, names, values)];
      const old = await update(sets, ['#pendingChunks', '#pendingCall', '#lastError', '#notBefore', '#failureStreak'], names, values);
      if (old === false) return false;
      await discardPendingPage(store, sequence, chunksBefore(old));
      return true;
    },

    async recordOutcome(sequence, outcome, nowIso, details = {}) {
      const names: Record<string, string> = { '#lastTickAt': 'lastTickAt', '#lastOutcome': 'lastOutcome' };
      const values: Record<string, unknown> = { ':now': nowIso, ':outcome': outcome, ':sequence': sequence };
      const sets = ['#lastTickAt = :now', '#lastOutcome = :outcome'];
      const optional = { lastError: details.error, notBefore: details.notBefore, recentCalls: details.recentCalls, failureStreak: details.failureStreak };
      for (const [name, value] of Object.entries(optional)) {
        if (value === undefined) continue;
        names[`#${name}`] = name;
        values[`:${name}`] = value;
        sets.push(`#${name} = :${name}`);
      }
      if (details.counters) sets.push(...counterUpdates(details.counters, names, values));
      return (await update(sets, [], names, values)) !== false;
    },

    async readStatus() {
      const { Item } = await document.send(
        new GetCommand({
          TableName: tableName,
          Key,
          // Never the position or the error text: the ledger can be large, and the upstream's words are for the logs.
          ProjectionExpression: statusAttributes.map((name) => `#${name}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(statusAttributes.map((name) => [`#${name}`, name])),
        }),
      );
      if (!Item) return undefined;
      const item = plainNumbers<Pick<CursorItem, (typeof statusAttributes)[number]>>(Item as Stored<Pick<CursorItem, (typeof statusAttributes)[number]>>);
      const counters = zeroCounters();
      for (const name of Object.keys(counters) as (keyof typeof counters)[]) counters[name] = item.counters?.[name] ?? 0;
      const jam = jamView(item.failureStreak);
      return {
        watermark: String(item.watermark),
        ...(item.settledWatermark === undefined ? {} : { settledWatermark: item.settledWatermark }),
        ...(item.verifiedWatermark === undefined ? {} : { verifiedWatermark: item.verifiedWatermark }),
        ...(item.lastTickAt !== undefined && item.lastOutcome !== undefined ? { lastTick: { at: item.lastTickAt, outcome: item.lastOutcome } } : {}),
        counters,
        recentCalls: (item.recentCalls ?? []).map((call) => ({ atMs: call.atMs, pass: call.pass, ok: Boolean(call.ok) })),
        ...(jam ? { jam } : {}),
        operatorActions: item.operatorActions ?? [],
      };
    },

    async readWatermark() {
      const { Item } = await document.send(
        new GetCommand({ TableName: tableName, Key, ProjectionExpression: '#watermark', ExpressionAttributeNames: { '#watermark': 'watermark' } }),
      );
      const value = Item?.watermark;
      return value === undefined ? undefined : new Date(String(value)).toISOString();
    },

    async recordOperatorAction(state, record, change) {
      const moved = change.next && passesUpdate(state.sequence, change.next);
      const names: Record<string, string> = {
        ...moved?.names,
        '#sequence': 'sequence',
        '#operatorActions': 'operatorActions',
        '#lastOutcome': 'lastOutcome',
        '#failureStreak': 'failureStreak',
        '#notBefore': 'notBefore',
        '#lastError': 'lastError',
      };
      const values: Record<string, unknown> = {
        ...moved?.values,
        ':sequence': state.sequence,
        ':actions': [...state.operatorActions, record].slice(-SHOWN_ACTIONS),
        ':outcome': { skip: 'skipped', split: 'split', quarantine: 'quarantined' }[record.action],
      };
      const sets = [...(moved?.sets ?? []), '#operatorActions = :actions', '#lastOutcome = :outcome'];
      const removes = ['#failureStreak', '#notBefore', '#lastError'];
      if (moved) {
        names['#pendingChunks'] = 'pendingChunks';
        names['#pendingCall'] = 'pendingCall';
        removes.push('#pendingChunks', '#pendingCall');
      }
      if (change.quarantined) sets.push(...counterUpdates({ quarantined: change.quarantined }, names, values));
      try {
        await document.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tableName, Item: { ...keys.audit(record.at), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Update: {
                  TableName: tableName,
                  Key,
                  UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
                  ConditionExpression: '#sequence = :sequence',
                  ExpressionAttributeNames: names,
                  ExpressionAttributeValues: values,
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (isTransactionCancellation(error)) return false;
        throw error;
      }
      if (moved && (state.pending || state.pendingLost)) await discardPendingPage(store, state.sequence);
      return true;
    },

    async rewind(state, next, nowIso) {
      const moved = passesUpdate(state.sequence, next);
      const names = {
        ...moved.names,
        '#lastTickAt': 'lastTickAt',
        '#lastOutcome': 'lastOutcome',
        '#notBefore': 'notBefore',
        '#pendingChunks': 'pendingChunks',
        '#pendingCall': 'pendingCall',
        '#failureStreak': 'failureStreak',
        '#lastError': 'lastError',
      };
      const sets = [...moved.sets, '#lastTickAt = :now', '#lastOutcome = :outcome'];
      const rewound = await update(sets, ['#notBefore', '#pendingChunks', '#pendingCall', '#failureStreak', '#lastError'], names, {
        ...moved.values,
        ':now': nowIso,
        ':outcome': 'rewound',
      });
      if (rewound === false) return false;
      await discardPendingPage(store, state.sequence, chunksBefore(rewound));
      return true;
    },
  };
}
