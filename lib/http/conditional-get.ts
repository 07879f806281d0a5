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
    const since = Date.parse(requestHeader(event, 'if-modified-since') ?? '');
    // HTTP dates have whole seconds: compare the change time truncated to its second.
    notModified = Number.isFinite(since) && Math.floor(modifiedMs / 1000) * 1000 <= since;
  }
  if (!notModified) return { ...response, headers };
  const { 'Content-Type': _contentType, ...kept } = headers;
  void _contentType;
  return { statusCode: 304, headers: kept, body: '' };
}
