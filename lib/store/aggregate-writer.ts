import Big from 'big.js';
import pLimit from 'p-limit';
import { BatchGetCommand, NumberValue, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { foldTransactions, groupByUser, zeroSums } from '../core/aggregate';
import type { Transaction } from '../core/transaction';
import { keys, PAYOUT_INDEX_PARTITION } from './table-schema';
import type { StoreContext } from './store-context';

export interface ApplyResult {
  /** Reflected in the aggregates by this page (by this attempt or an earlier, interrupted one). */
  applied: number;
  /** Already reflected by an earlier page. */
  duplicates: number;
}

export interface AggregateWriter {
  /** Applies distinct transactions of the page numbered `sequence`, each exactly once. */
  apply(sequence: number, transactions: readonly Transaction[]): Promise<ApplyResult>;
}

export interface AggregateWriterOptions {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** How long a marker outlives its write: far beyond any look-back or retry. */
  markerTtlSeconds: number;
  /** Users written in parallel. */
  concurrency: number;
}

/** TransactWriteItems takes 100 actions: one aggregate update plus 99 markers. */
const MARKERS_PER_TRANSACTION = 99;
const MAX_TRANSACTION_ATTEMPTS = 8;

/**
 * Exactly once: each transaction's marker (USER#u / TX#id, `attribute_not_exists`) is written in
 * the same DynamoDB transaction as the sums it adds to. Either both land or neither does, and a
 * second landing is refused by the marker's condition, whatever crashed or retried in between.
 * A marker remembers the page (`seq`) that wrote it, so re-applying a page after a crash tells
 * its own earlier work apart from genuine duplicates and the counters stay exact too.
 */
export function createAggregateWriter({ document, tableName }: StoreContext, options: AggregateWriterOptions): AggregateWriter {
  const knownMarkers = async (transactions: readonly Transaction[]): Promise<Map<string, number>> => {
    const found = new Map<string, number>();
    for (let offset = 0; offset < transactions.length; offset += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ProjectionExpression: string }> | undefined = {
        [tableName]: {
          Keys: transactions.slice(offset, offset + 100).map((t) => keys.marker(t.userId, t.id)),
          ProjectionExpression: 'pk, sk, seq',
        },
      };
      while (request && Object.keys(request).length > 0) {
        const response = await document.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of response.Responses?.[tableName] ?? []) found.set(`${item.pk}|${item.sk}`, Number(item.seq));
        request = response.UnprocessedKeys as typeof request;
        if (request && Object.keys(request).length > 0) await options.sleep(50);
      }
    }
    return found;
  };

  const transactChunk = async (sequence: number, userId: string, chunk: Transaction[], result: ApplyResult): Promise<void> => {
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_TRANSACTION_ATTEMPTS) throw new Error(`could not apply ${pending.length} transactions of one user after ${MAX_TRANSACTION_ATTEMPTS} attempts`);
      const nowMs = options.nowMs();
      const sums = foldTransactions(zeroSums(), pending);
      const payoutGrows = new Big(sums.payout).gt(0);
      const expiresAt = Math.floor(nowMs / 1000) + options.markerTtlSeconds;
      try {
        await document.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: keys.aggregate(userId),
                  UpdateExpression: `SET userId = :userId, updatedAt = :now${payoutGrows ? ', payoutIndexPk = :payoutPartition' : ''} ADD earned :earned, spent :spent, payout :payout, paidOut :paidOut`,
                  ExpressionAttributeValues: {
                    ':userId': userId,
                    ':now': new Date(nowMs).toISOString(),
                    ...(payoutGrows ? { ':payoutPartition': PAYOUT_INDEX_PARTITION } : {}),
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
                  Item: { ...keys.marker(userId, transaction.id), seq: sequence, expiresAt },
                  ConditionExpression: 'attribute_not_exists(pk)',
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
                },
              })),
            ],
          }),
        );
        result.applied += pending.length;
        return;
      } catch (error) {
        if ((error as { name?: string }).name !== 'TransactionCanceledException') throw error;
        const reasons = (error as { CancellationReasons?: { Code?: string; Item?: Record<string, { N?: string }> }[] }).CancellationReasons ?? [];
        const refused = new Set<number>();
        reasons.forEach((reason, index) => {
          if (index === 0 || reason.Code !== 'ConditionalCheckFailed') return;
          refused.add(index - 1);
          if (Number(reason.Item?.seq?.N) === sequence) result.applied += 1;
          else result.duplicates += 1;
        });
        if (refused.size > 0) {
          pending = pending.filter((_, index) => !refused.has(index));
        } else {
          // TransactionConflict or throttling: nothing was written; back off and try the same set again.
          await options.sleep(Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2));
        }
      }
    }
  };

  return {
    async apply(sequence, transactions) {
      const result: ApplyResult = { applied: 0, duplicates: 0 };
      const markers = await knownMarkers(transactions);
      const candidates: Transaction[] = [];
      for (const transaction of transactions) {
        const { pk, sk } = keys.marker(transaction.userId, transaction.id);
        const markerSequence = markers.get(`${pk}|${sk}`);
        if (markerSequence === undefined) candidates.push(transaction);
        else if (markerSequence === sequence) result.applied += 1;
        else result.duplicates += 1;
      }
      const limit = pLimit(options.concurrency);
      await Promise.all(
        [...groupByUser(candidates)].map(([userId, list]) =>
          limit(async () => {
            for (let offset = 0; offset < list.length; offset += MARKERS_PER_TRANSACTION) {
              await transactChunk(sequence, userId, list.slice(offset, offset + MARKERS_PER_TRANSACTION), result);
            }
          }),
        ),
      );
      return result;
    },
  };
}

