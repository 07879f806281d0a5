import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PageMeta, Window, CursorPosition } from '../core/window-plan';
import type { Transaction } from '../core/transaction';
import type { CursorItem, IngestionCounters, TickOutcome } from './item-shapes';
import { keys } from './table-schema';
import { isConditionalCheckFailure, type StoreContext } from './store-context';

/** A fetched page, validated, stored before it is applied so a retry never calls upstream again. */
export interface PendingPage {
  window: Window;
  page: number;
  meta: PageMeta;
  /** Records received (valid or not). */
  fetched: number;
  transactions: Transaction[];
  quarantined: { index: number; reason: string; raw: string }[];
}

export interface CursorState {
  sequence: number;
  position: CursorPosition;
  pending?: PendingPage;
  notBefore?: number;
}

export type CounterDelta = Omit<IngestionCounters, 'failedCalls'>;

export const zeroCounters = (): IngestionCounters => ({ calls: 0, fetched: 0, applied: 0, duplicates: 0, quarantined: 0, failedCalls: 0 });

export interface CursorStore {
  load(): Promise<CursorState | undefined>;
  /** Creates the cursor if absent; returns whatever cursor exists afterwards. */
  create(position: CursorPosition, nowIso: string): Promise<CursorState>;
  /** False when another tick moved the cursor or stored a page first. */
  savePending(sequence: number, pending: PendingPage): Promise<boolean>;
  /** Moves the cursor past the applied page, atomically with its counters. False on a lost race. */
  checkpoint(sequence: number, next: CursorPosition, counters: CounterDelta, outcome: TickOutcome, nowIso: string): Promise<boolean>;
  /** Records a tick that moved nothing (idle, budget, failed call). */
  recordOutcome(outcome: TickOutcome, nowIso: string, details?: { error?: string; notBefore?: number; failedCall?: boolean }): Promise<void>;
  /**
   * Moves the watermark back so the next window re-reads from there (replay). Bumps the sequence,
   * so a tick that read the cursor before cannot store or checkpoint over it. Refused while a
   * fetched page waits to be applied, or when the watermark is not later than `watermark`.
   */
  rewind(watermark: string, nowIso: string): Promise<RewindResult>;
}

export type RewindResult = { rewound: true; from: string; to: string } | { rewound: false; reason: 'no-cursor' | 'pending-page' | 'not-later'; watermark?: string };

export function createCursorStore({ document, tableName }: StoreContext): CursorStore {
  const Key = keys.cursor();

  const load = async (): Promise<CursorState | undefined> => {
    const { Item } = await document.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
    return Item ? toState(Item as CursorItem) : undefined;
  };

  return {
    load,

    async create(position, nowIso) {
      const item: CursorItem = { ...Key, sequence: 0, watermark: position.watermark, counters: zeroCounters(), lastTickAt: nowIso };
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
      try {
        await document.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: 'SET #pendingPage = :pending',
            ConditionExpression: '#sequence = :sequence AND attribute_not_exists(#pendingPage)',
            ExpressionAttributeNames: { '#pendingPage': 'pendingPage', '#sequence': 'sequence' },
            ExpressionAttributeValues: { ':pending': gzipSync(JSON.stringify(pending)), ':sequence': sequence },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      }
    },

    async checkpoint(sequence, next, counters, outcome, nowIso) {
      const names: Record<string, string> = {
        '#sequence': 'sequence', '#watermark': 'watermark', '#pendingPage': 'pendingPage', '#lastError': 'lastError',
        '#lastTickAt': 'lastTickAt', '#lastOutcome': 'lastOutcome', '#notBefore': 'notBefore', '#counters': 'counters',
        '#windowStart': 'windowStart', '#windowEnd': 'windowEnd', '#page': 'page',
      };
      const values: Record<string, unknown> = {
        ':sequence': sequence, ':next': sequence + 1, ':watermark': next.watermark, ':now': nowIso, ':outcome': outcome,
      };
      const sets = ['#sequence = :next', '#watermark = :watermark', '#lastTickAt = :now', '#lastOutcome = :outcome'];
      const removes = ['#pendingPage', '#lastError', '#notBefore'];
      for (const [name, delta] of Object.entries(counters)) {
        names[`#${name}`] = name;
        values[`:${name}`] = delta;
        sets.push(`#counters.#${name} = #counters.#${name} + :${name}`);
      }
      if (next.window) {
        Object.assign(values, { ':windowStart': next.window.start, ':windowEnd': next.window.end, ':page': next.window.page });
        sets.push('#windowStart = :windowStart', '#windowEnd = :windowEnd', '#page = :page');
      } else {
        removes.push('#windowStart', '#windowEnd', '#page');
      }
      try {
        await document.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
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

    async rewind(watermark, nowIso) {
      try {
        const { Attributes } = await document.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: 'SET #watermark = :to, #lastTickAt = :now, #lastOutcome = :outcome ADD #sequence :one REMOVE #windowStart, #windowEnd, #page, #notBefore',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#pendingPage) AND #watermark > :to',
            ExpressionAttributeNames: {
              '#watermark': 'watermark', '#sequence': 'sequence', '#pendingPage': 'pendingPage', '#lastTickAt': 'lastTickAt',
              '#lastOutcome': 'lastOutcome', '#windowStart': 'windowStart', '#windowEnd': 'windowEnd', '#page': 'page', '#notBefore': 'notBefore',
            },
            ExpressionAttributeValues: { ':to': watermark, ':now': nowIso, ':outcome': 'rewound', ':one': 1 },
            ReturnValues: 'UPDATED_OLD',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { rewound: true, from: String(Attributes?.watermark), to: watermark };
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
        // The exception carries the item in DynamoDB's wire format (the document client does not unmarshall errors).
        const old = (error as { Item?: { watermark?: { S?: string }; pendingPage?: unknown } }).Item;
        if (!old) return { rewound: false, reason: 'no-cursor' };
        return { rewound: false, reason: old.pendingPage === undefined ? 'not-later' : 'pending-page', watermark: old.watermark?.S };
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
      if (details.failedCall) {
        Object.assign(names, { '#counters': 'counters', '#failedCalls': 'failedCalls' });
        values[':one'] = 1;
        sets.push('#counters.#failedCalls = #counters.#failedCalls + :one');
      }
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

function toState(item: CursorItem): CursorState {
  const position: CursorPosition = { watermark: item.watermark };
  if (item.windowStart && item.windowEnd && item.page) {
    position.window = { start: item.windowStart, end: item.windowEnd, page: Number(item.page) };
  }
  return {
    sequence: Number(item.sequence),
    position,
    pending: item.pendingPage ? (JSON.parse(gunzipSync(item.pendingPage).toString('utf8')) as PendingPage) : undefined,
    notBefore: item.notBefore === undefined ? undefined : Number(item.notBefore),
  };
}
