import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { contentOf, distinctTransactions } from '../core/aggregate';
import { epochSecond, rewoundPosition, secondIso } from '../core/ingestion-position';
import { jammedCallOf, positionAfterAction, type JammedCall, type OperatorAction } from '../core/operator-action';
import type { Transaction } from '../core/transaction';
import { quarantineEntry } from '../core/quarantine-entry';
import type { CursorState, OperatorActionRecord, PendingPage } from '../ingestion/ports';
import { markerKey, OPERATOR_QUARANTINE_SEQUENCE, readMarkers } from './markers';
import { createCursorRepository, type OperatorChange } from './cursor-repository';
import { createQuarantineStore } from './quarantine-store';
import { keys } from './table-schema';
import { isConditionalCheckFailure, type StoreContext } from './store-context';

export type RewindResult =
  | { rewound: true; from: string; to: string; droppedPage: boolean }
  | { rewound: false; reason: 'no-cursor' | 'not-later'; watermark?: string };

export type ActionResult = { done: true; record: OperatorActionRecord } | { done: false; reason: string };

const refuse = (reason: string): ActionResult => ({ done: false, reason });

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
export async function actOnJam(
  store: StoreContext,
  action: OperatorAction,
  by: string,
  reason: string,
  nowIso: string,
  options: { markerTtlSeconds: number },
): Promise<ActionResult> {
  const state = await createCursorRepository(store).load();
  if (!state) return refuse('the table has no ingestion cursor yet');
  const streak = state.failureStreak;
  const stuck = state.pending ? jammedCallOf(state.pending) : (state.pendingLost ?? streak);
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
    if (state.pendingLost)
      return refuse("the pending page's stored chunks are gone (expired): nothing is left to quarantine; skip, split or rewind to read it again");
    if (!state.pending) return refuse('no fetched page is waiting to be applied: nothing to quarantine (split or skip act on a failing call)');
    const records = await quarantineUnapplied(store, state, state.pending, `quarantined by ${by}: ${reason}`, nowIso, options.markerTtlSeconds);
    return recordAction(store, state, audit(stuck!, { records }), { quarantined: records });
  }
  if (!stuck) return refuse('no call is failing again and again and no page is waiting: nothing to skip or split');
  const next = positionAfterAction(state.position, stuck, action);
  if ('refused' in next) return refuse(next.refused);
  return recordAction(store, state, audit(stuck), { next });
}

/** The audit item and the cursor update of an action, in one transaction conditional on the sequence (cursor-repository.ts). */
async function recordAction(store: StoreContext, state: CursorState, record: OperatorActionRecord, change: OperatorChange): Promise<ActionResult> {
  if (!(await createCursorRepository(store).recordOperatorAction(state, record, change))) return refuse('the cursor moved meanwhile (a tick ran): try again');
  return { done: true, record };
}

/**
 * Sets aside the page's transactions that are not applied: a marker with the operator's sequence
 * (so no later tick or re-read applies them) and a QUARANTINE item with the reason. Safe to
 * repeat: a transaction whose marker is already the operator's is quarantined again, idempotently.
 * Answers how many were set aside.
 */
async function quarantineUnapplied(
  store: StoreContext,
  state: CursorState,
  page: PendingPage,
  reason: string,
  nowIso: string,
  markerTtlSeconds: number,
): Promise<number> {
  const candidates = distinctTransactions(page.transactions).distinct;
  const markers = await readMarkers(store, candidates, { consistentRead: true });
  const unapplied = candidates.filter((transaction) => {
    const seq = markers.get(markerKey(transaction))?.seq;
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

/**
 * Moves every pass back so the next ticks re-read from `watermark` on (replay,
 * infra/ops/rewind-ingestion.ts). Bumps the sequence, so a tick that read the cursor before cannot
 * store or checkpoint over it. A page waiting to be applied is dropped (the replay reads it
 * again), and with it any failure streak. Refused when the head is not later than `watermark`.
 */
export async function rewindCursor(store: StoreContext, watermark: string, nowIso: string): Promise<RewindResult> {
  const cursor = createCursorRepository(store);
  const to = epochSecond(Date.parse(watermark));
  for (let attempt = 0; attempt < 5; attempt++) {
    const state = await cursor.load();
    if (!state) return { rewound: false, reason: 'no-cursor' };
    const from = secondIso(state.position.head);
    if (state.position.head <= to) return { rewound: false, reason: 'not-later', watermark: from };
    const droppedPage = Boolean(state.pending || state.pendingLost);
    if (await cursor.rewind(state, rewoundPosition(state.position, to), nowIso)) return { rewound: true, from, to: secondIso(to), droppedPage };
  }
  throw new Error('the cursor kept moving while rewinding; try again');
}
