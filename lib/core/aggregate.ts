import Big from 'big.js';
import { transactionIdentity, type Transaction, type TransactionType } from './transaction';

// The read side's view lives apart so the read functions need not load transaction validation (zod).
export { viewOf, type AggregateView } from './aggregate-view';

/** The stored sums of one user; balance is derived (earned − spent). Exact decimal strings. */
export type AggregateSums = Record<TransactionType, string>;


export const zeroSums = (): AggregateSums => ({ earned: '0', spent: '0', payout: '0', paidOut: '0' });

/** Adds transactions to sums with decimal arithmetic: 0.1 + 0.2 is 0.3. */
export function foldTransactions(start: AggregateSums, transactions: readonly Transaction[]): AggregateSums {
  const sums = {
    earned: new Big(start.earned),
    spent: new Big(start.spent),
    payout: new Big(start.payout),
    paidOut: new Big(start.paidOut),
  };
  for (const transaction of transactions) sums[transaction.type] = sums[transaction.type].plus(transaction.amount);
  return {
    earned: sums.earned.toFixed(),
    spent: sums.spent.toFixed(),
    payout: sums.payout.toFixed(),
    paidOut: sums.paidOut.toFixed(),
  };
}

/** Keeps the first occurrence of each (userId, id); the rest are duplicates within the page. */
export function distinctTransactions(transactions: readonly Transaction[]): { distinct: Transaction[]; repeated: number } {
  const seen = new Set<string>();
  const distinct: Transaction[] = [];
  for (const transaction of transactions) {
    const identity = transactionIdentity(transaction);
    if (seen.has(identity)) continue;
    seen.add(identity);
    distinct.push(transaction);
  }
  return { distinct, repeated: transactions.length - distinct.length };
}

export function groupByUser(transactions: readonly Transaction[]): Map<string, Transaction[]> {
  const byUser = new Map<string, Transaction[]>();
  for (const transaction of transactions) {
    const list = byUser.get(transaction.userId);
    if (list) list.push(transaction);
    else byUser.set(transaction.userId, [transaction]);
  }
  return byUser;
}

/** The reference fold of a whole history: what the table must equal after ingestion. */
export function referenceAggregates(transactions: readonly Transaction[]): Map<string, AggregateSums> {
  const result = new Map<string, AggregateSums>();
  for (const [userId, list] of groupByUser(distinctTransactions(transactions).distinct)) {
    result.set(userId, foldTransactions(zeroSums(), list));
  }
  return result;
}
