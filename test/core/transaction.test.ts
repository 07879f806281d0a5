import { DecimalText, validatePage, validateRecord } from '../../lib/core/transaction';
import { foldTransactions, referenceAggregates, viewOf, zeroSums } from '../../lib/core/aggregate';
import { parseLossless } from '../../lib/core/lossless-json';

const valid = { id: '41bbdf81', userId: '074092', createdAt: '2023-03-16T12:33:11.000Z', type: 'payout', amount: new DecimalText('30') };

describe('record validation', () => {
  test('a well-formed record becomes a transaction with an exact decimal amount', () => {
    expect(validateRecord({ ...valid, amount: new DecimalText('1.20') })).toEqual({
      ok: true,
      transaction: { id: '41bbdf81', userId: '074092', createdAt: '2023-03-16T12:33:11.000Z', type: 'payout', amount: '1.2' },
    });
  });

  test.each([
    ['missing id', { ...valid, id: undefined }, 'id is missing'],
    ['missing userId', { ...valid, userId: undefined }, 'userId is missing'],
    ['userId the API could never serve', { ...valid, userId: 'a/b' }, 'userId is not 1-128 characters'],
    ['userId longer than 128', { ...valid, userId: 'u'.repeat(129) }, 'userId is not 1-128 characters'],
    ['id longer than 512 characters', { ...valid, id: 'x'.repeat(513) }, 'id is longer than 512 characters'],
    ['id longer than a marker key can hold', { ...valid, id: '€'.repeat(400) }, 'id is longer than 1000 bytes'],
    ['fractional number as an id', { ...valid, id: new DecimalText('1.5') }, 'id is missing or not a string'],
    ['date without a time', { ...valid, createdAt: '2023-03-16' }, 'createdAt is not an ISO 8601 date-time'],
    ['unknown type', { ...valid, type: 'refund' }, 'type is not one of earned, spent, payout, paidOut'],
    ['negative amount', { ...valid, amount: new DecimalText('-0.01') }, 'amount is negative'],
    ['amount as a string', { ...valid, amount: '30' }, 'amount is missing or not a JSON number'],
    ['amount missing', { ...valid, amount: undefined }, 'amount is missing or not a JSON number'],
    ['amount beyond range (non-finite as a float)', { ...valid, amount: new DecimalText('1e400') }, 'amount is too large'],
    ['amount finer than 12 decimals', { ...valid, amount: new DecimalText('0.0000000000001') }, 'more than 12 decimal places'],
    ['bad date', { ...valid, createdAt: '2023-02-30 nonsense' }, 'createdAt is not an ISO 8601 date-time'],
    ['not an object', 'garbage', ''],
  ])('%s is quarantined with its reason', (_, raw, reason) => {
    const result = validateRecord(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  // The README's validation table: where leniency loses nothing, the record is taken as meant.
  test.each([
    ['type in another case', { type: 'Earned' }, { type: 'earned' }],
    ['type in capitals, with spaces', { type: ' PAIDOUT ' }, { type: 'paidOut' }],
    ['createdAt in the query format, no offset (UTC)', { createdAt: '2023-03-16 12:33:11' }, { createdAt: '2023-03-16T12:33:11.000Z' }],
    ['createdAt without an offset (UTC)', { createdAt: '2023-03-16T12:33:11.250' }, { createdAt: '2023-03-16T12:33:11.250Z' }],
    ['createdAt with another offset', { createdAt: '2023-03-16T14:33:11+02:00' }, { createdAt: '2023-03-16T12:33:11.000Z' }],
    [
      'numeric id and userId, digits kept exactly',
      { id: new DecimalText('98765432109876543210'), userId: new DecimalText('74092') },
      { id: '98765432109876543210', userId: '74092' },
    ],
    ['e-mail-like userId', { userId: 'ann.lee+pay@example.com' }, { userId: 'ann.lee+pay@example.com' }],
    ['userId with a prefix and a colon', { userId: 'user:3f2c9a1e-8d4b-4b8e-9c1a-2f3e4d5c6b7a' }, { userId: 'user:3f2c9a1e-8d4b-4b8e-9c1a-2f3e4d5c6b7a' }],
    ['id of 300 characters', { id: 'i'.repeat(300) }, { id: 'i'.repeat(300) }],
    ['amount with 12 decimals, exactly', { amount: new DecimalText('0.000000000001') }, { amount: '0.000000000001' }],
  ])('%s is accepted', (_, change, expected) => {
    const result = validateRecord({ ...valid, ...change });
    expect(result).toEqual({ ok: true, transaction: expect.objectContaining(expected) });
  });

  test('one bad record in a page spoils nothing else, and keeps its position', () => {
    const page = validatePage([valid, { ...valid, type: 'x' }, { ...valid, id: 'other' }]);
    expect(page.transactions.map((t) => t.id)).toEqual(['41bbdf81', 'other']);
    expect(page.quarantined).toEqual([{ index: 1, reason: expect.stringContaining('type'), raw: { ...valid, type: 'x' } }]);
  });
});

describe('decimal folding', () => {
  const tx = (type: 'earned' | 'spent' | 'payout' | 'paidOut', amount: string, id = amount + type, userId = '074092') => ({
    id,
    userId,
    createdAt: '2023-03-16T12:33:11.000Z',
    type,
    amount,
  });

  test("reproduces the seed's example exactly", () => {
    const sums = foldTransactions(zeroSums(), [tx('earned', '150'), tx('spent', '50'), tx('payout', '30'), tx('paidOut', '20')]);
    expect(viewOf(sums)).toEqual({ balance: '100', earned: '150', spent: '50', payout: '30', paidOut: '20' });
  });

  test('0.1 + 0.2 is 0.3, and balance may go negative exactly', () => {
    const sums = foldTransactions(zeroSums(), [tx('earned', '0.1'), tx('earned', '0.2'), tx('spent', '1.2', 's')]);
    expect(viewOf(sums)).toMatchObject({ earned: '0.3', spent: '1.2', balance: '-0.9' });
  });

  test('a lossless parse keeps every digit of large amounts', () => {
    const raw = parseLossless('{"amount": 12345678901234.56}') as { amount: DecimalText };
    expect(raw.amount.text).toBe('12345678901234.56');
    const sums = foldTransactions(zeroSums(), [tx('earned', raw.amount.text), tx('earned', '0.01', 'b')]);
    expect(sums.earned).toBe('12345678901234.57');
  });

  test('the reference fold counts each (userId, id) once, and the same id for two users twice', () => {
    const result = referenceAggregates([tx('earned', '5', 'same'), tx('earned', '5', 'same'), tx('earned', '7', 'same', '074093')]);
    expect(result.get('074092')?.earned).toBe('5');
    expect(result.get('074093')?.earned).toBe('7');
  });
});
