/**
 * Cache-Control of each kind of response. Ingestion moves the data at most every ~12 s and the
 * freshness promise is 2 minutes, so a few seconds of client-side reuse cost nothing in
 * freshness (worst case +15 s) while absorbing polling bursts.
 *
 * Data routes are `private`: they are answered to authenticated (SigV4) callers, and a shared
 * cache storing them would hand them to whoever reaches that cache without authentication.
 */
export const cacheControl = {
  /** GET /aggregatedData/{userId}. */
  aggregate: 'private, max-age=5, stale-while-revalidate=10',
  /** GET /aggregatedData/payouts: same cadence as the aggregates. */
  payouts: 'private, max-age=5, stale-while-revalidate=10',
  /** GET /status is public; monitors should see a new tick within one cadence. */
  status: 'public, max-age=5',
  /** The docs page and the OpenAPI document change only with a deployment. */
  docs: 'public, max-age=300',
  /** Swagger UI's own files change only with the swagger-ui-dist version. */
  docsAsset: 'public, max-age=86400',
  /** Every problem response: a 404 user may appear on the next tick, a 500 must not stick. */
  problem: 'no-store',
} as const;
