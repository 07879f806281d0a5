import { ingestionStatusEndpoint } from '../lib/api/endpoints/ingestion-status';
import { cacheControl } from '../lib/http/cache-control';
import { readApiHandler } from '../lib/http/read-api-handler';
import { readStoreFromEnvironment } from '../lib/store/read-store';

/** GET /status (environment: TABLE_NAME). */
export const handler = readApiHandler(ingestionStatusEndpoint(readStoreFromEnvironment()), { cacheControl: cacheControl.status });
