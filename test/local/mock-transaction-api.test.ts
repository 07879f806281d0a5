import { LosslessNumber } from 'lossless-json';
import { datasetItem, explicitDataset, type DatasetItem, type MockTransaction } from '../../lib/mock-upstream/dataset';
import { contractLimit } from '../../lib/mock-upstream/mock-settings';
import { SlidingWindowLimit } from '../../lib/mock-upstream/rate-limit';
import { createMockTransactionApi, type MockResponse } from '../../lib/mock-upstream/transaction-api';

const T0 = Date.parse('2024-05-01T10:00:00.000Z');
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

const transaction = (i: number, atMs: number, overrides: Partial<MockTransaction> = {}): MockTransaction => ({
  id: `tx-${String(i).padStart(5, '0')}`,
  userId: `user-${i % 7}`,
  createdAt: new Date(atMs).toISOString(),
  type: 'earned',
  amount: '1.5',
  ...overrides,
});

interface Page {
  items: { id: string; createdAt: string; userId: string; amount: number }[];
  meta: { totalItems: number; itemCount: number; itemsPerPage: number; totalPages: number; currentPage: number };
}

function mockOver(items: DatasetItem[], nowMs = T0 + 3_600_000, limit = new SlidingWindowLimit(1000, 60_000)) {
  const api = createMockTransactionApi({ dataset: explicitDataset(items), limit, nowMs: () => nowMs });
  return (params: Record<string, string>, path = '/transactions', method = 'GET'): MockResponse => api({ method, path, query: new URLSearchParams(params) });
}

const page = (response: MockResponse): Page => {
  expect(response.status).toBe(200);
  return JSON.parse(response.body) as Page;
};

describe('mock Transaction API: paging', () => {
  const items = Array.from({ length: 2500 }, (_, i) => datasetItem(transaction(i, T0 + i * 1000)));
  const get = mockOver(items);
  const window = { startDate: stamp(T0), endDate: stamp(T0 + 2499 * 1000) };

  it('serves at most 1000 items per page with meta describing the whole result', () => {
    const pages = [1, 2, 3].map((n) => page(get({ ...window, page: String(n) })));
    expect(pages.map((p) => p.items.length)).toEqual([1000, 1000, 500]);
    expect(pages[2]!.meta).toEqual({ totalItems: 2500, itemCount: 500, itemsPerPage: 1000, totalPages: 3, currentPage: 3 });
    const ids = pages.flatMap((p) => p.items.map((item) => item.id));
    expect(new Set(ids).size).toBe(2500);
  });

  it('answers a page past the end with no items and the same totals', () => {
    expect(page(get({ ...window, page: '4' })).meta).toEqual({ totalItems: 2500, itemCount: 0, itemsPerPage: 1000, totalPages: 3, currentPage: 4 });
  });

  it('defaults to page 1', () => {
    expect(page(get(window)).meta.currentPage).toBe(1);
  });

  it('reports zero pages for an empty window', () => {
    expect(page(get({ startDate: '2020-01-01 00:00:00', endDate: '2020-01-01 00:00:10' })).meta).toEqual({
      totalItems: 0,
      itemCount: 0,
      itemsPerPage: 1000,
      totalPages: 0,
      currentPage: 1,
    });
  });
});

describe('mock Transaction API: bounds, order, visibility', () => {
  it('includes both bound seconds entirely, and nothing outside them', () => {
    const get = mockOver([
      datasetItem(transaction(1, T0 - 1)), // 09:59:59.999, before the start second
      datasetItem(transaction(2, T0)), // the start second
      datasetItem(transaction(3, T0 + 10_000 + 999)), // the last millisecond of the end second
      datasetItem(transaction(4, T0 + 11_000)), // the second after the end
    ]);
    const ids = page(get({ startDate: stamp(T0), endDate: stamp(T0 + 10_000) })).items.map((item) => item.id);
    expect(ids).toEqual(['tx-00002', 'tx-00003']);
  });

  it('sorts by createdAt, then id', () => {
    const get = mockOver([
      datasetItem(transaction(9, T0 + 2000, { id: 'b' })),
      datasetItem(transaction(8, T0 + 1000, { id: 'z' })),
      datasetItem(transaction(7, T0 + 2000, { id: 'a' })),
    ]);
    expect(page(get({ startDate: stamp(T0), endDate: stamp(T0 + 5000) })).items.map((item) => item.id)).toEqual(['z', 'a', 'b']);
  });

  it('hides transactions created after now', () => {
    const items = [datasetItem(transaction(1, T0)), datasetItem(transaction(2, T0 + 5000)), datasetItem(transaction(3, T0 + 5001))];
    const get = mockOver(items, T0 + 5000);
    const result = page(get({ startDate: stamp(T0), endDate: stamp(T0 + 60_000) }));
    expect(result.items.map((item) => item.id)).toEqual(['tx-00001', 'tx-00002']);
    expect(result.meta.totalItems).toBe(2);
  });

  it('writes amounts as number literals with exactly their decimal digits', () => {
    const get = mockOver([datasetItem(transaction(1, T0, { amount: '0.1' })), datasetItem(transaction(2, T0 + 1, { amount: '12345678901234.56' }))]);
    const body = get({ startDate: stamp(T0), endDate: stamp(T0) }).body;
    expect(body).toContain('"amount":0.1}');
    expect(body).toContain('"amount":12345678901234.56}');
  });

  it('serves a deliberately malformed record as it is', () => {
    const get = mockOver([{ at: T0, id: 'bad', record: { id: 'bad', userId: 42, amount: new LosslessNumber('-3') } }]);
    expect(get({ startDate: stamp(T0), endDate: stamp(T0) }).body).toContain('{"id":"bad","userId":42,"amount":-3}');
  });
});

describe('mock Transaction API: bad requests', () => {
  const get = mockOver([]);
  it.each([
    ['no startDate', { endDate: '2024-05-01 10:00:00' }],
    ['no endDate', { startDate: '2024-05-01 10:00:00' }],
    ['an ISO timestamp instead of the contract format', { startDate: '2024-05-01T10:00:00Z', endDate: '2024-05-01 10:00:00' }],
    ['a date that does not exist', { startDate: '2024-02-30 10:00:00', endDate: '2024-03-01 10:00:00' }],
    ['an hour out of range', { startDate: '2024-05-01 24:00:00', endDate: '2024-05-02 10:00:00' }],
    ['an end before the start', { startDate: '2024-05-01 10:00:01', endDate: '2024-05-01 10:00:00' }],
    ['page 0', { startDate: '2024-05-01 10:00:00', endDate: '2024-05-01 10:00:00', page: '0' }],
    ['a page that is not a number', { startDate: '2024-05-01 10:00:00', endDate: '2024-05-01 10:00:00', page: 'two' }],
    ['a fractional page', { startDate: '2024-05-01 10:00:00', endDate: '2024-05-01 10:00:00', page: '1.5' }],
  ])('answers 400 for %s', (_, params) => {
    const response = get(params);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('answers 404 for other paths and 405 for other methods', () => {
    expect(get({}, '/users').status).toBe(404);
    const post = get({}, '/transactions', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
  });
});

describe('mock Transaction API: rate limit', () => {
  const params = { startDate: '2024-05-01 10:00:00', endDate: '2024-05-01 10:00:00' };

  it('admits 5 calls per sliding 60 s, then answers 429 with Retry-After in seconds until the oldest call leaves the window', () => {
    let now = T0;
    const api = createMockTransactionApi({ dataset: explicitDataset([]), limit: contractLimit(1), nowMs: () => now });
    const call = () => api({ method: 'GET', path: '/transactions', query: new URLSearchParams(params) });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(call().status);
      now += 10_000; // calls at 0, 10, 20, 30, 40 s
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    now = T0 + 45_500;
    const refused = call();
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('15'); // the call at 0 s leaves at 60 s: 14.5 s, rounded up
    now = T0 + 60_000;
    expect(call().status).toBe(200);
    expect(call().status).toBe(429); // the call at 10 s is still inside
  });

  it('divides the window by the time scale', () => {
    expect(contractLimit(20).windowMs).toBe(3000);
    const limit = contractLimit(20);
    for (let i = 0; i < 5; i++) expect(limit.admit(T0 + i).admitted).toBe(true);
    expect(limit.admit(T0 + 10)).toEqual({ admitted: false, retryAfterSeconds: 3 });
    expect(limit.admit(T0 + 3000).admitted).toBe(true);
  });

  it('does not count refused calls against the client', () => {
    const limit = new SlidingWindowLimit(1, 1000);
    expect(limit.admit(0).admitted).toBe(true);
    for (let t = 100; t < 1000; t += 100) expect(limit.admit(t).admitted).toBe(false);
    expect(limit.admit(1000).admitted).toBe(true);
  });
});
