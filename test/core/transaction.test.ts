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
    ['userId the API could never serve', { ...valid, userId: 'a/b' }, 'userId is not 1-64 characters'],
    ['unknown type', { ...valid, type: 'refund' }, 'type is not one of earned, spent, payout, paidOut'],
    ['negative amount', { ...valid, amount: new DecimalText('-0.01') }, 'amount is negative'],
    ['amount as a string', { ...valid, amount: '30' }, 'amount is missing or not a JSON number'],
    ['amount missing', { ...valid, amount: undefined }, 'amount is missing or not a JSON number'],
    ['amount beyond range (non-finite as a float)', { ...valid, amount: new DecimalText('1e400') }, 'amount is too large'],
    ['amount finer than 8 decimals', { ...valid, amount: new DecimalText('0.000000001') }, 'more than 8 decimal places'],
    ['bad date', { ...valid, createdAt: '2023-02-30 nonsense' }, 'createdAt is not an ISO 8601 date-time'],
    ['not an object', 'garbage', ''],
  ])('%s is quarantined with its reason', (_, raw, reason) => {
    const result = validateRecord(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  test('one bad record in a page spoils nothing else, and keeps its position', () => {
    const page = validatePage([valid, { ...valid, type: 'x' }, { ...valid, id: 'other' }]);
    expect(page.transactions.map((t) => t.id)).toEqual(['41bbdf81', 'other']);
    expect(page.quarantined).toEqual([{ index: 1, reason: expect.stringContaining('type'), raw: { ...valid, type: 'x' } }]);
  });
});

describe('decimal folding', () => {
  const tx = (type: 'earned' | 'spent' | 'payout' | 'paidOut', amount: string, id = amount + type, userId = '074092') => ({ id, userId, createdAt: '2023-03-16T12:33:11.000Z', type, amount });

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
