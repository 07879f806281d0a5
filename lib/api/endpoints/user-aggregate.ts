import { jsonDecimal, stringifyExact } from '../../core/money-json';
import { NotFound } from '../../http/problems';
import type { ReadEndpoint } from '../../http/read-api-handler';
import { parseParameters } from '../../http/request-parameters';
import { jsonResponse } from '../../http/responses';
import type { ReadStore } from '../../store/read-store';
import { userAggregateParamsSchema } from '../schemas';

/** GET /aggregatedData/{userId}: one GetItem; 400 for a malformed id, 404 for an unknown user. */
export const userAggregateEndpoint =
  (store: Pick<ReadStore, 'getAggregate'>): ReadEndpoint =>
  async (event) => {
    const { userId } = parseParameters(userAggregateParamsSchema, event.pathParameters, 'path');
    const aggregate = await store.getAggregate(userId);
    if (!aggregate) throw new NotFound(`No transactions of user ${userId} have been aggregated.`);
    return jsonResponse(
      stringifyExact({
        balance: jsonDecimal(aggregate.balance),
        earned: jsonDecimal(aggregate.earned),
        spent: jsonDecimal(aggregate.spent),
        payout: jsonDecimal(aggregate.payout),
        paidOut: jsonDecimal(aggregate.paidOut),
      }),
    );
  };
