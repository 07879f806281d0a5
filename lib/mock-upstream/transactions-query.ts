/** `GET /transactions?startDate=YYYY-MM-DD HH:mm:ss&endDate=…&page=N`, checked. Bounds are UTC and inclusive. */
export interface TransactionsQuery {
  fromMs: number;
  /** The last millisecond of the endDate second. */
  toMs: number;
  page: number;
}

export type QueryParse = { ok: true; query: TransactionsQuery } | { ok: false; message: string };

const timestampPattern = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
export const MAX_PAGE = 1_000_000;

function parseTimestamp(name: string, text: string | null): { ok: true; ms: number } | { ok: false; message: string } {
  if (text === null || text === '') return { ok: false, message: `${name} is required (YYYY-MM-DD HH:mm:ss, UTC)` };
  const match = timestampPattern.exec(text);
  if (!match) return { ok: false, message: `${name} must look like YYYY-MM-DD HH:mm:ss (UTC)` };
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, message: `${name} is not a valid date and time` };
  }
  return { ok: true, ms };
}

export function parseTransactionsQuery(params: URLSearchParams): QueryParse {
  const start = parseTimestamp('startDate', params.get('startDate'));
  if (!start.ok) return start;
  const end = parseTimestamp('endDate', params.get('endDate'));
  if (!end.ok) return end;
  if (end.ms < start.ms) return { ok: false, message: 'endDate is before startDate' };
  const pageText = params.get('page');
  let page = 1;
  if (pageText !== null) {
    if (!/^\d{1,7}$/.test(pageText) || Number(pageText) < 1 || Number(pageText) > MAX_PAGE) {
      return { ok: false, message: `page must be an integer from 1 to ${MAX_PAGE}` };
    }
    page = Number(pageText);
  }
  return { ok: true, query: { fromMs: start.ms, toMs: end.ms + 999, page } };
}
