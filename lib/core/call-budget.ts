/**
 * Which call slot to take next: the one that freed first (a slot admits one call, then stays closed
 * for `windowMs`). Waiting for it is worth it only when it frees within `maxWaitMs`; otherwise the
 * tick gives up until `freeAtMs`. The DynamoDB adapter and the in-memory one decide alike.
 */
export function slotToClaim(
  claims: readonly number[],
  budget: { windowMs: number; maxWaitMs: number },
  nowMs: number,
): { slot: number; seen: number; waitMs: number } | { giveUp: true; freeAtMs: number } {
  const slot = claims.indexOf(Math.min(...claims));
  const seen = claims[slot]!;
  const freeAtMs = seen + budget.windowMs;
  const waitMs = seen > 0 ? Math.max(0, freeAtMs - nowMs) : 0;
  return waitMs > budget.maxWaitMs ? { giveUp: true, freeAtMs } : { slot, seen, waitMs };
}
