import Big from 'big.js';
import fc from 'fast-check';
import { amountDomain, sumDomain } from '../../lib/core/accepted-domain';
import { canonicalPayoutSortKey, decodePayoutSortKey, encodePayoutAmount, payoutLowerBound, payoutSortKey } from '../../lib/core/payout-sort-key';

/** Any sum the accepted domain can produce: up to 24 integer digits, up to 12 fraction digits. */
const sums = fc
  .tuple(
    fc.bigInt({ min: 0n, max: 10n ** BigInt(sumDomain.integerDigits) - 1n }),
    fc.bigInt({ min: 0n, max: 10n ** BigInt(sumDomain.fractionDigits) - 1n }),
    fc.integer({ min: 0, max: sumDomain.fractionDigits }),
  )
  .map(([integer, fraction, digits]) =>
    new Big(`${integer}.${fraction.toString().padStart(sumDomain.fractionDigits, '0')}`).round(digits, Big.roundDown).toFixed(),
  );

test("the key holds every sum with the accepted fraction digits: 24 + 12 digits, 36 significant, within DynamoDB's 38", () => {
  expect(sumDomain.fractionDigits).toBe(amountDomain.fractionDigits);
  expect(encodePayoutAmount('0.123456789012')).toBe(`${'0'.repeat(24)}.123456789012`);
  expect(encodePayoutAmount('999999999999999.999999999999')).toBe(`${'0'.repeat(9)}999999999999999.999999999999`);
  expect(() => encodePayoutAmount('0.0000000000001')).toThrow(RangeError);
  expect(() => encodePayoutAmount(new Big(10).pow(24))).toThrow(RangeError);
});

test('string order of keys is numeric order of sums, ties by userId; every key decodes to its sum and user', () => {
  fc.assert(
    fc.property(sums, sums, (a, b) => {
      const [ka, kb] = [payoutSortKey(a, 'u1'), payoutSortKey(b, 'u2')];
      // Equal sums: u1 before u2.
      expect(ka < kb).toBe(new Big(a).lte(b));
      expect(decodePayoutSortKey(ka)).toEqual({ amount: new Big(a).toFixed(), userId: 'u1' });
    }),
  );
});

test('minTotalPayout compares exactly at 12 decimals: the bound is the smallest key at or above it', () => {
  fc.assert(
    fc.property(sums, sums, (stored, bound) => {
      expect(payoutSortKey(stored, 'u') >= payoutLowerBound(bound)).toBe(new Big(stored).gte(bound));
    }),
  );
  // A bound with more decimals than any sum rounds up: nothing lies strictly between.
  expect(payoutLowerBound('0.0000000000001')).toBe(encodePayoutAmount('0.000000000001'));
});

test("a key of the legacy width (8 fraction digits) decodes and is re-encoded in today's width", () => {
  const legacy = `${'0'.repeat(22)}30.50000000#ann@example.com`;
  expect(decodePayoutSortKey(legacy)).toEqual({ amount: '30.5', userId: 'ann@example.com' });
  expect(canonicalPayoutSortKey(legacy)).toBe(payoutSortKey('30.5', 'ann@example.com'));
  expect(decodePayoutSortKey(`${'0'.repeat(22)}30.5000#x`)).toBeUndefined();
});
