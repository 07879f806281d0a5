import Big from 'big.js';

/**
 * What the read API shows of one user's stored sums: balance is derived (earned − spent), all
 * exact decimal strings. Kept apart from aggregate.ts (the fold, which needs transaction
 * validation and so zod) so that a read function's bundle holds only this.
 */
export interface AggregateView {
  balance: string;
  earned: string;
  spent: string;
  payout: string;
  paidOut: string;
}

export function viewOf(sums: { earned: string; spent: string; payout: string; paidOut: string }): AggregateView {
  return {
    balance: new Big(sums.earned).minus(sums.spent).toFixed(),
    earned: sums.earned,
    spent: sums.spent,
    payout: sums.payout,
    paidOut: sums.paidOut,
  };
}
