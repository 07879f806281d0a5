import { jsonDecimal, stringifyExact } from '../../core/money-json';
import { conditionalResponse } from '../../http/conditional-get';
import { dataAsOfHeader } from '../../http/data-as-of';
import { NotFound } from '../../http/problems';
import type { ReadEndpoint } from '../../http/read-api-handler';
import { parseParameters } from '../../http/request-parameters';
import { jsonResponse } from '../../http/responses';
import type { ReadStore } from '../ports';
import { userAggregateParamsSchema } from '../schemas';

/**
 * GET /aggregatedData/{userId}: one GetItem; 400 for a malformed id, 404 for an unknown user.
 * ETag, Last-Modified (when the aggregate last changed) and Data-As-Of; If-None-Match or
 * If-Modified-Since answer 304 while the aggregate is unchanged.
 */
export const userAggregateEndpoint =
  (store: Pick<ReadStore, 'getAggregateRecord' | 'getWatermark'>): ReadEndpoint =>
  async (event) => {
    const { userId } = parseParameters(userAggregateParamsSchema, event.pathParameters, 'path');
    const [record, watermark] = await Promise.all([store.getAggregateRecord(userId), store.getWatermark()]);
    if (!record) throw new NotFound(`No transactions of user ${userId} have been aggregated.`);
    const { aggregate } = record;
    const body = stringifyExact({
      balance: jsonDecimal(aggregate.balance),
      earned: jsonDecimal(aggregate.earned),
      spent: jsonDecimal(aggregate.spent),
      payout: jsonDecimal(aggregate.payout),
      paidOut: jsonDecimal(aggregate.paidOut),
    });
    return conditionalResponse(event, { ...jsonResponse(body, dataAsOfHeader(watermark)), body }, record.updatedAt);
  };
