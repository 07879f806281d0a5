import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The opaque `cursor` of GET /aggregatedData/payouts: the last userId of the previous page,
 * base64url-encoded, plus a check tag. The tag is a hash, not a secret signature: the cursor
 * grants nothing (every position of the list is reachable by paging), so what matters is that
 * an edited, truncated or invented cursor is refused with a 400 instead of starting somewhere odd.
 */
const CURSOR = /^([A-Za-z0-9_-]{1,88})\.([A-Za-z0-9_-]{12})$/;
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

const checkTag = (userId: string): string =>
  createHash('sha256').update(`payouts-cursor/v1/${userId}`).digest().subarray(0, 9).toString('base64url');

export const encodePayoutCursor = (lastUserId: string): string => `${Buffer.from(lastUserId, 'utf8').toString('base64url')}.${checkTag(lastUserId)}`;

/** The userId after which the next page starts, or undefined for anything this API did not issue. */
export function decodePayoutCursor(cursor: string): string | undefined {
  const match = CURSOR.exec(cursor);
  if (!match) return undefined;
  const [, encoded, tag] = match;
  const userId = Buffer.from(encoded, 'base64url').toString('utf8');
  // Only the canonical encoding of a well-formed userId is accepted.
  if (!USER_ID.test(userId) || Buffer.from(userId, 'utf8').toString('base64url') !== encoded) return undefined;
  return timingSafeEqual(Buffer.from(checkTag(userId)), Buffer.from(tag)) ? userId : undefined;
}
