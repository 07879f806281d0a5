import { payoutListEndpoint } from '../lib/api/endpoints/payout-list';
import { cacheControl } from '../lib/http/cache-control';
import { readApiHandler } from '../lib/http/read-api-handler';
import { readStoreFromEnvironment } from '../lib/store/read-store';

/** GET /aggregatedData/payouts (environment: TABLE_NAME). */
export const handler = readApiHandler(payoutListEndpoint(readStoreFromEnvironment()), { cacheControl: cacheControl.payouts });
