import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { ApiRoute } from '../../infra/definitions/routes';
import { routerPath, startApiServer, type ApiHandler } from '../../infra/local/api-server';
import { gatewayTime } from '../../infra/local/gateway-event';
import type { RunningServer } from '../../infra/local/http-listener';

/** Stub handlers: each records what it received and answers what the test sets. */
const received: { handler: ApiRoute['handler']; event: APIGatewayProxyEventV2; context: Context }[] = [];
let answer: (name: ApiRoute['handler']) => Promise<APIGatewayProxyResultV2> = async (name) => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json', 'X-Handler': name },
  body: JSON.stringify({ handler: name }),
});
const loadHandler = async (name: ApiRoute['handler']): Promise<ApiHandler> => async (event, context) => {
  received.push({ handler: name, event, context });
  return answer(name);
};

let server: RunningServer;
const handlerErrors: unknown[] = [];
beforeAll(async () => {
  server = await startApiServer({ port: 0, loadHandler, onHandlerError: (_, error) => handlerErrors.push(error) });
});
afterAll(() => server.close());
beforeEach(() => {
  received.length = 0;
  handlerErrors.length = 0;
});

const lastEvent = () => received[received.length - 1]!.event;

describe('local API server: routing', () => {
  it('translates API Gateway path syntax for the router', () => {
    expect(routerPath('/aggregatedData/{userId}')).toBe('/aggregatedData/:userId');
    expect(routerPath('/api/docs/{proxy+}')).toBe('/api/docs/*');
  });

  it.each([
    ['/aggregatedData/payouts', 'list-payouts', 'GET /aggregatedData/payouts', undefined],
    ['/aggregatedData/074092', 'get-user-aggregate', 'GET /aggregatedData/{userId}', { userId: '074092' }],
    ['/status', 'get-status', 'GET /status', undefined],
    ['/api/docs', 'api-docs', 'GET /api/docs', undefined],
    ['/api/docs/swagger-ui/index.css', 'api-docs', 'GET /api/docs/{proxy+}', { proxy: 'swagger-ui/index.css' }],
  ])('routes %s to %s', async (path, handler, routeKey, pathParameters) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(200);
    expect(received.map((r) => r.handler)).toEqual([handler]);
    expect(lastEvent().routeKey).toBe(routeKey);
    expect(lastEvent().pathParameters).toEqual(pathParameters);
  });

  it('decodes path parameters as API Gateway does', async () => {
    await fetch(`${server.url}/aggregatedData/a%20b`);
    expect(lastEvent().pathParameters).toEqual({ userId: 'a b' });
    expect(lastEvent().rawPath).toBe('/aggregatedData/a%20b');
  });

  it('answers an unknown route with 404 problem+json, without calling any handler', async () => {
    const response = await fetch(`${server.url}/nothing/here`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not Found' });
    expect(await fetch(`${server.url}/aggregatedData`).then((r) => r.status)).toBe(404);
    expect(received).toEqual([]);
  });

  it('answers another method on a known route with 405 and Allow', async () => {
    const response = await fetch(`${server.url}/status`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(await response.json()).toMatchObject({ status: 405 });
    expect(received).toEqual([]);
  });
});

describe('local API server: the payload 2.0 event', () => {
  it('carries the raw path and query, parsed query parameters, lowercased headers, cookies and request context', async () => {
    const before = Date.now();
    await fetch(`${server.url}/aggregatedData/payouts?limit=10&cursor=abc%3D&tag=a&tag=b`, {
      headers: { 'X-Custom-Header': 'Value', Cookie: 'session=1; theme=dark', 'User-Agent': 'jest' },
    });
    const event = lastEvent();
    expect(event.version).toBe('2.0');
    expect(event.rawPath).toBe('/aggregatedData/payouts');
    expect(event.rawQueryString).toBe('limit=10&cursor=abc%3D&tag=a&tag=b');
    expect(event.queryStringParameters).toEqual({ limit: '10', cursor: 'abc=', tag: 'a,b' });
    expect(event.headers['x-custom-header']).toBe('Value');
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.cookies).toEqual(['session=1', 'theme=dark']);
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext).toMatchObject({
      http: { method: 'GET', path: '/aggregatedData/payouts', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      routeKey: 'GET /aggregatedData/payouts',
      stage: '$default',
    });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(event.requestContext.time).toBe(gatewayTime(event.requestContext.timeEpoch));
  });

  it('leaves query and path parameters out when there are none', async () => {
    await fetch(`${server.url}/status`);
    expect(lastEvent().queryStringParameters).toBeUndefined();
    expect(lastEvent().pathParameters).toBeUndefined();
    expect(lastEvent().rawQueryString).toBe('');
  });

  it('gives each request its own Lambda context and request id', async () => {
    await fetch(`${server.url}/status`);
    await fetch(`${server.url}/status`);
    const [first, second] = received;
    expect(first!.context.functionName).toBe('get-status');
    expect(first!.context.awsRequestId).not.toBe(second!.context.awsRequestId);
    expect(first!.event.requestContext.requestId).not.toBe(second!.event.requestContext.requestId);
    expect(first!.context.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });

  it('formats requestContext.time like API Gateway', () => {
    expect(gatewayTime(Date.parse('2020-03-12T19:03:58.123Z'))).toBe('12/Mar/2020:19:03:58 +0000');
  });
});

describe('local API server: the handler result', () => {
  afterEach(() => {
    answer = async (name) => ({ statusCode: 200, headers: { 'X-Handler': name }, body: JSON.stringify({ handler: name }) });
  });

  it('writes status, headers, cookies and body as returned', async () => {
    answer = async () => ({ statusCode: 404, headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'max-age=5' }, cookies: ['a=1', 'b=2'], body: '{"status":404}' });
    const response = await fetch(`${server.url}/aggregatedData/nobody`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('cache-control')).toBe('max-age=5');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.text()).toBe('{"status":404}');
  });

  it('decodes a base64 body', async () => {
    answer = async () => ({ statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true });
    const response = await fetch(`${server.url}/api/docs/favicon.png`);
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('sends a result without statusCode as a 200 JSON body, as API Gateway does', async () => {
    answer = async () => ({ plain: 'object' }) as unknown as APIGatewayProxyResultV2;
    const response = await fetch(`${server.url}/status`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ plain: 'object' });
  });

  it('turns a crashed handler into a generic 500 problem, reporting the error only locally', async () => {
    answer = async () => {
      throw new Error('secret internal detail');
    };
    const response = await fetch(`${server.url}/status`);
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ status: 500, title: 'Internal Server Error' });
    expect(body).not.toContain('secret');
    expect(handlerErrors).toHaveLength(1);
  });
});
