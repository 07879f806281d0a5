import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { epochSecond, rewoundPosition, secondIso } from '../core/ingestion-position';
import { positionAfterAction, type OperatorAction } from '../core/operator-action';
import { createCursorStore, passesUpdate } from './cursor-store';
import type { OperatorActionRecord } from './item-shapes';
import { keys } from './table-schema';
import { isConditionalCheckFailure, isTransactionCancellation, type StoreContext } from './store-context';

export type RewindResult = { rewound: true; from: string; to: string } | { rewound: false; reason: 'no-cursor' | 'pending-page' | 'not-later'; watermark?: string };

/** How many operator actions the cursor shows (all are kept as AUDIT# items). */
const SHOWN_ACTIONS = 10;

export type ActionResult = { done: true; record: OperatorActionRecord } | { done: false; reason: string };

/**
 * An operator's way out of a jam (infra/ops/unjam-ingestion.ts): moves the jammed pass as
 * `positionAfterAction` says, keeps an audit record (an AUDIT# item and the cursor's last
 * actions) and clears the streak, in one transaction conditional on the sequence, so a tick
 * running meanwhile cannot be overwritten. Refused when nothing is jammed.
 */
export async function actOnJam(store: StoreContext, action: OperatorAction, by: string, reason: string, nowIso: string): Promise<ActionResult> {
  const state = await createCursorStore(store).load();
  if (!state) return { done: false, reason: 'the table has no ingestion cursor yet' };
  const streak = state.failureStreak;
  if (!streak) return { done: false, reason: 'no call is failing again and again: nothing to skip or split' };
  if (state.pending) return { done: false, reason: 'a fetched page is waiting to be applied; the next tick applies it, then try again' };
  const next = positionAfterAction(state.position, streak, action);
  if ('refused' in next) return { done: false, reason: next.refused };
  const record: OperatorActionRecord = {
    at: nowIso,
    by,
    action,
    reason,
    pass: streak.pass,
    window: { start: secondIso(streak.span.start), end: secondIso(streak.span.end) },
    page: streak.page,
    attempts: streak.attempts,
    failure: streak.kind,
  };
  const moved = passesUpdate(state.sequence, next);
  try {
    await store.document.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: store.tableName, Item: { ...keys.audit(nowIso), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName: store.tableName,
              Key: keys.cursor(),
              UpdateExpression: `SET ${[...moved.sets, '#operatorActions = :actions', '#lastOutcome = :outcome'].join(', ')} REMOVE #failureStreak, #notBefore, #lastError`,
              ConditionExpression: '#sequence = :sequence AND attribute_not_exists(#pendingChunks)',
              ExpressionAttributeNames: {
                ...moved.names, '#operatorActions': 'operatorActions', '#lastOutcome': 'lastOutcome',
                '#failureStreak': 'failureStreak', '#notBefore': 'notBefore', '#lastError': 'lastError', '#pendingChunks': 'pendingChunks',
              },
              ExpressionAttributeValues: {
                ...moved.values,
                ':actions': [...state.operatorActions, record].slice(-SHOWN_ACTIONS), ':outcome': action === 'skip' ? 'skipped' : 'split',
              },
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (isTransactionCancellation(error)) return { done: false, reason: 'the cursor moved meanwhile (a tick ran): try again' };
    throw error;
  }
  return { done: true, record };
}

/**
 * Moves every pass back so the next ticks re-read from `watermark` on (replay,
 * infra/ops/rewind-ingestion.ts). Bumps the sequence, so a tick that read the cursor before cannot
 * store or checkpoint over it. Refused while a fetched page waits to be applied, or when the head
 * is not later than `watermark`.
 */
export async function rewindCursor({ document, tableName }: StoreContext, watermark: string, nowIso: string): Promise<RewindResult> {
  const Key = keys.cursor();
  const load = () => createCursorStore({ document, tableName }).load();
  const to = epochSecond(Date.parse(watermark));
  for (let attempt = 0; attempt < 5; attempt++) {
    const state = await load();
    if (!state) return { rewound: false, reason: 'no-cursor' };
    const from = secondIso(state.position.head);
    if (state.pending) return { rewound: false, reason: 'pending-page', watermark: from };
    if (state.position.head <= to) return { rewound: false, reason: 'not-later', watermark: from };
    const next = rewoundPosition(state.position, to);
    const moved = passesUpdate(state.sequence, next);
    try {
      await document.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: `SET ${[...moved.sets, '#lastTickAt = :now', '#lastOutcome = :outcome'].join(', ')} REMOVE #notBefore`,
          ConditionExpression: '#sequence = :sequence AND attribute_not_exists(#pendingChunks)',
          ExpressionAttributeNames: { ...moved.names, '#lastTickAt': 'lastTickAt', '#lastOutcome': 'lastOutcome', '#notBefore': 'notBefore', '#pendingChunks': 'pendingChunks' },
          ExpressionAttributeValues: { ...moved.values, ':now': nowIso, ':outcome': 'rewound' },
        }),
      );
      return { rewound: true, from, to: secondIso(to) };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }
  throw new Error('the cursor kept moving while rewinding; try again');
}
