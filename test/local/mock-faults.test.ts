import { gzipSync } from 'node:zlib';
import Big from 'big.js';
import { stringify } from 'lossless-json';
import { amountDomain, idDomain, userIdDomain } from '../../lib/core/accepted-domain';
import { parseLossless } from '../../lib/core/lossless-json';
import { DecimalText, validatePage, validateRecord } from '../../lib/core/transaction';
import { datasetItem, explicitDataset, type MockTransaction } from '../../lib/mock-upstream/dataset';
import { extremeRecordItems, finestAmount, largestAmount, longestId, unsafeIntegerId, widestId } from '../../lib/mock-upstream/extreme-records';
import { faultModes, faultShares, type FaultMode } from '../../lib/mock-upstream/faults';
import { BAD_PAGE_AFTER_START_MS, contractLimit, generatedMockUpstream, mockSettingsFrom, mockSummary } from '../../lib/mock-upstream/mock-settings';
import { SlidingWindowLimit } from '../../lib/mock-upstream/rate-limit';
import { createMockTransactionApi, type MockResponse } from '../../lib/mock-upstream/transaction-api';

const T0 = Date.parse('2024-05-01T10:00:00.000Z');
const NOW = T0 + 3_600_000;
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** 3 items a second for the hour after T0: 10,800 items, so wide windows have several pages. */
const transactions: MockTransaction[] = Array.from({ length: 10_800 }, (_, i) => ({
  id: `tx-${String(i).padStart(5, '0')}`,
  userId: `user-${i % 7}`,
  createdAt: new Date(T0 + Math.floor(i / 3) * 1000).toISOString(),
  type: 'earned',
  amount: '1.5',
}));
const dataset = explicitDataset(transactions.map(datasetItem));

interface Page {
  items: Record<string, unknown>[];
  meta: { totalItems?: number; itemCount: number; itemsPerPage: number; totalPages: number; currentPage?: number };
}

function apiWith(modes: FaultMode[], options: { badPageAtMs?: number; limit?: SlidingWindowLimit } = {}) {
  const api = createMockTransactionApi({
    dataset,
    limit: options.limit ?? new SlidingWindowLimit(1_000_000, 60_000),
    nowMs: () => NOW,
    faults: { modes, seed: 'faults-test', badPageAtMs: options.badPageAtMs },
  });
  return (fromMs: number, toMs: number, page = 1): MockResponse =>
    api({ method: 'GET', path: '/transactions', query: new URLSearchParams({ startDate: stamp(fromMs), endDate: stamp(toMs), page: String(page) }) });
}
const pageOf = (response: MockResponse): Page => JSON.parse(response.body) as Page;
/** A garbage record: no genuine id is longer than a few characters. */
const isJunk = (item: Record<string, unknown>): boolean => String(item.id).length > 256;
/** The record as the ingestion's lossless parser hands it to validation (a number becomes DecimalText). */
const asParsed = (item: Record<string, unknown>) => (typeof item.amount === 'number' ? { ...item, amount: new DecimalText(String(item.amount)) } : item);

/** 150 distinct requests: windows of many widths and offsets, pages 1 to 3. */
const requests: [number, number, number][] = Array.from({ length: 150 }, (_, i) => {
  const fromMs = T0 + ((i * 37) % 1800) * 1000;
  return [fromMs, fromMs + (200 + ((i * 53) % 1500)) * 1000, 1 + (i % 3)];
});

const honestApi = apiWith([]);
const honestAnswers = new Map<string, MockResponse>();
/** The well-behaved answer (remembered: the data never changes here). */
const honest = (fromMs: number, toMs: number, page = 1): MockResponse => {
  const key = `${fromMs}/${toMs}/${page}`;
  if (!honestAnswers.has(key)) honestAnswers.set(key, honestApi(fromMs, toMs, page));
  return honestAnswers.get(key)!;
};
const idsOf = (page: Page) => page.items.map((item) => item.id);

describe('mock faults (MOCK_FAULTS): settings', () => {
  it('reads a comma list, ignoring spaces and repeats; none by default', () => {
    expect(mockSettingsFrom({}, { startedAtMs: T0 }).faults.modes).toEqual([]);
    expect(mockSettingsFrom({ MOCK_FAULTS: '' }, { startedAtMs: T0 }).faults.modes).toEqual([]);
    expect(mockSettingsFrom({ MOCK_FAULTS: 'lying-meta, sparse-meta,lying-meta' }, { startedAtMs: T0 }).faults.modes).toEqual(['lying-meta', 'sparse-meta']);
  });

  it('rejects an unknown mode, naming MOCK_FAULTS and the known ones', () => {
    expect(() => mockSettingsFrom({ MOCK_FAULTS: 'lying-meta,flaky' }, { startedAtMs: T0 })).toThrow(/MOCK_FAULTS.*"flaky".*bad-page/);
  });

  it('puts the bad window at MOCK_BAD_PAGE_AT, else a minute after the start; rejects a bad instant', () => {
    expect(mockSettingsFrom({ MOCK_FAULTS: 'bad-page' }, { startedAtMs: T0 }).faults.badPageAtMs).toBe(T0 + BAD_PAGE_AFTER_START_MS);
    expect(mockSettingsFrom({ MOCK_BAD_PAGE_AT: '2024-05-01T10:20:00Z' }, { startedAtMs: T0 }).faults.badPageAtMs).toBe(Date.parse('2024-05-01T10:20:00Z'));
    expect(() => mockSettingsFrom({ MOCK_BAD_PAGE_AT: 'tomorrow' }, { startedAtMs: T0 })).toThrow('MOCK_BAD_PAGE_AT');
  });

  it('shows what the mock plays in one line (the npm start banner)', () => {
    expect(mockSummary(mockSettingsFrom({}, { startedAtMs: T0 }))).toBe('seed "transaction-aggregation-demo", 200 users, 120 tx/min');
    const hostile = mockSettingsFrom(
      {
        MOCK_PHASES: '30m@4000,10m@80',
        MOCK_LATE_FRACTION: '0.1',
        MOCK_LATE_SECONDS: '30',
        MOCK_FAULTS: 'lying-meta,bad-page',
        MOCK_BAD_PAGE_AT: '2024-05-01T10:00:30Z',
      },
      { startedAtMs: T0 },
    );
    expect(mockSummary(hostile)).toBe(
      'seed "transaction-aggregation-demo", 200 users, phases 30m@4000,10m@80 tx/min (repeating), 10 % listed late by 30 s, faults: lying-meta, bad-page at 2024-05-01T10:00:30.000Z',
    );
  });
});

describe('mock faults: without any mode, the API answers exactly as before', () => {
  it('gives the same bodies as an API built without the faults option', () => {
    const plain = createMockTransactionApi({ dataset, limit: new SlidingWindowLimit(1_000_000, 60_000), nowMs: () => NOW });
    for (const [fromMs, toMs, page] of requests.slice(0, 30)) {
      const query = new URLSearchParams({ startDate: stamp(fromMs), endDate: stamp(toMs), page: String(page) });
      expect(honest(fromMs, toMs, page)).toEqual(plain({ method: 'GET', path: '/transactions', query }));
    }
  });
});

describe('mock faults: lying-meta', () => {
  const lying = apiWith(['lying-meta']);

  it('on about one page in 4, under-reports totalPages and miscounts itemCount; the items are the true ones', () => {
    let lies = 0;
    for (const [fromMs, toMs, page] of requests) {
      const truth = pageOf(honest(fromMs, toMs, page));
      const told = pageOf(lying(fromMs, toMs, page));
      expect(idsOf(told)).toEqual(idsOf(truth));
      expect(told.meta.totalItems).toBe(truth.meta.totalItems);
      if (told.meta.itemCount === truth.meta.itemCount) {
        expect(told.meta).toEqual(truth.meta);
        continue;
      }
      lies++;
      expect(told.meta.totalPages).toBe(Math.min(truth.meta.totalPages, page));
      expect(told.meta.itemCount).not.toBe(told.items.length);
    }
    expect(lies / requests.length).toBeGreaterThan(faultShares.lyingMeta * 0.6);
    expect(lies / requests.length).toBeLessThan(faultShares.lyingMeta * 1.4);
  });

  it('tells the same lie to the same request every time', () => {
    for (const [fromMs, toMs, page] of requests.slice(0, 40)) expect(lying(fromMs, toMs, page).body).toBe(lying(fromMs, toMs, page).body);
  });

  it('includes pages that claim to be the last though full and followed by more', () => {
    const claims = requests.filter(([fromMs, toMs, page]) => {
      const told = pageOf(lying(fromMs, toMs, page));
      return told.items.length === 1000 && told.meta.totalPages === page && pageOf(honest(fromMs, toMs, page + 1)).items.length > 0;
    });
    expect(claims.length).toBeGreaterThan(0);
  });
});

describe('mock faults: sparse-meta', () => {
  const sparse = apiWith(['sparse-meta']);

  it('on about one page in 3, omits totalItems and currentPage; the rest of meta and the items are true', () => {
    let omitted = 0;
    for (const [fromMs, toMs, page] of requests) {
      const truth = pageOf(honest(fromMs, toMs, page));
      const told = pageOf(sparse(fromMs, toMs, page));
      expect(idsOf(told)).toEqual(idsOf(truth));
      if ('totalItems' in told.meta) {
        expect(told.meta).toEqual(truth.meta);
        continue;
      }
      omitted++;
      const { totalItems: _total, currentPage: _current, ...rest } = truth.meta;
      expect(told.meta).toEqual(rest);
    }
    expect(omitted / requests.length).toBeGreaterThan(faultShares.sparseMeta * 0.6);
    expect(omitted / requests.length).toBeLessThan(faultShares.sparseMeta * 1.4);
  });
});

describe('mock faults: huge-garbage', () => {
  const garbage = apiWith(['huge-garbage']);
  const affected = requests
    .map(([fromMs, toMs, page]) => ({ truth: pageOf(honest(fromMs, toMs, page)), response: garbage(fromMs, toMs, page) }))
    .map(({ truth, response }) => ({ truth, response, told: pageOf(response) }))
    .filter(({ truth, told }) => told.items.length !== truth.items.length);

  it('hits about one page in 10, each with 200-500 malformed records mixed among the genuine items, in order', () => {
    expect(affected.length / requests.length).toBeGreaterThan(faultShares.hugeGarbage * 0.5);
    expect(affected.length / requests.length).toBeLessThan(faultShares.hugeGarbage * 1.6);
    for (const { truth, told } of affected) {
      const junk = told.items.filter(isJunk);
      expect(junk.every((item) => !validateRecord(asParsed(item)).ok)).toBe(true);
      expect(told.items.filter((item) => !isJunk(item)).every((item) => validateRecord(asParsed(item)).ok)).toBe(true);
      expect(junk.length).toBeGreaterThanOrEqual(200);
      expect(junk.length).toBeLessThanOrEqual(500);
      expect(told.items.length).toBe(truth.items.length + junk.length);
      expect(idsOf({ ...told, items: told.items.filter((item) => !isJunk(item)) })).toEqual(idsOf(truth));
      // Mixed in: not all of them after the genuine items.
      if (truth.items.length > 0) expect(told.items.findIndex(isJunk)).toBeLessThan(truth.items.length);
      expect(told.meta.itemCount).toBe(told.items.length);
      expect(told.meta.totalItems).toBe(truth.meta.totalItems);
    }
  });

  it('makes each garbage record about 2 KB of incompressible text with an id far beyond 256 characters', () => {
    const { truth, told, response } = affected[0]!;
    const junk = told.items.filter(isJunk);
    for (const record of junk) {
      expect(String(record.id).length).toBeGreaterThan(900);
      expect(JSON.stringify(record).length).toBeGreaterThan(1900);
      expect(JSON.stringify(record).length).toBeLessThan(2600);
    }
    const extra = response.body.length - JSON.stringify(truth).length;
    expect(extra).toBeGreaterThan(junk.length * 1900);
    const junkText = JSON.stringify(junk);
    expect(gzipSync(junkText).length / junkText.length).toBeGreaterThan(0.7);
  });

  it('serves the same garbage to the same request every time', () => {
    const [fromMs, toMs, page] = requests.find(([f, t, p]) => garbage(f, t, p).body.length > honest(f, t, p).body.length)!;
    expect(garbage(fromMs, toMs, page).body).toBe(garbage(fromMs, toMs, page).body);
  });
});

describe('mock faults: long-retry-after', () => {
  it('refuses every 25th request at once with Retry-After: 86400, without counting it against the limit', () => {
    const limit = new SlidingWindowLimit(1_000_000, 60_000);
    const ask = apiWith(['long-retry-after'], { limit });
    const statuses = Array.from({ length: 100 }, () => ask(T0, T0 + 10_000));
    statuses.forEach((response, i) => {
      if ((i + 1) % 25 === 0) {
        expect(response.status).toBe(429);
        expect(response.headers['retry-after']).toBe('86400');
      } else expect(response.status).toBe(200);
    });
    // 96 admitted: the refused ones took no slot.
    const probe = new SlidingWindowLimit(96, 60_000);
    const counted = apiWith(['long-retry-after'], { limit: probe });
    for (let i = 0; i < 100; i++) counted(T0, T0 + 10_000);
    expect(probe.admit(NOW).admitted).toBe(false);
  });

  it('says Retry-After: 86400 on every 3rd genuine refusal, the honest delay on the others', () => {
    const ask = apiWith(['long-retry-after'], { limit: contractLimit(1) });
    const answers = Array.from({ length: 11 }, () => ask(T0, T0 + 10_000));
    expect(answers.slice(0, 5).map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.slice(5).map((response) => response.headers['retry-after'])).toEqual(['60', '60', '86400', '60', '60', '86400']);
  });

  it('leaves the honest Retry-After alone without the mode', () => {
    const ask = apiWith([], { limit: contractLimit(1) });
    const answers = Array.from({ length: 40 }, () => ask(T0, T0 + 10_000));
    expect(new Set(answers.slice(5).map((response) => response.headers['retry-after']))).toEqual(new Set(['60']));
  });
});

describe('mock faults: bad-page', () => {
  const badAt = T0 + 1_234_567;
  const bad = apiWith(['bad-page'], { badPageAtMs: badAt });
  const isGarbage = (response: MockResponse): boolean => {
    try {
      const body = JSON.parse(response.body) as { items?: unknown; meta?: unknown };
      return !Array.isArray(body.items) || typeof body.meta !== 'object';
    } catch {
      return true;
    }
  };

  it('answers every request whose window holds MOCK_BAD_PAGE_AT with non-JSON or schema-invalid JSON, every time', () => {
    const windows: [number, number, number][] = [
      [badAt - 600_000, badAt + 600_000, 1],
      [badAt - 600_000, badAt + 600_000, 2],
      [badAt - 1000, badAt, 1],
      [Math.floor(badAt / 1000) * 1000, Math.floor(badAt / 1000) * 1000, 1],
      [T0, NOW, 7],
    ];
    const bodies = new Set<string>();
    for (const [fromMs, toMs, page] of windows) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const response = bad(fromMs, toMs, page);
        expect(response.status).toBe(200);
        expect(isGarbage(response)).toBe(true);
        bodies.add(response.body);
      }
    }
    expect(bodies.size).toBeGreaterThan(1);
  });

  it('answers every other window as usual, and the bad one too once the mode is cleared', () => {
    const before = Math.floor(badAt / 1000) * 1000 - 1000;
    const after = Math.floor(badAt / 1000) * 1000 + 1000;
    expect(pageOf(bad(T0, before)).items.length).toBe(1000);
    expect(bad(after, NOW)).toEqual(honest(after, NOW));
    const cleared = apiWith([], { badPageAtMs: badAt });
    expect(isGarbage(cleared(badAt - 1000, badAt))).toBe(false);
  });
});

describe('the deployed mock (functions/mock-transaction-api.ts) reads the new knobs from its environment', () => {
  const knobs = { MOCK_FAULTS: 'bad-page,sparse-meta', MOCK_BAD_PAGE_AT: '2023-03-16T12:33:31Z', MOCK_LATE_FRACTION: '0.1', MOCK_PHASES: '30m@4000,10m@80' };
  const saved = Object.fromEntries(Object.keys(knobs).map((name) => [name, process.env[name]]));
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('answers the bad window with garbage, set through its environment as a deployment sets it', async () => {
    Object.assign(process.env, knobs);
    let handler: typeof import('../../functions/mock-transaction-api').handler | undefined;
    await jest.isolateModulesAsync(async () => {
      ({ handler } = await import('../../functions/mock-transaction-api'));
    });
    const event = (rawQueryString: string) =>
      ({ rawPath: '/transactions', rawQueryString, requestContext: { http: { method: 'GET' } } }) as unknown as Parameters<NonNullable<typeof handler>>[0];
    const bad = await handler!(event('startDate=2023-03-16+12:33:00&endDate=2023-03-16+12:34:00'));
    expect(bad.statusCode).toBe(200);
    expect(() => {
      const body = JSON.parse(bad.body!) as { items: unknown };
      if (!Array.isArray(body.items)) throw new Error('items is not a list');
    }).toThrow();
    const fine = await handler!(event('startDate=2023-03-16+12:33:00&endDate=2023-03-16+12:33:20'));
    expect((JSON.parse(fine.body!) as { items: unknown[] }).items).toHaveLength(1);
  });
});

describe('mock faults: extreme-records', () => {
  const STARTED = Date.parse('2024-05-01T12:00:00.000Z');
  const settingsWith = (faults: string) => mockSettingsFrom({ MOCK_FAULTS: faults, MOCK_HISTORY_MINUTES: '5' }, { startedAtMs: STARTED });
  /** Every item the API lists from the mock's earliest instant to the start, page after page, parsed as ingestion parses it. */
  const served = (faults: string): { items: unknown[]; pages: number } => {
    const upstream = generatedMockUpstream(settingsWith(faults), () => STARTED);
    const items: unknown[] = [];
    let pages = 0;
    for (let page = 1; ; page++) {
      const query = new URLSearchParams({ startDate: stamp(upstream.earliestMs), endDate: stamp(STARTED), page: String(page) });
      const response = upstream.api({ method: 'GET', path: '/transactions', query });
      expect(response.status).toBe(200);
      const body = parseLossless(response.body) as { items: unknown[] };
      if (body.items.length === 0) break;
      pages++;
      items.push(...body.items);
    }
    return { items, pages };
  };
  const extremeIds = new Set(extremeRecordItems(STARTED).map((item) => item.id));
  /** The id as written: a string, or the digits of a JSON number. */
  const idOf = (raw: unknown): string => {
    const id = (raw as { id: unknown }).id;
    return id instanceof DecimalText ? id.text : String(id);
  };
  const isExtreme = (raw: unknown) => extremeIds.has(idOf(raw));

  it('is a mode of MOCK_FAULTS, shown in the banner', () => {
    expect(faultModes).toContain('extreme-records');
    expect(mockSummary(settingsWith('extreme-records'))).toContain('faults: extreme-records');
  });

  it('serves every extreme record once, mixed among the ordinary traffic of the first page', () => {
    const { items, pages } = served('extreme-records');
    expect(pages).toBe(1);
    const extremes = items.filter(isExtreme);
    expect(extremes).toHaveLength(extremeIds.size);
    const first = items.findIndex(isExtreme);
    const last = items.length - 1 - [...items].reverse().findIndex(isExtreme);
    expect(items.slice(first, last + 1).some((item) => !isExtreme(item))).toBe(true);
    expect(items.slice(0, first).length).toBeGreaterThan(0);
    expect(items.slice(last + 1).length).toBeGreaterThan(0);
  });

  it('serves nothing extreme without the mode; the ordinary items are the same with it', () => {
    const plain = served('').items;
    expect(plain.filter(isExtreme)).toEqual([]);
    expect(served('extreme-records').items.filter((item) => !isExtreme(item))).toEqual(plain);
  });

  it('holds each edge of the accepted domain, written as an upstream would write it, and every one passes validation', () => {
    const extremes = served('extreme-records').items.filter(isExtreme);
    const { transactions, quarantined } = validatePage(extremes);
    expect(quarantined).toEqual([]);
    const raw = (id: string) => extremes.find((item) => idOf(item) === id) as Record<string, unknown>;
    const byId = (id: string) => transactions.find((transaction) => transaction.id === id)!;

    expect(byId('extreme-finest-payout')).toMatchObject({ type: 'payout', amount: '0.123456789012' });
    expect(finestAmount.split('.')[1]).toHaveLength(amountDomain.fractionDigits);
    expect(byId('extreme-largest-payout-1').amount).toBe('999999999999999.999999999999');
    expect(new Big(largestAmount).lt(new Big(10).pow(amountDomain.integerDigits))).toBe(true);
    expect(byId('extreme-email-user').userId).toBe('first.last+payouts@example.com');
    expect(byId('extreme-longest-user').userId).toHaveLength(userIdDomain.maxCharacters);
    expect(byId(longestId).id).toHaveLength(idDomain.maxCharacters);
    expect(Buffer.byteLength(byId(widestId).id, 'utf8')).toBe(idDomain.maxBytes);
    // Written as a JSON number (not a string) beyond 2^53, read digit for digit.
    expect(raw(unsafeIntegerId).id).toBeInstanceOf(DecimalText);
    expect(BigInt(unsafeIntegerId)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(byId(unsafeIntegerId).id).toBe('9007199254740993');
    expect(raw('extreme-type-case').type).toBe('Payout');
    expect(byId('extreme-type-case').type).toBe('payout');
    expect(raw('extreme-type-blanks').type).toBe(' PAIDOUT ');
    expect(byId('extreme-type-blanks').type).toBe('paidOut');
    expect(raw('extreme-query-format').createdAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(raw('extreme-offset').createdAt).toMatch(/\+05:30$/);
    expect(byId('extreme-zero-payout').amount).toBe('0');
  });

  it('places each record at the instant its createdAt names, whatever the form', () => {
    for (const item of extremeRecordItems(STARTED)) {
      const validated = validateRecord(parseLossless(stringify(item.record)!));
      expect(validated.ok && Date.parse(validated.transaction.createdAt)).toBe(item.at);
    }
  });
});
