import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

export interface IncomingRequest {
  method: string;
  /** Path and query exactly as received, e.g. /aggregatedData/074092?x=1 */
  url: string;
  headers: IncomingHttpHeaders;
  sourceIp: string;
  body?: Buffer;
}

export interface MatchedRoute {
  /** API Gateway route key, e.g. `GET /aggregatedData/{userId}`. */
  routeKey: string;
  pathParameters: Record<string, string>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value: number) => String(value).padStart(2, '0');

/** API Gateway's `requestContext.time`: 12/Mar/2020:19:03:58 +0000 */
export function gatewayTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Repeated keys are joined with commas, as HTTP API payload 2.0 does. */
function joinRepeated(entries: Iterable<[string, string]>): Record<string, string> | undefined {
  const joined: Record<string, string> = {};
  let any = false;
  for (const [key, value] of entries) {
    joined[key] = key in joined ? `${joined[key]},${value}` : value;
    any = true;
  }
  return any ? joined : undefined;
}

/** The HTTP API (payload format 2.0) event API Gateway would hand the route's Lambda. */
export function gatewayEvent(request: IncomingRequest, route: MatchedRoute, requestId: string, nowMs: number): APIGatewayProxyEventV2 {
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : request.url.slice(queryAt + 1);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = request.headers.cookie
    ?.split(';')
    .map((cookie) => cookie.trim())
    .filter(Boolean);
  const body = request.body && request.body.length > 0 ? request.body : undefined;
  const textual = /^(text\/|application\/(json|xml|x-www-form-urlencoded))/.test(headers['content-type'] ?? '');
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    cookies: cookies && cookies.length > 0 ? cookies : undefined,
    headers,
    queryStringParameters: joinRepeated(new URLSearchParams(rawQueryString).entries()),
    pathParameters: Object.keys(route.pathParameters).length > 0 ? route.pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: (headers.host ?? '127.0.0.1').split('.')[0]!,
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: gatewayTime(nowMs),
      timeEpoch: nowMs,
    },
    body: body ? (textual ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: Boolean(body) && !textual,
  };
}

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * What API Gateway sends back for a handler's result: a structured result as given (body
 * decoded when isBase64Encoded), anything else as a 200 JSON body.
 */
export function gatewayAnswer(result: APIGatewayProxyResultV2): HttpAnswer {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(result) ?? '') };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  return { statusCode: result.statusCode ?? 200, headers, body };
}
