import { apiOrder, datasetItem, type DatasetItem, type MockTransaction, type TransactionDataset } from './dataset';
import { MINUTE_MS, minuteTraffic, minuteTrafficCount, type TrafficSettings } from './traffic';

/**
 * Synthetic traffic plus a few fixed transactions (the seed example), served as one dataset.
 * Nothing is stored: a page is computed from the minutes it covers. Whole minutes inside the
 * bounds are counted without being built, so paging through months of history stays cheap.
 */
export function generatedDataset(settings: TrafficSettings, fixed: readonly MockTransaction[]): TransactionDataset {
  const fixedByMinute = new Map<number, DatasetItem[]>();
  for (const transaction of fixed) {
    const item = datasetItem(transaction);
    const minute = Math.floor(item.at / MINUTE_MS);
    fixedByMinute.set(minute, [...(fixedByMinute.get(minute) ?? []), item]);
  }
  const firstTrafficMinute = Math.floor(settings.historyStartMs / MINUTE_MS);

  const itemsOf = (minute: number): DatasetItem[] =>
    [...minuteTraffic(settings, minute).map(datasetItem), ...(fixedByMinute.get(minute) ?? [])].sort(apiOrder);
  const countOf = (minute: number): number => minuteTrafficCount(settings, minute) + (fixedByMinute.get(minute)?.length ?? 0);

  /** The minutes that can hold items within the bounds, in order: fixed ones before the traffic, then every traffic minute. */
  function* minutesWithin(fromMs: number, toMs: number): Generator<number> {
    const first = Math.floor(fromMs / MINUTE_MS);
    const last = Math.floor(toMs / MINUTE_MS);
    const early = [...fixedByMinute.keys()].filter((m) => m >= first && m <= last && m < firstTrafficMinute).sort((a, b) => a - b);
    yield* early;
    for (let minute = Math.max(first, firstTrafficMinute); minute <= last; minute++) yield minute;
  }

  /** Items of one minute that fall within the bounds; `whole` when the minute lies entirely inside. */
  const inBounds = (minute: number, fromMs: number, toMs: number) => {
    const whole = minute * MINUTE_MS >= fromMs && (minute + 1) * MINUTE_MS - 1 <= toMs;
    return {
      whole,
      count: () => (whole ? countOf(minute) : itemsOf(minute).filter((item) => item.at >= fromMs && item.at <= toMs).length),
      items: () => itemsOf(minute).filter((item) => whole || (item.at >= fromMs && item.at <= toMs)),
    };
  };

  return {
    count(fromMs, toMs) {
      if (toMs < fromMs) return 0;
      let total = 0;
      for (const minute of minutesWithin(fromMs, toMs)) total += inBounds(minute, fromMs, toMs).count();
      return total;
    },
    slice(fromMs, toMs, offset, limit) {
      const page: DatasetItem[] = [];
      if (toMs < fromMs || limit <= 0) return page;
      let skip = offset;
      for (const minute of minutesWithin(fromMs, toMs)) {
        const part = inBounds(minute, fromMs, toMs);
        if (skip > 0 && part.whole) {
          const count = part.count();
          if (count <= skip) {
            skip -= count;
            continue;
          }
        }
        const items = part.items();
        const taken = items.slice(skip, skip + limit - page.length);
        skip = Math.max(0, skip - items.length);
        page.push(...taken);
        if (page.length >= limit) break;
      }
      return page;
    },
  };
}
