import { jsonDecimal, stringifyExact } from '../../core/money-json';
import { conditionalResponse } from '../../http/conditional-get';
import { dataAsOfHeader } from '../../http/data-as-of';
import { nextPageLink } from '../../http/paging-link';
import { BadRequest } from '../../http/problems';
import type { ReadEndpoint } from '../../http/read-api-handler';
import { parseParameters } from '../../http/request-parameters';
import { jsonResponse } from '../../http/responses';
import type { ReadStore } from '../ports';
import { decodePayoutCursor, encodePayoutCursor } from '../payout-cursor';
import { payoutsQuerySchema } from '../schemas';

const CURSOR_REASON = 'is not a cursor this API issued';

/**
 * GET /aggregatedData/payouts: one page of users with payout > 0 in the requested order
 * (`sort`, optionally at least `minTotalPayout`), as the plain array; the next page is announced
 * by `Link: <…>; rel="next"`, whose cursor belongs to the same sort and bound. ETag and
 * Data-As-Of on every page; If-None-Match answers 304 while the page's body is unchanged.
 */
export const payoutListEndpoint =
  (store: Pick<ReadStore, 'listPayouts' | 'getWatermark'>): ReadEndpoint =>
  async (event) => {
    const { limit, sort, minTotalPayout, cursor } = parseParameters(payoutsQuerySchema, event.queryStringParameters, 'query');
    const scope = { sort, minTotalPayout };
    let after: string | undefined;
    if (cursor !== undefined) {
      after = decodePayoutCursor(cursor, scope);
      if (after === undefined) throw new BadRequest(`Invalid query parameter: cursor ${CURSOR_REASON}.`, [{ name: 'cursor', reason: CURSOR_REASON }]);
    }
    const [page, watermark] = await Promise.all([store.listPayouts({ limit, sort, minTotalPayout, after }), store.getWatermark()]);
    const body = stringifyExact(page.payouts.map(({ userId, totalPayout }) => ({ userId, totalPayout: jsonDecimal(totalPayout) })));
    const headers: Record<string, string> = { ...dataAsOfHeader(watermark) };
    if (page.next !== undefined) {
      const query: Record<string, string> = { limit: String(limit) };
      if (sort !== 'userId') query.sort = sort;
      if (minTotalPayout !== undefined) query.minTotalPayout = minTotalPayout;
      query.cursor = encodePayoutCursor(page.next, scope);
      headers.Link = nextPageLink(event, query);
    }
    return conditionalResponse(event, { ...jsonResponse(body, headers), body });
  };
