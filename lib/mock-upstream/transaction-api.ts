import { stringify } from 'lossless-json';
import type { TransactionDataset } from './dataset';
import { badPageBody, faultShares, hostileMeta, noFaults, RefusalFaults, withGarbage, type MockFaults } from './faults';
import type { SlidingWindowLimit } from './rate-limit';
import { parseTransactionsQuery } from './transactions-query';

export const PAGE_SIZE = 1000;

/** A request as any transport sees it: node:http locally, an API Gateway event in Lambda. */
export interface MockRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface MockResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface MockTransactionApiOptions {
  dataset: TransactionDataset;
  limit: SlidingWindowLimit;
  nowMs?: () => number;
  pageSize?: number;
  /** MOCK_FAULTS: a hostile upstream (none by default). */
  faults?: MockFaults;
}

export type MockTransactionApi = (request: MockRequest) => MockResponse;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): MockResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: stringify(body) ?? 'null',
});

const error = (status: number, message: string, title: string, headers?: Record<string, string>): MockResponse =>
  json(status, { statusCode: status, message, error: title }, headers);

/**
 * The Transaction API: GET /transactions pages the dataset in (createdAt, id) order, 1000 per
 * page, with inclusive second bounds; nothing created after "now" is visible, nor a late arrival
 * before it arrives. Over the rate
 * limit it answers 429 with Retry-After (seconds). With `faults`, it misbehaves as described in
 * faults.ts (and the README): refusals, garbage windows, lying or sparse meta, garbage records.
 */
export function createMockTransactionApi(options: MockTransactionApiOptions): MockTransactionApi {
  const nowMs = options.nowMs ?? Date.now;
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const faults = options.faults ?? noFaults;
  const refusals = new RefusalFaults(faults);
  const tooMany = (retryAfterSeconds: number) =>
    error(429, `rate limit: ${options.limit.calls} calls per ${options.limit.windowMs / 1000} s`, 'Too Many Requests', {
      'retry-after': String(retryAfterSeconds),
    });
  return (request) => {
    const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
    if (path !== '/transactions') return error(404, `no route for ${request.path}`, 'Not Found');
    if (request.method !== 'GET') return error(405, `${request.method} is not allowed`, 'Method Not Allowed', { allow: 'GET' });

    const now = nowMs();
    if (refusals.refusesAtOnce()) return tooMany(faultShares.longRetryAfterSeconds);
    const admission = options.limit.admit(now);
    if (!admission.admitted) return tooMany(refusals.retryAfterSeconds(admission.retryAfterSeconds));
    const parsed = parseTransactionsQuery(request.query);
    if (!parsed.ok) return error(400, parsed.message, 'Bad Request');

    const bad = badPageBody(faults, parsed.query);
    if (bad) return { status: 200, headers: { 'content-type': bad.contentType }, body: bad.body };

    const { fromMs, page } = parsed.query;
    const toMs = Math.min(parsed.query.toMs, now);
    const totalItems = options.dataset.count(fromMs, toMs, now);
    const items = withGarbage(
      faults,
      parsed.query,
      options.dataset.slice(fromMs, toMs, (page - 1) * pageSize, pageSize, now).map((item) => item.record),
    );
    const meta = { totalItems, itemCount: items.length, itemsPerPage: pageSize, totalPages: Math.ceil(totalItems / pageSize), currentPage: page };
    return json(200, { items, meta: hostileMeta(faults, parsed.query, meta) });
  };
}
