import Big from 'big.js';
import pLimit from 'p-limit';
import { NumberValue, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { contentOf, foldTransactions, groupByUser, zeroSums } from '../core/aggregate';
import type { Transaction } from '../core/transaction';
import type { AggregateWriter, ApplyResult } from '../ingestion/ports';
import { payoutSortKey } from '../core/payout-sort-key';
import { batchGetAll } from './batch-get';
import { markerKey, OPERATOR_QUARANTINE_SEQUENCE, readMarkers, type Marker } from './markers';
import { decimalText } from './stored-number';
import { keys, PAYOUT_INDEX_PARTITION } from './table-schema';
import { isTransactionCancellation, type StoreContext } from './store-context';
import { isRecordRefusal, RecordRefusedError } from './write-failure';

export interface AggregateWriterOptions {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** How long a marker outlives its write: far beyond any re-read (tail, reconciliation) or retry. */
  markerTtlSeconds: number;
  /** Users written in parallel. */
  concurrency: number;
}

/** Writes one chunk of one user's transactions of page `sequence`, counting into `result`; `stored` is the user's payout as last known. */
type ChunkWrite = (sequence: number, userId: string, chunk: Transaction[], result: ApplyResult, stored: { payout: string | undefined }) => Promise<void>;

/** TransactWriteItems takes 100 actions: one aggregate update plus 99 markers. */
const MARKERS_PER_TRANSACTION = 99;
const MAX_TRANSACTION_ATTEMPTS = 8;

/**
 * Exactly once: each transaction's marker (USER#u / TX#id, `attribute_not_exists`) is written in
 * the same DynamoDB transaction as the sums it adds to. Either both land or neither does, and a
 * second landing is refused by the marker's condition, whatever crashed or retried in between.
 * A marker remembers the page (`seq`) that wrote it, so re-applying a page after a crash tells
 * its own earlier work apart from genuine duplicates and the counters stay exact too.
 *
 * The same update keeps the payout-amount index in step: it sets `payoutSortKey` (the new payout,
 * fixed width, then the userId) computed from the payout it read, on the condition that the
 * stored payout is still that value. A stale read (or a concurrent tick) fails the condition;
 * the refusal returns the stored item, and the next attempt starts from its payout. So the key
 * never differs from the stored payout, whatever interleaves. Users whose payout is 0 carry
 * neither `payoutIndexPk` nor `payoutSortKey`: both indexes hold only users above 0.
 * `updatedAt` (the route's Last-Modified) moves only when a sum changes.
 */
export function createAggregateWriter({ document, tableName }: StoreContext, options: AggregateWriterOptions): AggregateWriter {
  /** The stored payout of each user (undefined: no aggregate yet), read strongly consistent. */
  const knownPayouts = async (userIds: readonly string[]): Promise<Map<string, string | undefined>> => {
    const found = new Map<string, string | undefined>(userIds.map((userId) => [userId, undefined]));
    const items = await batchGetAll(
      { document, tableName },
      userIds.map((userId) => keys.aggregate(userId)),
      {
        projection: '#userId, #payout',
        names: { '#userId': 'userId', '#payout': 'payout' },
        consistentRead: true,
        sleep: options.sleep,
      },
    );
    for (const item of items) found.set(String(item.userId), decimalText(item.payout));
    return found;
  };

  const transactChunk: ChunkWrite = async (sequence, userId, chunk, result, stored) => {
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_TRANSACTION_ATTEMPTS)
        throw new Error(`could not apply ${pending.length} transactions of one user after ${MAX_TRANSACTION_ATTEMPTS} attempts`);
      const nowMs = options.nowMs();
      const sums = foldTransactions(zeroSums(), pending);
      const changes = Object.values(sums).some((sum) => !new Big(sum).eq(0));
      const oldPayout = stored.payout;
      const newPayout = new Big(oldPayout ?? '0').plus(sums.payout);
      const indexed = newPayout.gt(0);
      const expiresAt = Math.floor(nowMs / 1000) + options.markerTtlSeconds;
      const set = ['userId = :userId', changes ? 'updatedAt = :now' : 'updatedAt = if_not_exists(updatedAt, :now)'];
      if (indexed) set.push('payoutIndexPk = :payoutPartition', 'payoutSortKey = :payoutSortKey');
      try {
        await document.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: keys.aggregate(userId),
                  UpdateExpression: `SET ${set.join(', ')}${indexed ? '' : ' REMOVE payoutIndexPk, payoutSortKey'} ADD earned :earned, spent :spent, payout :payout, paidOut :paidOut`,
                  // The sort key is computed from the payout read before: valid only while it is still stored.
                  ConditionExpression: oldPayout === undefined ? 'attribute_not_exists(pk)' : 'payout = :oldPayout',
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
                  ExpressionAttributeValues: {
                    ':userId': userId,
                    ':now': new Date(nowMs).toISOString(),
                    ...(indexed ? { ':payoutPartition': PAYOUT_INDEX_PARTITION, ':payoutSortKey': payoutSortKey(newPayout, userId) } : {}),
                    ...(oldPayout === undefined ? {} : { ':oldPayout': NumberValue.from(oldPayout) }),
                    ':earned': NumberValue.from(sums.earned),
                    ':spent': NumberValue.from(sums.spent),
                    ':payout': NumberValue.from(sums.payout),
                    ':paidOut': NumberValue.from(sums.paidOut),
                  },
                },
              },
              ...pending.map((transaction) => ({
                Put: {
                  TableName: tableName,
                  Item: { ...keys.marker(userId, transaction.id), seq: sequence, content: contentOf(transaction), expiresAt },
                  ConditionExpression: 'attribute_not_exists(pk)',
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
                },
              })),
            ],
          }),
        );
        result.applied += pending.length;
        stored.payout = newPayout.toFixed();
        return;
      } catch (error) {
        if (!isTransactionCancellation(error)) throw error;
        const reasons =
          (error as { CancellationReasons?: { Code?: string; Message?: string; Item?: Record<string, { N?: string; S?: string }> }[] }).CancellationReasons ??
          [];
        const invalid = reasons.find((reason) => reason.Code === 'ValidationError');
        if (invalid) throw new RecordRefusedError(`ValidationError: ${invalid.Message ?? 'the table refused an item'}`);
        const refused = new Set<number>();
        const aggregateMoved = reasons[0]?.Code === 'ConditionalCheckFailed';
        // The aggregate is not what was read (a stale read, another tick): start again from what is stored.
        if (aggregateMoved) stored.payout = reasons[0]?.Item === undefined ? undefined : decimalText(reasons[0].Item.payout?.N);
        reasons.forEach((reason, index) => {
          if (index === 0 || reason.Code !== 'ConditionalCheckFailed') return;
          refused.add(index - 1);
          countKnown(pending[index - 1]!, { seq: Number(reason.Item?.seq?.N), content: reason.Item?.content?.S }, sequence, result);
        });
        if (refused.size > 0 || aggregateMoved) {
          pending = pending.filter((_, index) => !refused.has(index));
        } else {
          // TransactionConflict or throttling: nothing was written; back off and try the same set again.
          await options.sleep(Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2));
        }
      }
    }
  };

  /**
   * A chunk the store refuses for a reason of its own is retried one transaction at a time, so
   * only the transactions refused on their own are set aside (to quarantine); transient errors
   * (throttling, 5xx, network) propagate: the page stays pending and a later tick applies it.
   */
  const applyChunk: ChunkWrite = async (sequence, userId, chunk, result, stored) => {
    try {
      await transactChunk(sequence, userId, chunk, result, stored);
    } catch (error) {
      if (!isRecordRefusal(error)) throw error;
      if (chunk.length === 1) {
        result.refused.push({ transaction: chunk[0]!, reason: refusalReason(error) });
        return;
      }
      for (const transaction of chunk) await applyChunk(sequence, userId, [transaction], result, stored);
    }
  };

  return {
    async apply(sequence, transactions) {
      const result: ApplyResult = { applied: 0, duplicates: 0, conflicts: [], refused: [], operatorQuarantined: 0 };
      const markers = await readMarkers({ document, tableName }, transactions, { sleep: options.sleep });
      const candidates: Transaction[] = [];
      for (const transaction of transactions) {
        const marker = markers.get(markerKey(transaction));
        if (marker === undefined) candidates.push(transaction);
        else countKnown(transaction, marker, sequence, result);
      }
      const limit = pLimit(options.concurrency);
      const byUser = groupByUser(candidates);
      const payouts = await knownPayouts([...byUser.keys()]);
      await Promise.all(
        [...byUser].map(([userId, list]) =>
          limit(async () => {
            const stored = { payout: payouts.get(userId) };
            for (let offset = 0; offset < list.length; offset += MARKERS_PER_TRANSACTION) {
              await applyChunk(sequence, userId, list.slice(offset, offset + MARKERS_PER_TRANSACTION), result, stored);
            }
          }),
        ),
      );
      // Every record refused alike is the store's or the code's fault, not the records': the page fails (and is retried, then jams).
      if (result.refused.length > 1 && result.refused.length === candidates.length && new Set(result.refused.map((refused) => refused.reason)).size === 1) {
        throw new Error(`every new transaction of the page was refused (${result.refused[0]!.reason}): not a record's own fault`);
      }
      return result;
    },
  };
}

const refusalReason = (error: unknown): string => `${(error as Error).name}: ${(error as Error).message}`;

/** A transaction whose marker exists: applied by this page earlier, quarantined by an operator, or a duplicate. */
function countKnown(transaction: Transaction, marker: Marker, sequence: number, result: ApplyResult): void {
  if (marker.seq === sequence) result.applied += 1;
  else if (marker.seq === OPERATOR_QUARANTINE_SEQUENCE) result.operatorQuarantined += 1;
  else duplicateOf(transaction, marker.content, result);
}

/** Counts a duplicate, and a conflict when the applied one (its marker's content) said something else. Markers older than contents cannot tell. */
function duplicateOf(transaction: Transaction, appliedContent: string | undefined, result: ApplyResult): void {
  result.duplicates += 1;
  const received = contentOf(transaction);
  if (appliedContent !== undefined && appliedContent !== received)
    result.conflicts.push({ userId: transaction.userId, id: transaction.id, kept: appliedContent, received });
}
