import { integerBetween, randomFor, type Random } from './seeded-random';

/**
 * A hostile upstream (MOCK_FAULTS), one mode at a time or several together. Every mode is
 * deterministic and bounded: which pages misbehave is drawn from (MOCK_SEED, mode, startDate,
 * endDate, page), so a retry of the same request meets the same fault; the counted modes
 * (long-retry-after) follow the order of requests; the genuine items are always all served.
 * `extreme-records` is of another kind: valid records at the edges of the accepted domain, part
 * of the data itself (extreme-records.ts), served like any other transaction.
 */
export const faultModes = [
  'lying-meta',
  'sparse-meta',
  'huge-garbage',
  'long-retry-after',
  'bad-page',
  'extreme-records',
  'stuck-record',
  'refused-record',
] as const;
export type FaultMode = (typeof faultModes)[number];

export interface MockFaults {
  modes: readonly FaultMode[];
  /** Keys the draws (MOCK_SEED). */
  seed: string;
  /**
   * `bad-page`: every request whose window holds this instant (epoch ms) is answered with garbage;
   * `stuck-record` / `refused-record`: the one record whose write fails is created at this instant.
   */
  badPageAtMs?: number;
}

export const noFaults: MockFaults = { modes: [], seed: '' };

/** Shares and sizes of the modes (the README's table quotes them). */
export const faultShares = {
  /** One page in 4 under-reports totalPages and has a wrong itemCount. */
  lyingMeta: 1 / 4,
  /** One page in 3 omits totalItems and currentPage. */
  sparseMeta: 1 / 3,
  /** One page in 10 carries garbage records, mixed in among the genuine items. */
  hugeGarbage: 1 / 10,
  garbageRecords: { min: 200, max: 500 },
  /** Each garbage record is about this many characters of incompressible noise. */
  garbageRecordChars: 2048,
  /** Every 25th request is refused at once (429, not counted against the limit). */
  injectedRefusalEvery: 25,
  /** Every 3rd genuine refusal (over the limit) says Retry-After: 86400 too. */
  longRefusalEvery: 3,
  longRetryAfterSeconds: 86_400,
} as const;

/** The request a page answers, as the draws see it (the query's own bounds, before any clamping to now). */
export interface PageRequest {
  fromMs: number;
  toMs: number;
  page: number;
}

export interface PageMeta {
  totalItems?: number;
  itemCount: number;
  itemsPerPage: number;
  totalPages: number;
  currentPage?: number;
}

const has = (faults: MockFaults, mode: FaultMode): boolean => faults.modes.includes(mode);

const drawFor = (faults: MockFaults, mode: FaultMode, request: PageRequest): Random =>
  randomFor(faults.seed, 'fault', mode, request.fromMs, request.toMs, request.page);

const hits = (faults: MockFaults, mode: FaultMode, request: PageRequest, share: number): boolean =>
  has(faults, mode) && drawFor(faults, mode, request)() < share;

/** Characters drawn uniformly from 64 symbols: 6 bits of entropy each, so gzip gains next to nothing. */
const noiseAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function noise(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += noiseAlphabet[Math.floor(random() * 64)];
  return text;
}

/**
 * One garbage record: always an id longer than any valid one (> 256 characters), plus, in
 * three of its four shapes, another defect (a bad type, date, amount, or missing fields).
 */
function garbageRecord(random: Random, index: number): Record<string, unknown> {
  const id = noise(random, integerBetween(random, 1000, 1500));
  const note = noise(random, Math.max(0, faultShares.garbageRecordChars - id.length));
  switch (index % 4) {
    case 0:
      return { id, userId: '100001', createdAt: '2024-05-01T10:00:00.000Z', type: 'earned', amount: 1, note };
    case 1:
      return { id, userId: null, createdAt: 'not a date', type: 'refund', amount: note };
    case 2:
      return { id, blob: note };
    default:
      return { id, userId: 'x'.repeat(300), createdAt: '2024-13-45T99:99:99Z', type: 'spent', amount: -5, note };
  }
}

/** `huge-garbage`: the page with its garbage mixed in (the genuine items keep their order), or the page itself. */
export function withGarbage<T>(faults: MockFaults, request: PageRequest, items: T[]): (T | Record<string, unknown>)[] {
  if (!hits(faults, 'huge-garbage', request, faultShares.hugeGarbage)) return items;
  const random = randomFor(faults.seed, 'garbage', request.fromMs, request.toMs, request.page);
  const count = integerBetween(random, faultShares.garbageRecords.min, faultShares.garbageRecords.max);
  const page: (T | Record<string, unknown>)[] = [...items];
  for (let i = 0; i < count; i++) page.splice(integerBetween(random, 0, page.length), 0, garbageRecord(random, i));
  return page;
}

/** `lying-meta` and `sparse-meta`: the meta as the hostile upstream words it. */
export function hostileMeta(faults: MockFaults, request: PageRequest, meta: Required<PageMeta>): PageMeta {
  let worded: PageMeta = meta;
  if (hits(faults, 'lying-meta', request, faultShares.lyingMeta)) {
    worded = {
      ...worded,
      // "This is the last page" even when more follow.
      totalPages: Math.min(meta.totalPages, meta.currentPage),
      itemCount: meta.itemCount > 0 ? meta.itemCount - 1 : 1,
    };
  }
  if (hits(faults, 'sparse-meta', request, faultShares.sparseMeta)) {
    const { totalItems: _totalItems, currentPage: _currentPage, ...rest } = worded;
    worded = rest;
  }
  return worded;
}

/** `bad-page`: the window holding MOCK_BAD_PAGE_AT answers garbage, every time (one of three shapes, fixed per request). */
export function badPageBody(faults: MockFaults, request: PageRequest): { contentType: string; body: string } | undefined {
  if (!has(faults, 'bad-page') || faults.badPageAtMs === undefined) return undefined;
  if (faults.badPageAtMs < request.fromMs || faults.badPageAtMs > request.toMs) return undefined;
  switch (Math.floor(drawFor(faults, 'bad-page', request)() * 3)) {
    case 0:
      return { contentType: 'text/html; charset=utf-8', body: '<html><head><title>502 Bad Gateway</title></head><body>upstream hiccup</body></html>' };
    case 1:
      return { contentType: 'application/json; charset=utf-8', body: '{"items":[{"id":"41bbdf81-735c-4aea-beb3-3e5f433a30c5","userId":"07' };
    default:
      return { contentType: 'application/json; charset=utf-8', body: '{"items":{"0":"not a list"},"meta":"n/a"}' };
  }
}

/** `long-retry-after`: the counted faults of one API instance (per process; per container when deployed). */
export class RefusalFaults {
  private requests = 0;
  private refusals = 0;

  constructor(private readonly faults: MockFaults) {}

  /** Counts a request; true when it is one the upstream refuses at once, whatever the limit says. */
  refusesAtOnce(): boolean {
    if (!has(this.faults, 'long-retry-after')) return false;
    this.requests++;
    return this.requests % faultShares.injectedRefusalEvery === 0;
  }

  /** The Retry-After of a genuine refusal: the honest one, or a day for every 3rd. */
  retryAfterSeconds(honestSeconds: number): number {
    if (!has(this.faults, 'long-retry-after')) return honestSeconds;
    this.refusals++;
    return this.refusals % faultShares.longRefusalEvery === 0 ? faultShares.longRetryAfterSeconds : honestSeconds;
  }
}

/**
 * `stuck-record` and `refused-record`: one valid transaction, created at MOCK_BAD_PAGE_AT, whose
 * write the local table fails (infra/local/refusing-writes.ts; no real record does this, since
 * validation accepts only what the table holds). `stuck-record`: every write of it fails with a
 * 500, so its page cannot be applied: the apply-failed jam an operator resolves with
 * `unjam-ingestion --action quarantine`. `refused-record`: the table refuses it as invalid
 * (ValidationException), so it alone is quarantined and the rest of its page applies.
 */
export const applyFaultUsers = { 'stuck-record': 'stuck-record', 'refused-record': 'refused-record' } as const;

export function applyFaultTransactions(faults: MockFaults): { id: string; userId: string; createdAt: string; type: 'earned'; amount: string }[] {
  if (faults.badPageAtMs === undefined) return [];
  const createdAt = new Date(Math.floor(faults.badPageAtMs / 1000) * 1000).toISOString();
  return (['stuck-record', 'refused-record'] as const)
    .filter((mode) => has(faults, mode))
    .map((mode) => ({ id: `${mode}-1`, userId: applyFaultUsers[mode], createdAt, type: 'earned' as const, amount: '1' }));
}
