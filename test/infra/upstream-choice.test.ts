import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MOCK_INGEST_FROM, serviceConfigFrom } from '../../infra/stacks/config';
import { localStackOptionsFrom } from '../../infra/local/start';
import { cdkJsonContext } from './support/synthesize-service';

/** The upstream is an explicit choice at synth (issue 12 item 3); `npm start` stays permissive. */
const withContext = (values: Record<string, unknown>) => (key: string) => ({ ...cdkJsonContext(), ...values })[key];
const configOf = (values: Record<string, unknown>, environment: Record<string, string> = {}) => serviceConfigFrom(withContext(values), environment);

describe('deployed upstream', () => {
  test('neither -c upstream=mock nor a transactionsApiUrl: the synth stops and says how to choose', () => {
    expect(() => configOf({})).toThrow(/no upstream chosen.*-c transactionsApiUrl=https:\/\/.*-c upstream=mock/);
  });

  test('both at once is refused too', () => {
    expect(() => configOf({ upstream: 'mock', transactionsApiUrl: 'https://partner.example', ingestFrom: '2026-01-01' })).toThrow(/choose one upstream/);
  });

  test('upstream accepts only "mock", and only from context (an exported UPSTREAM variable chooses nothing)', () => {
    expect(() => configOf({ upstream: 'partner' })).toThrow(/upstream \(context only\)/);
    expect(() => configOf({}, { UPSTREAM: 'mock' })).toThrow(/no upstream chosen/);
  });

  test.each([
    ['plain http:', 'http://partner.example/api', /https: URL/],
    ['localhost', 'https://localhost:4010', /loopback/],
    ['127.0.0.1', 'https://127.0.0.1/api', /loopback/],
    ['127.x.y.z', 'https://127.1.2.3', /loopback/],
    ['::1', 'https://[::1]:8443', /loopback/],
    ['a *.localhost name', 'https://mock.localhost', /loopback/],
    ['http on loopback (a local mock left in TRANSACTIONS_API_URL)', 'http://127.0.0.1:4010', /transactionsApiUrl \(TRANSACTIONS_API_URL\)/],
  ])('a %s transactionsApiUrl is refused for deploy', (_name, url, message) => {
    expect(() => configOf({ transactionsApiUrl: url, ingestFrom: '2026-01-01' })).toThrow(message);
    expect(() => configOf({ ingestFrom: '2026-01-01' }, { TRANSACTIONS_API_URL: url })).toThrow(message);
  });

  test('a real upstream requires ingestFrom: no silent default start point', () => {
    expect(() => configOf({ transactionsApiUrl: 'https://partner.example' })).toThrow(/ingestFrom \(INGEST_FROM\): required with a real Transaction API/);
    expect(configOf({ transactionsApiUrl: 'https://partner.example', ingestFrom: '2026-11-01T00:00:00Z' })).toMatchObject({
      transactionsApiUrl: 'https://partner.example',
      ingestFrom: '2026-11-01T00:00:00Z',
    });
  });

  test('the mock has its documented start point, and cdk.json has no ingestFrom default at all', () => {
    expect(configOf({ upstream: 'mock' }).ingestFrom).toBe(MOCK_INGEST_FROM);
    expect(configOf({ upstream: 'mock', ingestFrom: '2026-12-01' }).ingestFrom).toBe('2026-12-01');
    expect(cdkJsonContext()).not.toHaveProperty('ingestFrom');
    expect(cdkJsonContext()).not.toHaveProperty('upstream');
  });

  test('CI synthesizes the demo deployment explicitly', () => {
    const ci = readFileSync(path.resolve(__dirname, '../../.ci/run'), 'utf8');
    expect(ci).toMatch(/^npx cdk synth --quiet -c upstream=mock/m);
  });
});

describe('npm start (infra/local) keeps accepting any upstream', () => {
  test.each(['http://127.0.0.1:4010', 'http://localhost:8080/api', 'https://partner.example'])('TRANSACTIONS_API_URL=%s', (url) => {
    expect(localStackOptionsFrom({ TRANSACTIONS_API_URL: url, INGEST_FROM: '2023-01-01' })).toMatchObject({ transactionsApiUrl: url });
  });

  test('and no INGEST_FROM (the local stack picks one before the mock data)', () => {
    expect(localStackOptionsFrom({}).ingestFrom).toBeUndefined();
  });
});

describe('stage and custom domain settings', () => {
  const mock = { upstream: 'mock' };
  test('stage=prod needs an explicit account and region', () => {
    expect(() => configOf({ ...mock, stage: 'prod' })).toThrow(/stage \(context only\): stage=prod deploys to an explicit environment/);
    expect(() => configOf({ ...mock, stage: 'prod', account: '123456789012' })).toThrow(/-c region=/);
    const real = { transactionsApiUrl: 'https://partner.example', ingestFrom: '2026-11-01' };
    expect(configOf({ ...real, stage: 'prod', account: '123456789012', region: 'eu-west-1' })).toMatchObject({
      stage: 'prod',
      account: '123456789012',
      region: 'eu-west-1',
    });
    expect(() => configOf({ ...mock, stage: 'production' })).toThrow(/stage/);
  });

  test('stage=prod never takes the mock', () => {
    expect(() => configOf({ ...mock, stage: 'prod', account: '123456789012', region: 'eu-west-1' })).toThrow(/mock Transaction API is for demo accounts/);
  });

  test('a custom domain needs both its name and its certificate', () => {
    expect(() => configOf({ ...mock, domainName: 'api.example.com' })).toThrow(/needs both -c domainName=\.\.\. and -c certificateArn=/);
    expect(() => configOf({ ...mock, certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' })).toThrow(/needs both/);
  });

  test('readApiTracing reads true/false from context strings or booleans, default off', () => {
    expect(configOf(mock).readApiTracing).toBe(false);
    expect(configOf({ ...mock, readApiTracing: 'true' }).readApiTracing).toBe(true);
    expect(configOf({ ...mock, readApiTracing: true }).readApiTracing).toBe(true);
    expect(() => configOf({ ...mock, readApiTracing: 'yes' })).toThrow(/readApiTracing/);
  });

  test('fetchReservedConcurrency is off unless given', () => {
    expect(configOf(mock).fetchReservedConcurrency).toBeUndefined();
    expect(configOf({ ...mock, fetchReservedConcurrency: '2' }).fetchReservedConcurrency).toBe(2);
  });
});
