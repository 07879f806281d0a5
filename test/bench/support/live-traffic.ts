import { transactionTypes } from '../../../lib/core/transaction';
import { datasetItem, explicitDataset, type MockTransaction } from '../../../lib/mock-upstream/dataset';

export interface LiveTraffic {
  /** Served by the mock: an item is visible once its createdAt has passed (the mock clamps to now). */
  dataset: ReturnType<typeof explicitDataset>;
  /** Each probe user's transactions, in the order ingestion applies them (createdAt, id). */
  probeTransactions: Map<string, MockTransaction[]>;
}

/**
 * Transactions at a steady rate from `fromMs` on, createdAt spread evenly. Half of them belong
 * to a few probe users (so freshness gets many samples), half to many other users (so each
 * page touches ~300 users like a busy day). Every amount is 1, so the sum of a user's four
 * sums says how many of the user's transactions are reflected: ingestion applies a user's
 * transactions in createdAt order, hence exactly the first that many.
 */
export function liveTraffic(options: { fromMs: number; durationMs: number; perMinute: number; probeUsers: number; otherUsers: number }): LiveTraffic {
  const stepMs = 60_000 / options.perMinute;
  const count = Math.ceil(options.durationMs / stepMs);
  const transactions: MockTransaction[] = [];
  const probeTransactions = new Map<string, MockTransaction[]>();
  for (let i = 0; i < count; i++) {
    const probe = i % 2 === 0;
    const userId = probe ? `probe-${(i / 2) % options.probeUsers}` : `busy-${((i - 1) / 2) % options.otherUsers}`;
    const transaction: MockTransaction = {
      id: `live-${String(i).padStart(8, '0')}`,
      userId,
      createdAt: new Date(options.fromMs + Math.floor(i * stepMs)).toISOString(),
      type: transactionTypes[i % transactionTypes.length]!,
      amount: '1',
    };
    transactions.push(transaction);
    if (probe) probeTransactions.set(userId, [...(probeTransactions.get(userId) ?? []), transaction]);
  }
  return { dataset: explicitDataset(transactions.map(datasetItem)), probeTransactions };
}
