import { userAggregateEndpoint } from '../lib/api/endpoints/user-aggregate';
import { cacheControl } from '../lib/http/cache-control';
import { readApiHandler } from '../lib/http/read-api-handler';
import { readStoreFromEnvironment } from '../lib/store/read-store';

/** GET /aggregatedData/{userId} (environment: TABLE_NAME). */
export const handler = readApiHandler(userAggregateEndpoint(readStoreFromEnvironment()), { cacheControl: cacheControl.aggregate });
