import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { secondIso } from '../core/ingestion-position';
import { positionAfterAction, type OperatorAction } from '../core/operator-action';
import { createCursorStore, encode, watermarkAttributes } from './cursor-store';
import type { OperatorActionRecord } from './item-shapes';
import { keys } from './table-schema';
import type { StoreContext } from './store-context';

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
  const marks = watermarkAttributes(next);
  try {
    await store.document.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: store.tableName, Item: { ...keys.audit(nowIso), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName: store.tableName,
              Key: keys.cursor(),
              UpdateExpression:
                'SET #sequence = :next, #position = :position, #watermark = :watermark, #verifiedWatermark = :verified, #reconciledWatermark = :reconciled, ' +
                '#operatorActions = :actions, #lastOutcome = :outcome REMOVE #failureStreak, #notBefore, #lastError',
              ConditionExpression: '#sequence = :sequence AND attribute_not_exists(#pendingChunks)',
              ExpressionAttributeNames: {
                '#sequence': 'sequence', '#position': 'position', '#watermark': 'watermark', '#verifiedWatermark': 'verifiedWatermark',
                '#reconciledWatermark': 'reconciledWatermark', '#operatorActions': 'operatorActions', '#lastOutcome': 'lastOutcome',
                '#failureStreak': 'failureStreak', '#notBefore': 'notBefore', '#lastError': 'lastError', '#pendingChunks': 'pendingChunks',
              },
              ExpressionAttributeValues: {
                ':sequence': state.sequence, ':next': state.sequence + 1, ':position': encode(next), ':watermark': marks.watermark,
                ':verified': marks.verifiedWatermark, ':reconciled': marks.reconciledWatermark,
                ':actions': [...state.operatorActions, record].slice(-SHOWN_ACTIONS), ':outcome': action === 'skip' ? 'skipped' : 'split',
              },
            },
          },
        ],
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name === 'TransactionCanceledException') return { done: false, reason: 'the cursor moved meanwhile (a tick ran): try again' };
    throw error;
  }
  return { done: true, record };
}
