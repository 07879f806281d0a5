import type { ReadEndpoint } from '../../http/read-api-handler';
import { jsonResponse } from '../../http/responses';
import type { ReadStore } from '../ports';
import { statusView } from '../status-view';

/** GET /status: watermark, lag, last tick and counters of ingestion (public). */
export const ingestionStatusEndpoint =
  (store: Pick<ReadStore, 'getStatus'>, nowMs: () => number = Date.now): ReadEndpoint =>
  async () =>
    jsonResponse(JSON.stringify(statusView(await store.getStatus(), nowMs())));
