import { transactionTypes, type TransactionType } from '../../../lib/core/transaction';
import type { MockTransaction } from '../../../lib/mock-upstream/dataset';
import { integerBetween, randomFor } from '../../../lib/mock-upstream/seeded-random';

export interface SpreadOptions {
  count: number;
  /** Users the transactions are spread over, evenly (user i % users). */
  users: number;
  /** createdAt of the first transaction, and the step between two (ms). */
  fromMs: number;
  stepMs: number;
  /** Makes ids unique across calls. */
  idPrefix: string;
  userPrefix?: string;
}

/** Deterministic transactions of all four types with cent amounts, spread evenly over users and time. */
export function spreadTransactions(options: SpreadOptions): MockTransaction[] {
  const random = randomFor('bench', options.idPrefix);
  return Array.from({ length: options.count }, (_, i) => {
    const type: TransactionType = transactionTypes[integerBetween(random, 0, transactionTypes.length - 1)]!;
    return {
      id: `${options.idPrefix}-${i}`,
      userId: `${options.userPrefix ?? 'bench-user'}-${i % options.users}`,
      createdAt: new Date(options.fromMs + Math.floor(i * options.stepMs)).toISOString(),
      type,
      amount: String(integerBetween(random, 1, 50_000) / 100),
    };
  });
}
