import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { transactionIdentity, type Transaction } from '../../../lib/core/transaction';
import type { AggregateWriter, TransactionSource } from '../../../lib/ingestion/ports';
import { explicitDataset, type DatasetItem } from '../../../lib/mock-upstream/dataset';

/**
 * Just enough of a DynamoDB document client for lib/store/call-slots.ts: the Query of the slot
 * items and the conditional Put that claims one. The real claim logic runs on top of it.
 */
export function inMemoryCallSlotTable(): DynamoDBDocumentClient {
  const slots = new Map<string, Record<string, unknown>>();
  const send = async (command: unknown) => {
    if (command instanceof QueryCommand) {
      return { Items: [...slots.values()].map((item) => ({ ...item })) };
    }
    if (command instanceof PutCommand) {
      const { Item, ConditionExpression, ExpressionAttributeValues } = command.input;
      const existing = slots.get(String(Item!.sk));
      const holds = ConditionExpression === 'attribute_not_exists(pk)' ? !existing : existing?.claimedAt === ExpressionAttributeValues?.[':seen'];
      if (!holds) throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
      slots.set(String(Item!.sk), { ...Item });
      return {};
    }
    throw new Error(`the in-memory call-slot table does not support ${(command as object).constructor.name}`);
  };
  // Only `send` is ever used by the call-slot adapter; the rest of the client's surface is not needed.
  return { send } as unknown as DynamoDBDocumentClient;
}

/**
 * Exactly once by (userId, id), as the markers make it; counts what a page would have applied.
 * Lighter than lib/memory's aggregates (no sums, no markers' content): hours of traffic stay small.
 */
export function countingWriter(): AggregateWriter & { distinct(): number; distinctBefore(createdBeforeMs: number): number } {
  const seen = new Set<string>();
  const createdAt: number[] = [];
  return {
    distinct: () => seen.size,
    distinctBefore: (ms) => createdAt.filter((at) => at < ms).length,
    async apply(_sequence, transactions: readonly Transaction[]) {
      let applied = 0;
      for (const transaction of transactions) {
        const identity = transactionIdentity(transaction);
        if (seen.has(identity)) continue;
        seen.add(identity);
        createdAt.push(Date.parse(transaction.createdAt));
        applied++;
      }
      return { applied, duplicates: transactions.length - applied, conflicts: [], refused: [], operatorQuarantined: 0 };
    },
  };
}

/** The Transaction API's paging over a fixed list of items (inclusive second bounds, nothing from the future, late arrivals once arrived). */
export function datasetSource(
  items: readonly DatasetItem[],
  nowMs: () => number,
  pageSize = 1000,
): TransactionSource & { calls: { atMs: number; items: number }[] } {
  const dataset = explicitDataset(items);
  const calls: { atMs: number; items: number }[] = [];
  return {
    calls,
    async fetchPage(window, page) {
      const fromMs = Date.parse(window.start);
      const toMs = Math.min(Date.parse(window.end) + 999, nowMs());
      const totalItems = dataset.count(fromMs, toMs, nowMs());
      const records = dataset.slice(fromMs, toMs, (page - 1) * pageSize, pageSize, nowMs()).map((item) => item.record);
      calls.push({ atMs: nowMs(), items: records.length });
      return {
        records,
        meta: { totalItems, itemCount: records.length, itemsPerPage: pageSize, totalPages: Math.ceil(totalItems / pageSize), currentPage: page },
      };
    },
  };
}
