import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DecimalText } from '../../lib/core/transaction';
import { createTransactionApiClient, retryAfterMs } from '../../lib/upstream/transaction-api-client';
import { UpstreamCallError } from '../../lib/ingestion/ports';

let server: Server;
let baseUrl: string;
let respond: (request: IncomingMessage, response: ServerResponse) => void;
const window = { start: '2023-03-16T12:00:00.000Z', end: '2023-03-16T12:33:11.000Z' };
const meta = { totalItems: 1, itemCount: 1, itemsPerPage: 1000, totalPages: 1, currentPage: 1 };

beforeAll(async () => {
  server = createServer((request, response) => respond(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = (timeoutMs = 500) => createTransactionApiClient({ baseUrl, timeoutMs, apiKey: 'k-1', nowMs: () => Date.parse('2024-01-01T00:00:00Z') });
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as UpstreamCallError,
  );

test('asks for the window and page in the contract format and keeps amounts as exact decimal text', async () => {
  let seen: URL | undefined;
  let apiKey: string | undefined;
  respond = (request, response) => {
    seen = new URL(request.url!, 'http://x');
    apiKey = request.headers['x-api-key'] as string;
    response.end(
      `{"items":[{"id":"a","userId":"074092","createdAt":"2023-03-16T12:33:11.000Z","type":"earned","amount":12345678901234.56}],"meta":${JSON.stringify(meta)}}`,
    );
  };
  const page = await client().fetchPage(window, 2);
  expect(seen?.pathname).toBe('/api/transactions');
  expect(Object.fromEntries(seen!.searchParams)).toEqual({ startDate: '2023-03-16 12:00:00', endDate: '2023-03-16 12:33:11', page: '2' });
  expect(apiKey).toBe('k-1');
  expect((page.records[0] as { amount: DecimalText }).amount).toEqual(new DecimalText('12345678901234.56'));
  expect(page.meta).toEqual(meta);
});

test.each([
  [
    '429 with Retry-After seconds',
    (r: ServerResponse) => {
      r.writeHead(429, { 'retry-after': '17' });
      r.end();
    },
    { kind: 'rate-limited', retryAfterMs: 17_000 },
  ],
  [
    '429 with Retry-After date',
    (r: ServerResponse) => {
      r.writeHead(429, { 'retry-after': 'Mon, 01 Jan 2024 00:00:30 GMT' });
      r.end();
    },
    { kind: 'rate-limited', retryAfterMs: 30_000 },
  ],
  [
    '429 without Retry-After',
    (r: ServerResponse) => {
      r.writeHead(429);
      r.end();
    },
    { kind: 'rate-limited', retryAfterMs: undefined },
  ],
  [
    '500',
    (r: ServerResponse) => {
      r.writeHead(500);
      r.end('boom');
    },
    { kind: 'server-error', status: 500 },
  ],
  [
    '503',
    (r: ServerResponse) => {
      r.writeHead(503);
      r.end();
    },
    { kind: 'server-error', status: 503 },
  ],
  [
    '404',
    (r: ServerResponse) => {
      r.writeHead(404);
      r.end();
    },
    { kind: 'client-error', status: 404 },
  ],
  ['a body that is not JSON', (r: ServerResponse) => r.end('<html>maintenance</html>'), { kind: 'not-json' }],
  ['a truncated body', (r: ServerResponse) => r.end('{"items":[{"id":"a"'), { kind: 'not-json' }],
  ['items that are not a list', (r: ServerResponse) => r.end(`{"items":{},"meta":${JSON.stringify(meta)}}`), { kind: 'bad-shape' }],
])('%s is a classified failure', async (_, answer, expected) => {
  respond = (__, response) => answer(response);
  const error = await failureOf(client().fetchPage(window, 1));
  expect(error).toBeInstanceOf(UpstreamCallError);
  expect(error).toMatchObject(expected);
});

test.each([
  ['meta missing', '{"items":[]}', {}],
  ['meta with only some fields', `{"items":[],"meta":{"totalPages":1}}`, { totalPages: 1 }],
  [
    'meta fields that are not whole numbers',
    `{"items":[],"meta":${JSON.stringify({ ...meta, totalPages: 1.5, totalItems: 'many' })}}`,
    { itemCount: meta.itemCount, itemsPerPage: meta.itemsPerPage, currentPage: meta.currentPage },
  ],
])('%s is accepted: what was received decides, meta only helps', async (_, body, expectedMeta) => {
  respond = (__, response) => response.end(body);
  const page = await client().fetchPage(window, 1);
  expect(page.records).toEqual([]);
  expect(page.meta).toEqual(expectedMeta);
});

test('no answer within the timeout is a timeout failure', async () => {
  respond = (_, response) => setTimeout(() => response.end('{}'), 400);
  expect(await failureOf(client(100).fetchPage(window, 1))).toMatchObject({ kind: 'timeout' });
});

test('a refused connection is a network failure', async () => {
  const refused = createTransactionApiClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 });
  expect(await failureOf(refused.fetchPage(window, 1))).toMatchObject({ kind: 'network' });
});

test('Retry-After parsing ignores what it cannot read', () => {
  expect(retryAfterMs('soon', 0)).toBeUndefined();
  expect(retryAfterMs(null, 0)).toBeUndefined();
});
