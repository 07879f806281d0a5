import { payoutListEndpoint } from '../../lib/api/endpoints/payout-list';
import { userAggregateEndpoint } from '../../lib/api/endpoints/user-aggregate';
import { decodePayoutCursor, encodePayoutCursor } from '../../lib/api/payout-cursor';
import { cacheControl } from '../../lib/http/cache-control';
import { readApiHandler } from '../../lib/http/read-api-handler';
import type { PayoutRequest, ReadStore } from '../../lib/api/ports';
import { payoutSortKey } from '../../lib/core/payout-sort-key';
import { getEvent, header, lambdaContext } from './support/http-events';
import { expectConformsToOpenApi } from './support/openapi-validator';

const WATERMARK = '2024-03-16T12:33:11.000Z';
const CHANGED = '2024-03-16T12:30:05.250Z';

const aggregateStore = (updatedAt: string | null = CHANGED): Pick<ReadStore, 'getAggregateRecord' | 'getWatermark'> => ({
  getAggregateRecord: async (userId) =>
    userId === 'nobody'
      ? undefined
      : { aggregate: { balance: '100', earned: '150', spent: '50', payout: '30', paidOut: '20' }, ...(updatedAt ? { updatedAt } : {}) },
  getWatermark: async () => WATERMARK,
});

const getUser = (store = aggregateStore()) => {
  const handler = readApiHandler(userAggregateEndpoint(store), { cacheControl: cacheControl.aggregate });
  return async (url: string, headers: Record<string, string> = {}) => {
    const event = getEvent(url);
    const result = await handler({ ...event, headers: { ...event.headers, ...headers } }, lambdaContext());
    expectConformsToOpenApi(url, result);
    return result;
  };
};

describe('GET /aggregatedData/{userId}: validators and Data-As-Of', () => {
  it('carries ETag, Last-Modified (when the aggregate changed) and Data-As-Of (the head watermark)', async () => {
    const result = await getUser()('/aggregatedData/074092');
    expect(result.statusCode).toBe(200);
    expect(header(result, 'etag')).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(header(result, 'last-modified')).toBe('Sat, 16 Mar 2024 12:30:05 GMT');
    expect(header(result, 'data-as-of')).toBe(WATERMARK);
  });

  it('answers 304 without a body to If-None-Match with the current ETag (also in a list, also weak), 200 to another', async () => {
    const get = getUser();
    const etag = header(await get('/aggregatedData/074092'), 'etag')!;
    for (const value of [etag, `"other", ${etag}`, `W/${etag}`, '*']) {
      const result = await get('/aggregatedData/074092', { 'if-none-match': value });
      expect(result.statusCode).toBe(304);
      expect(result.body ?? '').toBe('');
      expect(header(result, 'etag')).toBe(etag);
      expect(header(result, 'content-type')).toBeUndefined();
      expect(header(result, 'cache-control')).toBe(cacheControl.aggregate);
      expect(header(result, 'data-as-of')).toBe(WATERMARK);
    }
    expect((await get('/aggregatedData/074092', { 'if-none-match': '"stale"' })).statusCode).toBe(200);
  });

  it('answers 304 to If-Modified-Since at or after the change (whole seconds), 200 before it or for a bad date', async () => {
    const get = getUser();
    expect((await get('/aggregatedData/074092', { 'if-modified-since': 'Sat, 16 Mar 2024 12:30:05 GMT' })).statusCode).toBe(304);
    expect((await get('/aggregatedData/074092', { 'if-modified-since': 'Sat, 16 Mar 2024 13:00:00 GMT' })).statusCode).toBe(304);
    expect((await get('/aggregatedData/074092', { 'if-modified-since': 'Sat, 16 Mar 2024 12:30:04 GMT' })).statusCode).toBe(200);
    expect((await get('/aggregatedData/074092', { 'if-modified-since': 'yesterday-ish' })).statusCode).toBe(200);
  });

  it('accepts the three HTTP-date forms of RFC 9110 §5.6.7 in If-Modified-Since', async () => {
    const get = getUser();
    for (const since of ['Sat, 16 Mar 2024 12:30:05 GMT', 'Saturday, 16-Mar-24 12:30:05 GMT', 'Sat Mar 16 12:30:05 2024']) {
      expect((await get('/aggregatedData/074092', { 'if-modified-since': since })).statusCode).toBe(304);
    }
  });

  it.each([
    ['an ISO date', '2999-01-01'],
    ['a bare number', '1'],
    ['words Date.parse reads as a date', 'Mar 20 2030'],
    ['a list of two dates', 'Sat, 16 Mar 2024 13:00:00 GMT, Sun, 17 Mar 2024 13:00:00 GMT'],
    ['an impossible day', 'Sat, 31 Feb 2030 00:00:00 GMT'],
    ['a date without its zone', 'Sat, 16 Mar 2030 12:30:05'],
  ])('ignores an If-Modified-Since that is not an HTTP-date (%s): 200, never 304 (RFC 9110 §13.1.3)', async (_, since) => {
    const result = await getUser()('/aggregatedData/074092', { 'if-modified-since': since });
    expect(result.statusCode).toBe(200);
    expect(result.body).not.toBe('');
  });

  it('lets If-None-Match win over If-Modified-Since', async () => {
    const result = await getUser()('/aggregatedData/074092', { 'if-none-match': '"stale"', 'if-modified-since': 'Sat, 16 Mar 2024 13:00:00 GMT' });
    expect(result.statusCode).toBe(200);
  });

  it('has no Last-Modified for an aggregate written before the change time was kept, and no Data-As-Of before any ingestion', async () => {
    const result = await getUser({ ...aggregateStore(null), getWatermark: async () => undefined })('/aggregatedData/074092');
    expect(result.statusCode).toBe(200);
    expect(header(result, 'last-modified')).toBeUndefined();
    expect(header(result, 'data-as-of')).toBeUndefined();
    expect(header(result, 'etag')).toBeDefined();
  });

  it('never answers 304 for an unknown user', async () => {
    expect((await getUser()('/aggregatedData/nobody', { 'if-none-match': '*' })).statusCode).toBe(404);
  });
});

/** A fake of the store's payout list over a fixed set of users, honouring sort, bound and position exactly as the indexes do. */
function payoutStore(users: [string, string][]) {
  const requests: PayoutRequest[] = [];
  const store: Pick<ReadStore, 'listPayouts' | 'getWatermark'> = {
    getWatermark: async () => WATERMARK,
    listPayouts: async (request) => {
      requests.push(request);
      const { limit, sort = 'userId', minTotalPayout, after } = request;
      const entries = users
        .filter(([, payout]) => minTotalPayout === undefined || Number(payout) >= Number(minTotalPayout))
        .map(([userId, payout]) => ({ userId, totalPayout: payout, position: sort === 'userId' ? userId : payoutSortKey(payout, userId) }))
        .sort((a, b) => (a.position < b.position ? -1 : 1));
      if (sort === '-totalPayout') entries.reverse();
      const start = after === undefined ? 0 : entries.findIndex((entry) => entry.position === after) + 1;
      const page = entries.slice(start, start + limit);
      const more = start + limit < entries.length;
      return { payouts: page.map(({ userId, totalPayout }) => ({ userId, totalPayout })), ...(more ? { next: page[page.length - 1].position } : {}) };
    },
  };
  return { store, requests };
}

const users: [string, string][] = [
  ['a', '5'],
  ['b', '100'],
  ['c', '100'],
  ['d', '0.5'],
  ['e', '250.75'],
  ['f', '100'],
];

const listWith = (store: Pick<ReadStore, 'listPayouts' | 'getWatermark'>) => {
  const handler = readApiHandler(payoutListEndpoint(store), { cacheControl: cacheControl.payouts });
  return async (url: string, headers: Record<string, string> = {}) => {
    const event = getEvent(url);
    const result = await handler({ ...event, headers: { ...event.headers, ...headers } }, lambdaContext());
    expectConformsToOpenApi(url, result);
    return result;
  };
};

/** Follows Link headers from `url` to the end; every page's body, in order. */
async function allPages(get: ReturnType<typeof listWith>, url: string): Promise<{ userId: string; totalPayout: number }[]> {
  const seen: { userId: string; totalPayout: number }[] = [];
  let next: string | undefined = url;
  for (let pages = 0; next; pages++) {
    if (pages > 20) throw new Error('no end of the Link chain');
    const result = await get(next);
    expect(result.statusCode).toBe(200);
    seen.push(...(JSON.parse(result.body ?? '') as typeof seen));
    const link = header(result, 'link');
    next = link === undefined ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)![1];
  }
  return seen;
}

describe('GET /aggregatedData/payouts: sort, minTotalPayout, paging, validators', () => {
  it.each([
    ['/aggregatedData/payouts?limit=2', ['a', 'b', 'c', 'd', 'e', 'f']],
    ['/aggregatedData/payouts?limit=2&sort=totalPayout', ['d', 'a', 'b', 'c', 'f', 'e']],
    ['/aggregatedData/payouts?limit=2&sort=-totalPayout', ['e', 'f', 'c', 'b', 'a', 'd']],
    ['/aggregatedData/payouts?limit=2&sort=-totalPayout&minTotalPayout=100', ['e', 'f', 'c', 'b']],
    ['/aggregatedData/payouts?limit=1&sort=totalPayout&minTotalPayout=100.00', ['b', 'c', 'f', 'e']],
    ['/aggregatedData/payouts?limit=4&minTotalPayout=5', ['a', 'b', 'c', 'e', 'f']],
  ])('%s pages through every user once, in order, ties by userId', async (url, expected) => {
    const { store } = payoutStore(users);
    expect((await allPages(listWith(store), url)).map((entry) => entry.userId)).toEqual(expected);
  });

  it('keeps sort and bound in the Link and hands the store the position of the last entry', async () => {
    const { store, requests } = payoutStore(users);
    const result = await listWith(store)('/aggregatedData/payouts?limit=2&sort=-totalPayout&minTotalPayout=100');
    const link = new URL(/^<([^>]+)>/.exec(header(result, 'link')!)![1], 'http://x.invalid');
    expect(link.searchParams.get('sort')).toBe('-totalPayout');
    expect(link.searchParams.get('minTotalPayout')).toBe('100');
    expect(decodePayoutCursor(link.searchParams.get('cursor')!, { sort: '-totalPayout', minTotalPayout: '100' })).toBe(payoutSortKey('100', 'f'));
    expect(requests[0]).toEqual({ limit: 2, sort: '-totalPayout', minTotalPayout: '100', after: undefined });
  });

  it.each([
    ['sort=payout', 'sort', 'must be one of userId, totalPayout, -totalPayout'],
    ['sort=', 'sort', 'must be one of userId, totalPayout, -totalPayout'],
    ['minTotalPayout=-1', 'minTotalPayout', 'must be a non-negative decimal number such as 100 or 12.5'],
    ['minTotalPayout=1e3', 'minTotalPayout', 'must be a non-negative decimal number such as 100 or 12.5'],
    ['minTotalPayout=ten', 'minTotalPayout', 'must be a non-negative decimal number such as 100 or 12.5'],
    ['minTotalPayout=', 'minTotalPayout', 'must be a non-negative decimal number such as 100 or 12.5'],
  ])('answers 400 problem+json naming the parameter for %s', async (query, name, reason) => {
    const { store, requests } = payoutStore(users);
    const result = await listWith(store)(`/aggregatedData/payouts?${query}`);
    expect(result.statusCode).toBe(400);
    expect(header(result, 'content-type')).toBe('application/problem+json');
    expect(JSON.parse(result.body ?? '')).toMatchObject({ invalidParams: [{ name, reason }] });
    expect(requests).toHaveLength(0);
  });

  it('refuses a cursor issued for another sort or bound (400 naming cursor)', async () => {
    const { store, requests } = payoutStore(users);
    const get = listWith(store);
    const byAmount = encodePayoutCursor(payoutSortKey('100', 'b'), { sort: 'totalPayout' });
    for (const url of [
      `/aggregatedData/payouts?cursor=${byAmount}`,
      `/aggregatedData/payouts?sort=-totalPayout&cursor=${byAmount}`,
      `/aggregatedData/payouts?sort=totalPayout&minTotalPayout=1&cursor=${byAmount}`,
      `/aggregatedData/payouts?sort=totalPayout&cursor=${encodePayoutCursor('b')}`,
    ]) {
      const result = await get(url);
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body ?? '')).toMatchObject({ invalidParams: [{ name: 'cursor', reason: 'is not a cursor this API issued' }] });
    }
    expect((await get(`/aggregatedData/payouts?sort=totalPayout&cursor=${byAmount}`)).statusCode).toBe(200);
    expect(requests).toHaveLength(1);
  });

  it('carries ETag and Data-As-Of; If-None-Match answers 304 while the page is unchanged', async () => {
    const { store } = payoutStore(users);
    const get = listWith(store);
    const first = await get('/aggregatedData/payouts?sort=-totalPayout');
    expect(header(first, 'data-as-of')).toBe(WATERMARK);
    const etag = header(first, 'etag')!;
    const again = await get('/aggregatedData/payouts?sort=-totalPayout', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(header(again, 'etag')).toBe(etag);
    users.push(['g', '1']);
    try {
      expect((await get('/aggregatedData/payouts?sort=-totalPayout', { 'if-none-match': etag })).statusCode).toBe(200);
    } finally {
      users.pop();
    }
  });
});
