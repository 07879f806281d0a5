import { floorToSecond } from './upstream-time';

export interface IngestionSettings {
  /** ISO date-time of the first watermark: nothing older is asked for. */
  ingestFrom: string;
  /** Each new window starts this far before the watermark, to catch late arrivals. */
  lookBackSeconds: number;
  /** A window ends this far before now, so the upstream has settled the seconds it covers. */
  settleLagSeconds: number;
}

/** Inclusive bounds, whole seconds, ISO strings. */
export interface Window {
  start: string;
  end: string;
}

export interface CursorPosition {
  /** Everything created up to this instant (inclusive second) has been applied. */
  watermark: string;
  /** The window being paged through and the next page to ask for. */
  window?: Window & { page: number };
}

export type PlannedCall = { kind: 'fetch'; window: Window; page: number } | { kind: 'idle'; nextWindowEnd: string };

export const initialPosition = (settings: IngestionSettings): CursorPosition => ({
  watermark: floorToSecond(Date.parse(settings.ingestFrom)),
});

/**
 * What the next upstream call asks for. While a window is open, its next page: a window opened
 * when far behind spans the whole backlog, so every call returns a full page and a sparse
 * stretch of history costs only the pages its data fills. Otherwise a new window
 * [watermark − look-back, now − settle lag].
 */
export function planNextCall(position: CursorPosition, nowMs: number, settings: IngestionSettings): PlannedCall {
  if (position.window) {
    const { start, end, page } = position.window;
    return { kind: 'fetch', window: { start, end }, page };
  }
  const end = floorToSecond(nowMs - settings.settleLagSeconds * 1000);
  if (Date.parse(end) <= Date.parse(position.watermark)) return { kind: 'idle', nextWindowEnd: end };
  const lookBackStart = Date.parse(position.watermark) - settings.lookBackSeconds * 1000;
  const start = floorToSecond(Math.max(lookBackStart, Date.parse(settings.ingestFrom)));
  return { kind: 'fetch', window: { start, end }, page: 1 };
}

export interface PageMeta {
  currentPage: number;
  totalPages: number;
  itemCount: number;
  itemsPerPage: number;
}

/**
 * Where the cursor goes once a page is fully applied: the next page of the same window, or,
 * after its last page, a watermark at the window's end and no open window.
 */
export function positionAfterPage(position: CursorPosition, call: { window: Window; page: number }, meta: PageMeta): CursorPosition {
  const lastPage = call.page >= meta.totalPages || meta.itemCount < meta.itemsPerPage || meta.itemCount === 0;
  if (lastPage) {
    const watermark = Date.parse(call.window.end) > Date.parse(position.watermark) ? call.window.end : position.watermark;
    return { watermark };
  }
  return { watermark: position.watermark, window: { ...call.window, page: call.page + 1 } };
}
