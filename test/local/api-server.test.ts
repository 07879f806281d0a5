import { connect } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { ApiRoute } from '../../infra/definitions/routes';
import { userIdDomain } from '../../lib/core/accepted-domain';
import { routablePath, routerPath, startApiServer, type ApiHandler } from '../../infra/local/api-server';
import { gatewayTime } from '../../infra/local/gateway-event';
import type { RunningServer } from '../../infra/local/http-listener';

/** Stub handlers: each records what it received and answers what the test sets. */
const received: { handler: ApiRoute['handler']; event: APIGatewayProxyEventV2; context: Context }[] = [];
let answer: (name: ApiRoute['handler']) => Promise<APIGatewayProxyResultV2> = async (name) => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json', 'X-Handler': name },
  body: JSON.stringify({ handler: name }),
});
const loadHandler =
  async (name: ApiRoute['handler']): Promise<ApiHandler> =>
  async (event, context) => {
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

  it.each([100, 101, 128, 129, 5000])('hands a userId of %i characters to the handler, whatever its length', async (length) => {
    const userId = 'u'.repeat(length);
    expect((await fetch(`${server.url}/aggregatedData/${userId}`)).status).toBe(200);
    expect(lastEvent().pathParameters).toEqual({ userId });
  });

  it.each([
    ['%', '%'],
    ['%zz', '%zz'],
    ['user%', 'user%'],
    ['%E0', '%E0'],
    ['a%20b%zz', 'a%20b%zz'],
  ])('hands a userId with malformed percent-encoding (%s) to the handler as written', async (written, userId) => {
    expect((await fetch(`${server.url}/aggregatedData/${written}`)).status).toBe(200);
    expect(received.map((r) => r.handler)).toEqual(['get-user-aggregate']);
    expect(lastEvent().pathParameters).toEqual({ userId });
    expect(lastEvent().rawPath).toBe(`/aggregatedData/${written}`);
  });

  it('escapes only the segments that do not decode', () => {
    expect(routablePath('/aggregatedData/a%20b')).toBe('/aggregatedData/a%20b');
    expect(routablePath('/aggregatedData/%zz')).toBe('/aggregatedData/%25zz');
    expect(routablePath('/api/docs/ok%20/%E0x')).toBe('/api/docs/ok%20/%25E0x');
  });

  /** The router's own answers have the handlers' problem shape, no-store, and a request id (in the body and the header). */
  async function expectRouterProblem(response: Response, status: number, instance: string): Promise<void> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['detail', 'instance', 'requestId', 'status', 'title', 'type']);
    expect(body).toMatchObject({ type: 'about:blank', status, instance });
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('apigw-requestid')).toBe(body.requestId);
  }

  it('answers an unknown route with 404 problem+json, without calling any handler', async () => {
    await expectRouterProblem(await fetch(`${server.url}/nothing/here`), 404, '/nothing/here');
    await expectRouterProblem(await fetch(`${server.url}/aggregatedData`), 404, '/aggregatedData');
    expect(received).toEqual([]);
  });

  it('answers another method on a known route with 405 problem+json and Allow', async () => {
    const response = await fetch(`${server.url}/status`, { method: 'POST', body: '{}' });
    expect(response.headers.get('allow')).toBe('GET');
    await expectRouterProblem(response, 405, '/status');
    expect(received).toEqual([]);
  });

  /** Writes a raw request and reads the whole answer (the server closes the connection after a refusal). */
  const rawRequest = (text: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write(text));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  const parseRaw = (answer: string) => {
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    const [statusLine = '', ...lines] = head.split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as Record<string, unknown> };
  };

  it.each([
    ['a header', `GET /aggregatedData/074092 HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, '/aggregatedData/074092'],
    ['the path', `GET /aggregatedData/${'u'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, `/aggregatedData/${'u'.repeat(20_000)}`],
  ])('answers a request whose head is too large (%s) with 431 problem+json', async (_, request, instance) => {
    const { status, headers, body } = parseRaw(await rawRequest(request));
    expect(status).toBe(431);
    expect(headers).toMatchObject({ 'content-type': 'application/problem+json', 'cache-control': 'no-store', connection: 'close' });
    expect(body).toMatchObject({ type: 'about:blank', title: 'Request Header Fields Too Large', status: 431, requestId: headers['apigw-requestid'] });
    expect(body.instance === instance).toBe(true);
    expect(received).toEqual([]);
  });

  it('answers what is not HTTP with 400 problem+json', async () => {
    const { status, headers, body } = parseRaw(await rawRequest('NOT HTTP AT ALL\r\n\r\n'));
    expect(status).toBe(400);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(body).toMatchObject({ status: 400, title: 'Bad Request' });
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
    answer = async () => ({
      statusCode: 404,
      headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'max-age=5' },
      cookies: ['a=1', 'b=2'],
      body: '{"status":404}',
    });
    const response = await fetch(`${server.url}/aggregatedData/nobody`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('cache-control')).toBe('max-age=5');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.text()).toBe('{"status":404}');
  });

  it('decodes a base64 body', async () => {
    answer = async () => ({
      statusCode: 200,
      headers: { 'Content-Type': 'image/png' },
      body: Buffer.from([0, 1, 2, 255]).toString('base64'),
      isBase64Encoded: true,
    });
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
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ status: 500, title: 'Internal Server Error', requestId: response.headers.get('apigw-requestid') });
    expect(body).not.toContain('secret');
    expect(handlerErrors).toHaveLength(1);
  });
});

describe('local API server with the real get-user-aggregate handler', () => {
  let real: RunningServer;
  beforeAll(async () => {
    // The 400s below are decided before any read, so no table is reached.
    process.env.TABLE_NAME ??= 'no-table-needed';
    real = await startApiServer({ port: 0 });
  });
  afterAll(() => real.close());

  it.each([
    ['129 characters', 'u'.repeat(129), 'must be at most 128 characters long'],
    ['5000 characters', 'u'.repeat(5000), 'must be at most 128 characters long'],
    ['a bare %', '%', userIdDomain.charactersRule],
    ['%zz', '%zz', userIdDomain.charactersRule],
    ['%E0 (not UTF-8)', '%E0', userIdDomain.charactersRule],
  ])('answers a userId of %s with the documented 400 naming userId', async (_, written, reason) => {
    const response = await fetch(`${real.url}/aggregatedData/${written}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { invalidParams: { name: string }[]; requestId: string };
    expect(body.invalidParams).toContainEqual({ name: 'userId', reason });
    expect(body.invalidParams.every(({ name }) => name === 'userId')).toBe(true);
    expect(body.requestId).toBe(response.headers.get('apigw-requestid'));
  });
});
