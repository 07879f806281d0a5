import type { MockTransaction } from './dataset';

/**
 * The example of the service description, always part of the mock's data:
 *   GET /aggregatedData/074092 → {"balance":100,"earned":150,"spent":50,"payout":30,"paidOut":20}
 *   GET /aggregatedData/payouts → [{"userId":"074092","totalPayout":30},{"userId":"074093","totalPayout":40}]
 * It also carries the example's quirk: one transaction id used by two different users.
 * Generated traffic never uses these two user ids.
 */
export const seedExampleUserIds = ['074092', '074093'] as const;

/** The id the example data shows for two different users' payouts. */
export const sharedTransactionId = '41bbdf81-735c-4aea-beb3-3e5f433a30c5';

export const seedExampleAggregates = {
  '074092': { balance: '100', earned: '150', spent: '50', payout: '30', paidOut: '20' },
  '074093': { balance: '0', earned: '0', spent: '0', payout: '40', paidOut: '0' },
} as const;

/** The example's transactions, created 20 s apart from `firstAtMs` on. */
export function seedExampleTransactions(firstAtMs: number): MockTransaction[] {
  const at = (step: number) => new Date(Math.floor(firstAtMs / 1000) * 1000 + step * 20_000).toISOString();
  return [
    { id: '0a6c9d2e-3f41-4b8a-9c1d-5e7f80a1b2c3', userId: '074092', createdAt: at(0), type: 'earned', amount: '150' },
    { id: '1b7d0e3f-4a52-4c9b-8d2e-6f8091b2c3d4', userId: '074092', createdAt: at(1), type: 'spent', amount: '50' },
    { id: sharedTransactionId, userId: '074092', createdAt: at(2), type: 'payout', amount: '30' },
    { id: sharedTransactionId, userId: '074093', createdAt: at(2), type: 'payout', amount: '25.5' },
    { id: '2c8e1f40-5b63-4dac-9e3f-7081a2c3d4e5', userId: '074092', createdAt: at(3), type: 'paidOut', amount: '20' },
    { id: '3d9f2051-6c74-4ebd-8f40-8192b3d4e5f6', userId: '074093', createdAt: at(4), type: 'payout', amount: '14.5' },
  ];
}
