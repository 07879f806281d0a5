import Big from 'big.js';
import { parse } from 'lossless-json';
import type { DatasetItem } from '../../../lib/mock-upstream/dataset';

export interface ExpectedAggregate {
  balance: string;
  earned: string;
  spent: string;
  payout: string;
  paidOut: string;
}

type Sums = Record<'earned' | 'spent' | 'payout' | 'paidOut', Big>;

/**
 * The reference fold, written independently of the service: every well-formed transaction
 * counts once per (userId, id), amounts summed as decimals, balance = earned − spent.
 * `isValid` says which items the test made well-formed.
 */
export function expectedAggregates(items: readonly DatasetItem[], isValid: (item: DatasetItem) => boolean = () => true): Map<string, ExpectedAggregate> {
  const seen = new Set<string>();
  const sums = new Map<string, Sums>();
  for (const item of items) {
    if (!isValid(item)) continue;
    const { id, userId, type, amount } = item.record as { id: string; userId: string; type: keyof Sums; amount: { toString(): string } };
    if (seen.has(`${userId}\u0000${id}`)) continue;
    seen.add(`${userId}\u0000${id}`);
    const user = sums.get(userId) ?? { earned: new Big(0), spent: new Big(0), payout: new Big(0), paidOut: new Big(0) };
    user[type] = user[type].plus(amount.toString());
    sums.set(userId, user);
  }
  const result = new Map<string, ExpectedAggregate>();
  for (const [userId, s] of sums) {
    result.set(userId, {
      balance: s.earned.minus(s.spent).toFixed(),
      earned: s.earned.toFixed(),
      spent: s.spent.toFixed(),
      payout: s.payout.toFixed(),
      paidOut: s.paidOut.toFixed(),
    });
  }
  return result;
}

/** The payout list the service should answer: users with payout > 0, by userId. */
export function expectedPayouts(aggregates: Map<string, ExpectedAggregate>): { userId: string; totalPayout: string }[] {
  return [...aggregates]
    .filter(([, aggregate]) => new Big(aggregate.payout).gt(0))
    .map(([userId, aggregate]) => ({ userId, totalPayout: aggregate.payout }))
    .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

/** JSON with every number kept as its exact decimal text (normalised: 30.0 reads "30"). */
export function parseExact(text: string): unknown {
  return parse(text, null, (digits) => new Big(digits).toFixed());
}
