import { BatchGetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { contentOf, distinctTransactions } from '../core/aggregate';
import { epochSecond, rewoundPosition, secondIso, type IngestionPosition } from '../core/ingestion-position';
import { positionAfterAction, type JammedCall, type OperatorAction } from '../core/operator-action';
import type { Transaction } from '../core/transaction';
import { OPERATOR_QUARANTINE_SEQUENCE } from './aggregate-writer';
import { quarantineEntry } from '../core/quarantine-entry';
import { type CursorState, type OperatorActionRecord, type PendingPage } from '../ingestion/ports';
import { createCursorStore, passesUpdate } from './cursor-store';
import { discardPendingPage } from './pending-page-store';
import { createQuarantineStore } from './quarantine-store';
import { keys } from './table-schema';
import { isConditionalCheckFailure, isTransactionCancellation, type StoreContext } from './store-context';

export type RewindResult = { rewound: true; from: string; to: string; droppedPage: boolean } | { rewound: false; reason: 'no-cursor' | 'not-later'; watermark?: string };

/** How many operator actions the cursor shows (all are kept as AUDIT# items). */
const SHOWN_ACTIONS = 10;

export type ActionResult = { done: true; record: OperatorActionRecord } | { done: false; reason: string };

const refuse = (reason: string): ActionResult => ({ done: false, reason });
const callOf = (page: PendingPage): JammedCall => ({ pass: page.pass, span: page.span, page: page.page });

/**
 * An operator's way past what is stuck (infra/ops/unjam-ingestion.ts), each kept as an audit
 * record (an AUDIT# item and the cursor's last actions), in one transaction conditional on the
 * cursor's sequence, so a tick running meanwhile is never overwritten:
 * - split / skip act on the stuck call: a pending page's (whose apply fails, or whose chunks are
 *   gone), else the call that keeps failing. A pending page is dropped with it (what of it was
 *   applied stays applied; the pass reads the span again, or moves past it).
 * - quarantine sets a pending page's unapplied records aside (QUARANTINE items with the
 *   operator's reason, and markers that say so), so the next tick checkpoints the page.
 */
export async function actOnJam(store: StoreContext, action: OperatorAction, by: string, reason: string, nowIso: string, options: { markerTtlSeconds: number }): Promise<ActionResult> {
  const state = await createCursorStore(store).load();
  if (!state) return refuse('the table has no ingestion cursor yet');
  const streak = state.failureStreak;
  const stuck = state.pending ? callOf(state.pending) : (state.pendingLost ?? streak);
  const audit = (call: JammedCall, extra: Partial<OperatorActionRecord> = {}): OperatorActionRecord => ({
    at: nowIso,
    by,
    action,
    reason,
    pass: call.pass,
    window: { start: secondIso(call.span.start), end: secondIso(call.span.end) },
    page: call.page,
    attempts: streak?.attempts ?? 0,
    failure: streak?.kind ?? 'pending page',
    ...extra,
  });
  if (action === 'quarantine') {
    if (state.pendingLost) return refuse("the pending page's stored chunks are gone (expired): nothing is left to quarantine; skip, split or rewind to read it again");
    if (!state.pending) return refuse('no fetched page is waiting to be applied: nothing to quarantine (split or skip act on a failing call)');
    const records = await quarantineUnapplied(store, state, state.pending, `quarantined by ${by}: ${reason}`, nowIso, options.markerTtlSeconds);
    return recordAction(store, state, audit(stuck!, { records }), { quarantined: records });
  }
  if (!stuck) return refuse('no call is failing again and again and no page is waiting: nothing to skip or split');
  const next = positionAfterAction(state.position, stuck, action);
  if ('refused' in next) return refuse(next.refused);
  return recordAction(store, state, audit(stuck), { next });
}

/**
 * The audit item and the cursor update of an action, in one transaction conditional on the
 * sequence. With `next`, the passes move and a pending page is dropped; without, only the
 * streak and backoff are cleared (the next tick applies the page at once).
 */
async function recordAction(store: StoreContext, state: CursorState, record: OperatorActionRecord, change: { next?: IngestionPosition; quarantined?: number }): Promise<ActionResult> {
  const moved = change.next && passesUpdate(state.sequence, change.next);
  const names: Record<string, string> = {
    ...moved?.names, '#sequence': 'sequence', '#operatorActions': 'operatorActions', '#lastOutcome': 'lastOutcome',
    '#failureStreak': 'failureStreak', '#notBefore': 'notBefore', '#lastError': 'lastError',
  };
  const values: Record<string, unknown> = {
    ...moved?.values, ':sequence': state.sequence,
    ':actions': [...state.operatorActions, record].slice(-SHOWN_ACTIONS), ':outcome': { skip: 'skipped', split: 'split', quarantine: 'quarantined' }[record.action],
  };
  const sets = [...(moved?.sets ?? []), '#operatorActions = :actions', '#lastOutcome = :outcome'];
  const removes = ['#failureStreak', '#notBefore', '#lastError'];
  if (moved) {
    names['#pendingChunks'] = 'pendingChunks';
    names['#pendingCall'] = 'pendingCall';
    removes.push('#pendingChunks', '#pendingCall');
  }
  if (change.quarantined) {
    names['#counters'] = 'counters';
    names['#quarantined'] = 'quarantined';
    values[':zero'] = 0;
    values[':quarantined'] = change.quarantined;
    sets.push('#counters.#quarantined = if_not_exists(#counters.#quarantined, :zero) + :quarantined');
  }
  try {
    await store.document.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: store.tableName, Item: { ...keys.audit(record.at), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName: store.tableName,
              Key: keys.cursor(),
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
    if (isTransactionCancellation(error)) return refuse('the cursor moved meanwhile (a tick ran): try again');
    throw error;
  }
  if (moved && (state.pending || state.pendingLost)) await discardPendingPage(store, state.sequence);
  return { done: true, record };
}

/**
 * Sets aside the page's transactions that are not applied: a marker with the operator's sequence
 * (so no later tick or re-read applies them) and a QUARANTINE item with the reason. Safe to
 * repeat: a transaction whose marker is already the operator's is quarantined again, idempotently.
 * Answers how many were set aside.
 */
async function quarantineUnapplied(store: StoreContext, state: CursorState, page: PendingPage, reason: string, nowIso: string, markerTtlSeconds: number): Promise<number> {
  const candidates = distinctTransactions(page.transactions).distinct;
  const markers = await markerSequences(store, candidates);
  const unapplied = candidates.filter((transaction) => {
    const seq = markers.get(markerKey(transaction));
    return seq === undefined || seq === OPERATOR_QUARANTINE_SEQUENCE;
  });
  const expiresAt = epochSecond(Date.parse(nowIso)) + markerTtlSeconds;
  const setAside: Transaction[] = [];
  for (const transaction of unapplied) {
    try {
      await store.document.send(
        new PutCommand({
          TableName: store.tableName,
          Item: { ...keys.marker(transaction.userId, transaction.id), seq: OPERATOR_QUARANTINE_SEQUENCE, content: contentOf(transaction), expiresAt },
          ConditionExpression: 'attribute_not_exists(pk) OR seq = :operator',
          ExpressionAttributeValues: { ':operator': OPERATOR_QUARANTINE_SEQUENCE },
        }),
      );
      setAside.push(transaction);
    } catch (error) {
      // A tick applied it meanwhile: it is counted, not quarantined.
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }
  await createQuarantineStore(store).keep(
    state.sequence,
    setAside.map((transaction) => quarantineEntry(page.transactions.indexOf(transaction), reason, transaction)),
    page,
    nowIso,
  );
  return setAside.length;
}

const markerKey = (transaction: Transaction): string => {
  const { pk, sk } = keys.marker(transaction.userId, transaction.id);
  return `${pk}|${sk}`;
};

/** The `seq` of each existing marker among the transactions' (strongly consistent). */
async function markerSequences({ document, tableName }: StoreContext, transactions: readonly Transaction[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let offset = 0; offset < transactions.length; offset += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ProjectionExpression: string; ConsistentRead: boolean }> | undefined = {
      [tableName]: { Keys: transactions.slice(offset, offset + 100).map((t) => keys.marker(t.userId, t.id)), ProjectionExpression: 'pk, sk, seq', ConsistentRead: true },
    };
    while (request && Object.keys(request).length > 0) {
      const response = await document.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of response.Responses?.[tableName] ?? []) found.set(`${item.pk}|${item.sk}`, Number(item.seq));
      request = response.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

/**
 * Moves every pass back so the next ticks re-read from `watermark` on (replay,
 * infra/ops/rewind-ingestion.ts). Bumps the sequence, so a tick that read the cursor before cannot
 * store or checkpoint over it. A page waiting to be applied is dropped (the replay reads it
 * again), and with it any failure streak. Refused when the head is not later than `watermark`.
 */
export async function rewindCursor(store: StoreContext, watermark: string, nowIso: string): Promise<RewindResult> {
  const load = () => createCursorStore(store).load();
  const to = epochSecond(Date.parse(watermark));
  for (let attempt = 0; attempt < 5; attempt++) {
    const state = await load();
    if (!state) return { rewound: false, reason: 'no-cursor' };
    const from = secondIso(state.position.head);
    if (state.position.head <= to) return { rewound: false, reason: 'not-later', watermark: from };
    const next = rewoundPosition(state.position, to);
    const moved = passesUpdate(state.sequence, next);
    const droppedPage = Boolean(state.pending || state.pendingLost);
    try {
      await store.document.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: keys.cursor(),
          UpdateExpression: `SET ${[...moved.sets, '#lastTickAt = :now', '#lastOutcome = :outcome'].join(', ')} REMOVE #notBefore, #pendingChunks, #pendingCall, #failureStreak, #lastError`,
          ConditionExpression: '#sequence = :sequence',
          ExpressionAttributeNames: {
            ...moved.names, '#lastTickAt': 'lastTickAt', '#lastOutcome': 'lastOutcome', '#notBefore': 'notBefore',
            '#pendingChunks': 'pendingChunks', '#pendingCall': 'pendingCall', '#failureStreak': 'failureStreak', '#lastError': 'lastError',
          },
          ExpressionAttributeValues: { ...moved.values, ':now': nowIso, ':outcome': 'rewound' },
        }),
      );
      if (droppedPage) await discardPendingPage(store, state.sequence);
      return { rewound: true, from, to: secondIso(to), droppedPage };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }
  throw new Error('the cursor kept moving while rewinding; try again');
}
