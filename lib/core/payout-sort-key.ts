import Big from 'big.js';
import { sumDomain } from './accepted-domain';

/**
 * The sort key of the payout-amount index (`payoutSortKey`): the user's payout as a fixed-width
 * decimal string, then `#`, then the userId. Lexicographic order of the key is numeric order of
 * the payout, and ties in amount are ordered by userId, so every position in the index is unique
 * and paging is stable.
 *
 * Width: the accepted domain's sums (lib/core/accepted-domain.ts): 24 integer and 12 fraction
 * digits, 36 significant digits. Every accepted amount has at most 12 decimal places and is below
 * 1e15, so every sum has at most 12 decimal places; 1e24 is a billion times the largest amount.
 * Keys written with 8 fraction digits (before amounts could have 12) are still decoded, so an old
 * cursor keeps working; infra/ops/backfill-payout-keys.ts re-encodes such keys in the table.
 */
export const PAYOUT_INTEGER_DIGITS = sumDomain.integerDigits;
export const PAYOUT_FRACTION_DIGITS = sumDomain.fractionDigits;
const LEGACY_FRACTION_DIGITS = 8;
const SEPARATOR = '#';
const LIMIT = new Big(10).pow(PAYOUT_INTEGER_DIGITS);

/** The fixed-width text of a non-negative amount (no userId): `000…0030.00000000`. */
export function encodePayoutAmount(amount: string | Big): string {
  const value = new Big(amount);
  if (value.lt(0)) throw new RangeError('a payout amount is never negative');
  if (value.gte(LIMIT)) throw new RangeError(`payout ${value.toFixed()} does not fit the payout sort key (${PAYOUT_INTEGER_DIGITS} integer digits)`);
  if (!value.eq(value.round(PAYOUT_FRACTION_DIGITS, Big.roundDown))) {
    throw new RangeError(`payout ${value.toFixed()} has more than ${PAYOUT_FRACTION_DIGITS} decimal places`);
  }
  const [integer, fraction = ''] = value.toFixed(PAYOUT_FRACTION_DIGITS).split('.');
  return `${integer.padStart(PAYOUT_INTEGER_DIGITS, '0')}.${fraction}`;
}

/**
 * The smallest encoded amount at or above `amount`: the lower bound of `minTotalPayout`. A bound
 * with more than 12 decimal places is rounded up (no stored payout lies strictly between).
 */
export function payoutLowerBound(amount: string | Big): string {
  const value = new Big(amount);
  const rounded = value.round(PAYOUT_FRACTION_DIGITS, Big.roundUp);
  return rounded.gte(LIMIT) ? '9'.repeat(PAYOUT_INTEGER_DIGITS + 1) : encodePayoutAmount(rounded.lt(0) ? new Big(0) : rounded);
}

/** `payoutSortKey` of a user whose payout is `amount`. */
export const payoutSortKey = (amount: string | Big, userId: string): string => `${encodePayoutAmount(amount)}${SEPARATOR}${userId}`;

/** The amount and userId a sort key was made from (for cursors and checks). */
export function decodePayoutSortKey(key: string): { amount: string; userId: string } | undefined {
  const at = key.indexOf(SEPARATOR);
  const widths = [PAYOUT_FRACTION_DIGITS, LEGACY_FRACTION_DIGITS].map((fraction) => PAYOUT_INTEGER_DIGITS + 1 + fraction);
  if (!widths.includes(at)) return undefined;
  const amount = key.slice(0, at);
  if (!/^[0-9]+\.[0-9]+$/.test(amount)) return undefined;
  return { amount: new Big(amount).toFixed(), userId: key.slice(at + 1) };
}

/** The key in today's width (a key of the legacy width re-encoded), or undefined when it is not a sort key. */
export function canonicalPayoutSortKey(key: string): string | undefined {
  const decoded = decodePayoutSortKey(key);
  return decoded && payoutSortKey(decoded.amount, decoded.userId);
}
