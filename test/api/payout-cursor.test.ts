import fc from 'fast-check';
import { decodePayoutCursor, encodePayoutCursor } from '../../lib/api/payout-cursor';

const userId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);

describe('payout cursor', () => {
  it('gives back the userId it was made from, and is URL-safe', () => {
    fc.assert(
      fc.property(userId, (id) => {
        const cursor = encodePayoutCursor(id);
        expect(cursor).toMatch(/^[A-Za-z0-9_.-]+$/);
        expect(decodePayoutCursor(cursor)).toBe(id);
      }),
    );
  });

  it('refuses any single-character edit', () => {
    fc.assert(
      fc.property(userId, fc.nat(), fc.constantFrom(...'ABCabc0129_-.'), (id, at, replacement) => {
        const cursor = encodePayoutCursor(id);
        const index = at % cursor.length;
        fc.pre(cursor[index] !== replacement);
        expect(decodePayoutCursor(cursor.slice(0, index) + replacement + cursor.slice(index + 1))).toBeUndefined();
      }),
    );
  });

  it('refuses a well-tagged cursor for an id the API would never serve', () => {
    // Built like a genuine cursor, but around an id with a slash: the id rule is checked too.
    const [, tag] = encodePayoutCursor('a').split('.');
    expect(decodePayoutCursor(`${Buffer.from('a/b').toString('base64url')}.${tag}`)).toBeUndefined();
    expect(decodePayoutCursor(`${Buffer.from('x'.repeat(129)).toString('base64url')}.${tag}`)).toBeUndefined();
  });
});
