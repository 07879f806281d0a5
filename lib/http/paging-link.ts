import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * A `Link: <…>; rel="next"` header value (RFC 8288) pointing at the same path as the request
 * (its raw path, so a stage prefix is kept) with the given query parameters.
 */
export function nextPageLink(event: Pick<APIGatewayProxyEventV2, 'rawPath'>, query: Record<string, string>): string {
  return `<${event.rawPath}?${new URLSearchParams(query).toString()}>; rel="next"`;
}
