import { apiOrder, datasetItem, type DatasetItem, type MockTransaction, type TransactionDataset } from './dataset';
import { lateVisibleAt, maxLateMs, MINUTE_MS, minuteTraffic, minuteTrafficCount, type TrafficSettings } from './traffic';

/** How many built minutes a dataset keeps (least recently used goes first): ~2 MB each at 4000 tx/min. */
const BUILT_MINUTES_KEPT = 8;

/**
 * Synthetic traffic plus a few fixed transactions (the seed example), served as one dataset.
 * Nothing is stored: a page is computed from the minutes it covers. Whole minutes inside the
 * bounds are counted without being built, so paging through months of history stays cheap.
 * With late listings (`settings.late`) a generated item carries `visibleAt` and is hidden until
 * then; only the minutes young enough to hold a hidden item are built to be counted.
 */
export function generatedDataset(settings: TrafficSettings, fixed: readonly MockTransaction[], fixedItems: readonly DatasetItem[] = []): TransactionDataset {
  const fixedByMinute = new Map<number, DatasetItem[]>();
  for (const item of [...fixed.map(datasetItem), ...fixedItems]) {
    const minute = Math.floor(item.at / MINUTE_MS);
    fixedByMinute.set(minute, [...(fixedByMinute.get(minute) ?? []), item]);
  }
  const firstTrafficMinute = Math.floor(settings.historyStartMs / MINUTE_MS);

  const lateMs = maxLateMs(settings);
  const generatedItem = (transaction: MockTransaction): DatasetItem => {
    const item = datasetItem(transaction);
    const visibleAt = lateVisibleAt(settings, transaction);
    return visibleAt === undefined ? item : { ...item, visibleAt };
  };
  /**
   * The last few minutes built, kept: a request counts and then slices the same young minutes,
   * and the next request asks for them again. Safe to keep, since a minute's items are a pure
   * function of the settings (visibility is filtered afterwards).
   */
  const built = new Map<number, DatasetItem[]>();
  const allItemsOf = (minute: number): DatasetItem[] => {
    let items = built.get(minute);
    if (items === undefined) {
      items = [...minuteTraffic(settings, minute).map(generatedItem), ...(fixedByMinute.get(minute) ?? [])].sort(apiOrder);
      if (built.size >= BUILT_MINUTES_KEPT) built.delete(built.keys().next().value!);
    } else built.delete(minute);
    built.set(minute, items);
    return items;
  };
  /** Every item of the minute is listed by `visibleAtMs` (no need to build it to know). */
  const fullyListed = (minute: number, visibleAtMs: number): boolean => (minute + 1) * MINUTE_MS - 1 + lateMs <= visibleAtMs;
  const itemsOf = (minute: number, visibleAtMs: number): DatasetItem[] => {
    const items = allItemsOf(minute);
    return fullyListed(minute, visibleAtMs) ? items : items.filter((item) => item.visibleAt === undefined || item.visibleAt <= visibleAtMs);
  };
  const countOf = (minute: number, visibleAtMs: number): number =>
    fullyListed(minute, visibleAtMs) ? minuteTrafficCount(settings, minute) + (fixedByMinute.get(minute)?.length ?? 0) : itemsOf(minute, visibleAtMs).length;

  /** The minutes that can hold items within the bounds, in order: fixed ones before the traffic, then every traffic minute. */
  function* minutesWithin(fromMs: number, toMs: number): Generator<number> {
    const first = Math.floor(fromMs / MINUTE_MS);
    const last = Math.floor(toMs / MINUTE_MS);
    const early = [...fixedByMinute.keys()].filter((m) => m >= first && m <= last && m < firstTrafficMinute).sort((a, b) => a - b);
    yield* early;
    for (let minute = Math.max(first, firstTrafficMinute); minute <= last; minute++) yield minute;
  }

  /** Items of one minute that fall within the bounds; `whole` when the minute lies entirely inside. */
  const inBounds = (minute: number, fromMs: number, toMs: number, visibleAtMs: number) => {
    const whole = minute * MINUTE_MS >= fromMs && (minute + 1) * MINUTE_MS - 1 <= toMs;
    const items = () => itemsOf(minute, visibleAtMs).filter((item) => whole || (item.at >= fromMs && item.at <= toMs));
    return { whole, count: () => (whole ? countOf(minute, visibleAtMs) : items().length), items };
  };

  return {
    count(fromMs, toMs, visibleAtMs = Number.POSITIVE_INFINITY) {
      if (toMs < fromMs) return 0;
      let total = 0;
      for (const minute of minutesWithin(fromMs, toMs)) total += inBounds(minute, fromMs, toMs, visibleAtMs).count();
      return total;
    },
    slice(fromMs, toMs, offset, limit, visibleAtMs = Number.POSITIVE_INFINITY) {
      const page: DatasetItem[] = [];
      if (toMs < fromMs || limit <= 0) return page;
      let skip = offset;
      for (const minute of minutesWithin(fromMs, toMs)) {
        const part = inBounds(minute, fromMs, toMs, visibleAtMs);
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
