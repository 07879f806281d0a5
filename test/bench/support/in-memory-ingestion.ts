import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { transactionIdentity, type Transaction } from '../../../lib/core/transaction';
import type { AggregateWriter } from '../../../lib/store/aggregate-writer';
import type { CursorState, CursorStore } from '../../../lib/store/cursor-store';
import { zeroCounters, type IngestionCounters } from '../../../lib/store/item-shapes';
import type { QuarantineStore } from '../../../lib/store/quarantine-store';
import { explicitDataset, type DatasetItem } from '../../../lib/mock-upstream/dataset';
import type { TransactionSource } from '../../../lib/upstream/transaction-api-client';

/**
 * In-memory stand-ins for the ingestion's storage, so the real tick (runTick, the window planner
 * and the call-slot logic) can be run through hours of virtual time in seconds. They keep the
 * same contracts as the DynamoDB adapters (conditional on the sequence, exactly once by
 * identity); only their speed is not modelled (the simulation adds a measured tick duration).
 */
export function inMemoryCursor(): CursorStore & { counters: IngestionCounters } {
  let state: (CursorState & { counters: IngestionCounters }) | undefined;
  const copy = (): CursorState | undefined =>
    state ? structuredClone({ sequence: state.sequence, position: state.position, pending: state.pending, notBefore: state.notBefore, recentCalls: state.recentCalls, failureStreak: state.failureStreak, operatorActions: [] }) : undefined;
  return {
    get counters() {
      return state?.counters ?? zeroCounters();
    },
    load: async () => copy(),
    async create(position) {
      state ??= { sequence: 0, position: structuredClone(position), counters: zeroCounters(), recentCalls: [], operatorActions: [] };
      return copy()!;
    },
    async savePending(sequence, pending) {
      if (!state || state.sequence !== sequence || state.pending) return false;
      state.pending = structuredClone(pending);
      return true;
    },
    async checkpoint(sequence, next, { counters, recentCalls }) {
      if (!state || state.sequence !== sequence) return false;
      state.sequence += 1;
      state.position = structuredClone(next);
      state.pending = undefined;
      state.notBefore = undefined;
      state.recentCalls = recentCalls;
      state.failureStreak = undefined;
      addCounters(state.counters, counters);
      return true;
    },
    async recordOutcome(sequence, _outcome, _nowIso, details = {}) {
      if (!state) throw new Error('no cursor');
      if (state.sequence !== sequence) return false;
      if (details.notBefore !== undefined) state.notBefore = details.notBefore;
      if (details.recentCalls) state.recentCalls = details.recentCalls;
      if (details.failureStreak) state.failureStreak = details.failureStreak;
      if (details.counters) addCounters(state.counters, details.counters);
      return true;
    },
  };
}

function addCounters(into: IngestionCounters, delta: Partial<IngestionCounters>): void {
  for (const [name, value] of Object.entries(delta)) into[name as keyof IngestionCounters] += value ?? 0;
}

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

/** Exactly once by (userId, id), as the markers make it; counts what a page would have applied. */
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

export const discardingQuarantine: QuarantineStore = { keep: async (_sequence, records) => new Set(records.map((record) => record.rawSha256)).size };

/** The Transaction API's paging over a fixed list of items (inclusive second bounds, nothing from the future, late arrivals once arrived). */
export function datasetSource(items: readonly DatasetItem[], nowMs: () => number, pageSize = 1000): TransactionSource & { calls: { atMs: number; items: number }[] } {
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
      return { records, meta: { totalItems, itemCount: records.length, itemsPerPage: pageSize, totalPages: Math.ceil(totalItems / pageSize), currentPage: page } };
    },
  };
}
