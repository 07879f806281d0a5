import { jsonDecimal, stringifyExact } from '../../core/money-json';
import { nextPageLink } from '../../http/paging-link';
import type { ReadEndpoint } from '../../http/read-api-handler';
import { parseParameters } from '../../http/request-parameters';
import { jsonResponse } from '../../http/responses';
import type { ReadStore } from '../../store/read-store';
import { encodePayoutCursor } from '../payout-cursor';
import { payoutsQuerySchema } from '../schemas';

/**
 * GET /aggregatedData/payouts: one page of users with payout > 0, ordered by userId, as the
 * plain array; the next page is announced by `Link: <…>; rel="next"`.
 */
export const payoutListEndpoint =
  (store: Pick<ReadStore, 'listPayouts'>): ReadEndpoint =>
  async (event) => {
    const { limit, cursor: afterUserId } = parseParameters(payoutsQuerySchema, event.queryStringParameters, 'query');
    const page = await store.listPayouts({ limit, exclusiveStartUserId: afterUserId });
    const body = stringifyExact(page.payouts.map(({ userId, totalPayout }) => ({ userId, totalPayout: jsonDecimal(totalPayout) })));
    if (page.lastUserId === undefined) return jsonResponse(body);
    return jsonResponse(body, { Link: nextPageLink(event, { limit: String(limit), cursor: encodePayoutCursor(page.lastUserId) }) });
  };
