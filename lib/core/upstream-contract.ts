/**
 * The Transaction API's published limits: facts of the upstream contract, so they live in the
 * domain. The ingestion cadence (infra/definitions/schedule.ts) is derived from them.
 */
export const upstreamContract = {
  /** Calls admitted in any sliding window of `windowSeconds`. */
  callsPerWindow: 5,
  windowSeconds: 60,
  /** Transactions per page, at most. */
  pageSize: 1000,
} as const;
