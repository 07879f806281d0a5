import type { MockRequest, MockResponse, MockTransactionApi } from '../../lib/mock-upstream/transaction-api';
import { listenLocally, type RunningServer } from './http-listener';

/** What answers a request: the mock API itself, or a test's wrapper around it (faults, counting). */
export type MockRequestHandler = MockTransactionApi | ((request: MockRequest) => MockResponse | Promise<MockResponse>);

/** The mock Transaction API over node:http on 127.0.0.1 (the local twin of functions/mock-transaction-api.ts). */
export function startMockUpstreamServer(handler: MockRequestHandler, port = 0): Promise<RunningServer> {
  return listenLocally((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    Promise.resolve(handler({ method: request.method ?? 'GET', path: url.pathname, query: url.searchParams }))
      .then((answer) => {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ statusCode: 500, message: (error as Error).message, error: 'Internal Server Error' }));
      });
  }, port);
}
