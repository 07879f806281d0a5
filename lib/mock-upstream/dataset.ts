import { LosslessNumber } from 'lossless-json';
import type { TransactionType } from '../core/transaction';

/** A well-formed transaction as the mock serves it; `amount` is decimal text, written as a JSON number. */
export interface MockTransaction {
  id: string;
  userId: string;
  /** ISO 8601 UTC, e.g. 2023-03-16T12:33:11.000Z. */
  createdAt: string;
  type: TransactionType;
  amount: string;
}

/** One item of a dataset, as the Transaction API pages it. */
export interface DatasetItem {
  /** Epoch ms of creation: orders the items, places them in windows, hides them until then. */
  at: number;
  /** Second sort key after `at`. */
  id: string;
  /** The JSON object returned for the item (may be malformed on purpose in tests). */
  record: Record<string, unknown>;
  /** A late arrival: listed only from this epoch ms on (after `at`), though it sorts by `at`. */
  visibleAt?: number;
}

/**
 * The transactions a mock serves. Bounds are inclusive epoch ms; results are in API order
 * (createdAt, then id). Callers clamp `toMs` to "now" so that nothing from the future shows,
 * and pass "now" as `visibleAtMs` so that a late arrival shows only once it has arrived.
 */
export interface TransactionDataset {
  count(fromMs: number, toMs: number, visibleAtMs?: number): number;
  slice(fromMs: number, toMs: number, offset: number, limit: number, visibleAtMs?: number): DatasetItem[];
}

/** Amounts travel as number literals with exactly their decimal digits (12.34, never 12.339999). */
export function datasetItem(transaction: MockTransaction): DatasetItem {
  return {
    at: Date.parse(transaction.createdAt),
    id: transaction.id,
    record: { ...transaction, amount: new LosslessNumber(transaction.amount) },
  };
}

export const apiOrder = (a: DatasetItem, b: DatasetItem): number => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** First index whose item is at or after `ms` (items sorted by `at`). */
function lowerBound(items: readonly DatasetItem[], ms: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (items[middle]!.at < ms) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A fixed list of items (tests, benchmarks, a replay of real data) served in API order. */
export function explicitDataset(items: readonly DatasetItem[]): TransactionDataset & { items: readonly DatasetItem[] } {
  const sorted = [...items].sort(apiOrder);
  /** Positions of the late arrivals in `sorted`: the only items that can be hidden from a listing. */
  const late = sorted.flatMap((item, index) => (item.visibleAt !== undefined && item.visibleAt > item.at ? [index] : []));
  const range = (fromMs: number, toMs: number): [number, number] => {
    if (toMs < fromMs) return [0, 0];
    return [lowerBound(sorted, fromMs), lowerBound(sorted, toMs + 1)];
  };
  const hiddenWithin = (start: number, end: number, visibleAtMs: number): number[] =>
    late.filter((index) => index >= start && index < end && sorted[index]!.visibleAt! > visibleAtMs);
  return {
    items: sorted,
    count(fromMs, toMs, visibleAtMs = Number.POSITIVE_INFINITY) {
      const [start, end] = range(fromMs, toMs);
      return end - start - hiddenWithin(start, end, visibleAtMs).length;
    },
    slice(fromMs, toMs, offset, limit, visibleAtMs = Number.POSITIVE_INFINITY) {
      const [start, end] = range(fromMs, toMs);
      const hidden = hiddenWithin(start, end, visibleAtMs);
      if (hidden.length === 0) return sorted.slice(Math.min(end, start + offset), Math.min(end, start + offset + limit));
      const skip = new Set(hidden);
      const page: DatasetItem[] = [];
      let seen = 0;
      for (let index = start; index < end && page.length < limit; index++) {
        if (skip.has(index)) continue;
        if (seen++ >= offset) page.push(sorted[index]!);
      }
      return page;
    },
  };
}
