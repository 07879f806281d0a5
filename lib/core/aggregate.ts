import Big from 'big.js';
import { transactionIdentity, type Transaction, type TransactionType } from './transaction';

// The read side's view lives apart so the read functions need not load transaction validation (zod).
export { viewOf } from './aggregate-view';

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
/** What a transaction says, beyond who it is: two listings of one (userId, id) that differ here conflict. */
export const contentOf = (transaction: Transaction): string => `${transaction.type}|${transaction.amount}|${transaction.createdAt}`;

/** The same (userId, id) listed with different content: the first is kept, both are reported. */
export interface Conflict {
  userId: string;
  id: string;
  kept: string;
  received: string;
}

/** The first listing of each (userId, id) in order; later ones are repeats, or conflicts when their content differs. */
export function distinctTransactions(transactions: readonly Transaction[]): { distinct: Transaction[]; repeated: number; conflicts: Conflict[] } {
  const seen = new Map<string, string>();
  const distinct: Transaction[] = [];
  const conflicts: Conflict[] = [];
  for (const transaction of transactions) {
    const identity = transactionIdentity(transaction);
    const content = contentOf(transaction);
    const kept = seen.get(identity);
    if (kept !== undefined) {
      if (kept !== content) conflicts.push({ userId: transaction.userId, id: transaction.id, kept, received: content });
      continue;
    }
    seen.set(identity, content);
    distinct.push(transaction);
  }
  return { distinct, repeated: transactions.length - distinct.length, conflicts };
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
