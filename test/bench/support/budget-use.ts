/**
 * Transactions ingested per (scaled) minute while behind: k full pages occupied the budget from
 * the first one's call to the call after the last one (the k-th interval), so the rate is
 * k × page size over that span. Measuring whole intervals keeps the estimate unbiased when calls
 * are unevenly spaced (5 ticks per execution, then the gap to the next execution).
 */
export function ingestedPerMinute(
  calls: readonly { atMs: number; items: number }[],
  pageSize: number,
  minuteMs: number,
): { perMinute: number; fullPages: number; spanMs: number } {
  const firstFull = calls.findIndex((call) => call.items === pageSize);
  let end = firstFull;
  while (end < calls.length && calls[end]!.items === pageSize) end++;
  if (firstFull === -1 || end >= calls.length) throw new Error('the backlog did not end with a partial page: no call after the last full page to measure to');
  const fullPages = end - firstFull;
  const spanMs = calls[end]!.atMs - calls[firstFull]!.atMs;
  return { perMinute: (fullPages * pageSize) / (spanMs / minuteMs), fullPages, spanMs };
}
