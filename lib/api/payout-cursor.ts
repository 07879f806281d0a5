import { createHash, timingSafeEqual } from 'node:crypto';
import { userIdDomain } from '../core/accepted-domain';
import { canonicalPayoutSortKey, decodePayoutSortKey } from '../core/payout-sort-key';
import type { PayoutSort } from './ports';

/**
 * The opaque `cursor` of GET /aggregatedData/payouts: where the previous page stopped (the last
 * userId for sort=userId, the last payoutSortKey for the amount orders), base64url-encoded, plus a
 * check tag. The tag is a hash, not a secret signature: the cursor grants nothing (every position
 * of the list is reachable by paging), so what matters is that an edited, truncated or invented
 * cursor is refused with a 400 instead of starting somewhere odd.
 *
 * The tag also covers the query the cursor belongs to (sort and minTotalPayout): a cursor of one
 * order handed to another is refused rather than resuming at a position outside its bounds. The
 * default query (sort=userId, no bound) keeps the first cursor format, so cursors issued before
 * sorting existed stay valid.
 */
const CURSOR = /^([A-Za-z0-9_-]{1,240})\.([A-Za-z0-9_-]{12})$/;
const USER_ID = userIdDomain.pattern;

/** The query a cursor belongs to. */
export interface PayoutCursorScope {
  sort: PayoutSort;
  /** Canonical decimal text, or undefined when there is no bound. */
  minTotalPayout?: string;
}

const DEFAULT_SCOPE: PayoutCursorScope = { sort: 'userId' };

const scopeText = ({ sort, minTotalPayout }: PayoutCursorScope): string =>
  sort === 'userId' && minTotalPayout === undefined ? '' : `${sort}|${minTotalPayout ?? ''}|`;

const checkTag = (position: string, scope: PayoutCursorScope): string =>
  createHash('sha256')
    .update(`payouts-cursor/v1/${scopeText(scope)}${position}`)
    .digest()
    .subarray(0, 9)
    .toString('base64url');

export const encodePayoutCursor = (position: string, scope: PayoutCursorScope = DEFAULT_SCOPE): string =>
  `${Buffer.from(position, 'utf8').toString('base64url')}.${checkTag(position, scope)}`;

const wellFormed = (position: string, scope: PayoutCursorScope): boolean => {
  if (scope.sort === 'userId') return USER_ID.test(position);
  const key = decodePayoutSortKey(position);
  return key !== undefined && USER_ID.test(key.userId);
};

/** The position after which the next page starts, or undefined for anything this API did not issue for this query. */
export function decodePayoutCursor(cursor: string, scope: PayoutCursorScope = DEFAULT_SCOPE): string | undefined {
  const match = CURSOR.exec(cursor);
  if (!match) return undefined;
  const [, encoded, tag] = match;
  const position = Buffer.from(encoded, 'base64url').toString('utf8');
  // Only the canonical encoding of a well-formed position is accepted.
  if (!wellFormed(position, scope) || Buffer.from(position, 'utf8').toString('base64url') !== encoded) return undefined;
  if (!timingSafeEqual(Buffer.from(checkTag(position, scope)), Buffer.from(tag))) return undefined;
  // A cursor issued before payout keys had 12 fraction digits resumes at the same place in today's keys.
  return scope.sort === 'userId' ? position : canonicalPayoutSortKey(position);
}
