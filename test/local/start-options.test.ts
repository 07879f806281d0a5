import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { persistedMockStart } from '../../infra/local/mock-start-time';
import { localStackOptionsFrom } from '../../infra/local/start';

describe('npm start configuration', () => {
  it('defaults to port 3000, real time, in memory, the built-in mock', () => {
    expect(localStackOptionsFrom({})).toMatchObject({ port: 3000, timeScale: 1, dataDir: undefined, transactionsApiUrl: undefined, ingestFrom: undefined });
  });

  it('reads PORT, TIME_SCALE, DATA_DIR, TRANSACTIONS_API_URL, INGEST_FROM and MOCK_PORT', () => {
    const options = localStackOptionsFrom({
      PORT: '8080',
      TIME_SCALE: '12.5',
      DATA_DIR: '.data',
      TRANSACTIONS_API_URL: 'https://partner.example/api',
      INGEST_FROM: '2024-05-01',
      MOCK_PORT: '4010',
    });
    expect(options).toMatchObject({
      port: 8080,
      timeScale: 12.5,
      dataDir: '.data',
      transactionsApiUrl: 'https://partner.example/api',
      ingestFrom: '2024-05-01T00:00:00.000Z',
    });
    expect(options.mock?.port).toBe(4010);
  });

  it('treats empty values as unset', () => {
    expect(localStackOptionsFrom({ TRANSACTIONS_API_URL: '', INGEST_FROM: '', DATA_DIR: '' })).toMatchObject({
      transactionsApiUrl: undefined,
      ingestFrom: undefined,
      dataDir: undefined,
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['TIME_SCALE', '0'],
    ['TIME_SCALE', '-2'],
    ['TRANSACTIONS_API_URL', 'not a url'],
    ['INGEST_FROM', 'last tuesday'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => localStackOptionsFrom({ [name]: value })).toThrow(name);
  });

  it('hands the mock its knobs (MOCK_*) as they are', () => {
    const environment = {
      MOCK_PHASES: '30m@4000,10m@80',
      MOCK_LATE_FRACTION: '0.1',
      MOCK_FAULTS: 'lying-meta,bad-page',
      MOCK_BAD_PAGE_AT: '2024-05-01T10:00:30Z',
    };
    expect(localStackOptionsFrom(environment).mock?.environment).toMatchObject(environment);
  });

  it.each([
    ['MOCK_FAULTS', 'lying-meta,flaky'],
    ['MOCK_PHASES', '30@4000'],
    ['MOCK_LATE_FRACTION', '2'],
    ['MOCK_LATE_SECONDS', '50-20'],
    ['MOCK_BAD_PAGE_AT', 'soon'],
  ])('refuses %s=%s before anything starts, naming the knob', (name, value) => {
    expect(() => localStackOptionsFrom({ [name]: value })).toThrow(name);
  });

  it('leaves the mock knobs alone when a real Transaction API is configured (no mock runs)', () => {
    expect(() => localStackOptionsFrom({ TRANSACTIONS_API_URL: 'https://partner.example', MOCK_FAULTS: 'flaky' })).not.toThrow();
  });
});

describe('the mock start instant kept in DATA_DIR', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mock-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is now without a data directory', () => {
    expect(persistedMockStart(undefined, 1234)).toBe(1234);
  });

  it('is remembered at the first start and reused by every restart, so the mock serves the same history', () => {
    const first = Date.parse('2024-05-01T10:00:00Z');
    expect(persistedMockStart(dataDir, first)).toBe(first);
    expect(persistedMockStart(dataDir, first + 3_600_000)).toBe(first);
  });
});
