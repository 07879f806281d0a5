import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Conditional GET (RFC 9110 §13) for the data routes. The ETag is a strong validator of the
 * body's bytes (SHA-256, 128 bits, base64url): equal bodies, equal tags, across containers and
 * deployments. `If-None-Match` wins over `If-Modified-Since` (§13.2.2); a match answers 304 with
 * the same validators and caching headers and no body. The read still happens (the tag is of
 * what the table holds now): a 304 saves the client the body, not the service its GetItem.
 */
export const entityTag = (body: string): string => `"${createHash('sha256').update(body).digest().subarray(0, 16).toString('base64url')}"`;

const requestHeader = (event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined => {
  const headers = event.headers ?? {};
  const found = Object.keys(headers).find((key) => key.toLowerCase() === name);
  return found === undefined ? undefined : headers[found];
};

/** Weak comparison (§8.8.3.2), as If-None-Match uses it: `W/` is ignored; `*` matches any current body. */
const noneMatchHits = (header: string, tag: string): boolean =>
  header.trim() === '*' || header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === tag);

/** An HTTP-date (IMF-fixdate) for Last-Modified: second resolution, UTC. */
export const httpDate = (iso: string): string => new Date(iso).toUTCString();

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** The three forms of RFC 9110 §5.6.7: IMF-fixdate, the obsolete RFC 850 date and asctime. */
const imfFixdate = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const rfc850Date = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const asctimeDate = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

type DateParts = [day: string, month: string, year: number, hours: string, minutes: string, seconds: string];

/** Each form read into the same parts; a two-digit RFC 850 year more than 50 years ahead is a century back (§5.6.7). */
const dateForms: ((text: string, nowMs: number) => DateParts | undefined)[] = [
  (text) => {
    const m = imfFixdate.exec(text);
    return m ? [m[1]!, m[2]!, Number(m[3]), m[4]!, m[5]!, m[6]!] : undefined;
  },
  (text, nowMs) => {
    const m = rfc850Date.exec(text);
    if (!m) return undefined;
    const thisYear = new Date(nowMs).getUTCFullYear();
    const year = Math.floor(thisYear / 100) * 100 + Number(m[3]);
    return [m[1]!, m[2]!, year > thisYear + 50 ? year - 100 : year, m[4]!, m[5]!, m[6]!];
  },
  (text) => {
    const m = asctimeDate.exec(text);
    return m ? [m[2]!.trim(), m[1]!, Number(m[6]), m[3]!, m[4]!, m[5]!] : undefined;
  },
];

/**
 * The instant (epoch ms) an HTTP-date names, or undefined when the text is not one (RFC 9110
 * §5.6.7): anything else, a list of dates or an impossible date such as 31 Feb included.
 * `Date.parse` is no judge here: it takes "2024-01-01", "1" or "Mar 20 2030" as dates.
 */
export function parseHttpDate(text: string, nowMs: number = Date.now()): number | undefined {
  const parts = dateForms.map((form) => form(text, nowMs)).find((found) => found !== undefined);
  if (!parts) return undefined;
  const [day, month, year, hours, minutes, seconds] = parts;
  const fields = [year, MONTHS.indexOf(month), Number(day), Number(hours), Number(minutes), Number(seconds)] as const;
  const ms = Date.UTC(...fields);
  const back = new Date(ms);
  const same = [back.getUTCFullYear(), back.getUTCMonth(), back.getUTCDate(), back.getUTCHours(), back.getUTCMinutes(), back.getUTCSeconds()].every(
    (value, i) => value === fields[i],
  );
  return same ? ms : undefined;
}

/**
 * The 200 `response` with ETag (and Last-Modified when `lastModified` is known), or a 304 when
 * the request's validators say the client already holds this body.
 */
export function conditionalResponse(
  event: Pick<APIGatewayProxyEventV2, 'headers'>,
  response: APIGatewayProxyStructuredResultV2 & { body: string },
  lastModified?: string,
): APIGatewayProxyStructuredResultV2 {
  const tag = entityTag(response.body);
  const validators: Record<string, string> = { ETag: tag };
  const modifiedMs = lastModified === undefined ? Number.NaN : Date.parse(lastModified);
  if (Number.isFinite(modifiedMs)) validators['Last-Modified'] = httpDate(lastModified!);
  const headers = { ...response.headers, ...validators } as Record<string, string>;
  const ifNoneMatch = requestHeader(event, 'if-none-match');
  let notModified = false;
  if (ifNoneMatch !== undefined) {
    notModified = noneMatchHits(ifNoneMatch, tag);
  } else if (Number.isFinite(modifiedMs)) {
    // Not an HTTP-date: ignored (RFC 9110 §13.1.3), so the full answer goes out.
    const since = parseHttpDate(requestHeader(event, 'if-modified-since') ?? '');
    // HTTP dates have whole seconds: compare the change time truncated to its second.
    notModified = since !== undefined && Math.floor(modifiedMs / 1000) * 1000 <= since;
  }
  if (!notModified) return { ...response, headers };
  const { 'Content-Type': _contentType, ...kept } = headers;
  void _contentType;
  return { statusCode: 304, headers: kept, body: '' };
}
