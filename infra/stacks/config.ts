import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';
import { ingestionDefaults } from '../../lib/ingestion/ingestion-config';
import { mockKnobNames, mockSettingsFrom } from '../../lib/mock-upstream/mock-settings';

/**
 * Deployment settings: each one a cdk.json context key (or `cdk deploy -c key=value`),
 * overridden by an environment variable when that is set and not empty.
 */
export const configSettings = {
  transactionsApiUrl: 'TRANSACTIONS_API_URL',
  transactionsApiKeySecretName: 'TRANSACTIONS_API_KEY_SECRET_NAME',
  ingestFrom: 'INGEST_FROM',
  settleLagSeconds: 'SETTLE_LAG_SECONDS',
  lateHorizonSeconds: 'LATE_HORIZON_SECONDS',
  headLagTargetSeconds: 'HEAD_LAG_TARGET_SECONDS',
  reconcileHours: 'RECONCILE_HOURS',
  freshMarginSeconds: 'FRESH_MARGIN_SECONDS',
  apiRateLimit: 'API_RATE_LIMIT',
  apiBurstLimit: 'API_BURST_LIMIT',
  alarmEmail: 'ALARM_EMAIL',
  fetchReservedConcurrency: 'FETCH_RESERVED_CONCURRENCY',
  mockKnobs: 'MOCK_KNOBS',
} as const;

type SettingName = keyof typeof configSettings;

/** Settings only CDK context gives (`-c key=value`): an exported variable must never choose them. */
export const contextOnlySettings = [
  'upstream',
  'stage',
  'account',
  'region',
  'domainName',
  'certificateArn',
  'readApiTracing',
  'logRetentionDays',
  'encryptionKeyArn',
] as const;
type ContextOnlySetting = (typeof contextOnlySettings)[number];

const variableOf = (name: string): string => (name in configSettings ? configSettings[name as SettingName] : 'context only');

/** Empty strings (cdk.json's "" placeholders, `VAR=`) mean "not configured". */
const optionalText = z
  .string()
  .optional()
  .transform((text) => text?.trim() || undefined);

/** The retention periods CloudWatch Logs accepts, in days (CDK's RetentionDays, without "never expire"). */
const logRetentionChoices = Object.values(RetentionDays).filter((days): days is number => typeof days === 'number' && days !== RetentionDays.INFINITE);

/** AWS Control Tower's CT.CLOUDWATCH.PR.2 (and many audit regimes): a year of logs; stage=prod keeps at least this. */
export const MIN_PROD_LOG_RETENTION_DAYS = 365;

/** Where the demo deployment starts reading its mock (which holds the service description's 2023 example). */
export const MOCK_INGEST_FROM = '2023-01-01T00:00:00Z';

/** A host that can only be this machine: never a deployed function's upstream. */
const loopbackHost =
  /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|\[::1\]|\[::ffff:127(\.\d{1,3}){3}\]|\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]|0\.0\.0\.0|\[::\])$/i;

/** The deployed fetch function sends the API key to this URL: HTTPS only, and not a loopback address. */
const deployableUrl = z
  .url({ protocol: /^https$/, error: 'must be an https: URL (the API key would travel in clear over http:)' })
  .refine((url) => !loopbackHost.test(new URL(url).hostname), {
    error:
      'must not be a loopback address (localhost, 127.0.0.1, ::1): a deployed function cannot reach your machine; is TRANSACTIONS_API_URL of `npm start` still exported?',
  });

/**
 * The deployed mock's knobs: an object in cdk.json (`{"MOCK_FAULTS": "lying-meta"}`), or
 * `NAME=value` pairs separated by spaces (`-c mockKnobs=...`, MOCK_KNOBS). Each name must be
 * one of the mock's knobs and the values must make sense to the mock, else the synth stops.
 */
const mockKnobsSchema = z
  .union([z.string(), z.record(z.string(), z.union([z.string(), z.number()]))])
  .optional()
  .transform((value, context) => {
    if (value === undefined) return undefined;
    const knobs: Record<string, string> = {};
    if (typeof value === 'string') {
      for (const pair of value
        .trim()
        .split(/\s+/)
        .filter((piece) => piece !== '')) {
        const at = pair.indexOf('=');
        if (at < 1) {
          context.addIssue({ code: 'custom', message: `"${pair}" is not NAME=value` });
          return z.NEVER;
        }
        knobs[pair.slice(0, at)] = pair.slice(at + 1);
      }
    } else {
      for (const [name, knob] of Object.entries(value)) knobs[name] = String(knob);
    }
    const unknown = Object.keys(knobs).filter((name) => !mockKnobNames.includes(name));
    if (unknown.length > 0) {
      context.addIssue({ code: 'custom', message: `unknown mock knob ${unknown.join(', ')} (known: ${mockKnobNames.join(', ')})` });
      return z.NEVER;
    }
    try {
      const settings = mockSettingsFrom(knobs, { startedAtMs: 0 });
      const localOnly = settings.faults.modes.filter((mode) => mode === 'stuck-record' || mode === 'refused-record');
      if (localOnly.length > 0)
        throw new Error(`the ${localOnly.join(' and ')} fault needs the local table's refusal (npm start only): no deployed table fails a valid record`);
      // Without either, the bad window would follow the deployed mock's hourly start and move every hour.
      if (settings.faults.modes.includes('bad-page') && !knobs.MOCK_BAD_PAGE_AT && !knobs.MOCK_STARTED_AT) {
        throw new Error('the bad-page fault needs MOCK_BAD_PAGE_AT (or MOCK_STARTED_AT) when deployed');
      }
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
    return Object.keys(knobs).length > 0 ? knobs : undefined;
  });

const configSchema = z.object({
  /** `mock`: deploy the demo Transaction API and ingest from it. The alternative to `transactionsApiUrl`. */
  upstream: optionalText.pipe(z.enum(['mock'], { error: 'the only value is "mock" (or leave it out and set transactionsApiUrl)' }).optional()),
  transactionsApiUrl: optionalText.pipe(deployableUrl.optional()),
  transactionsApiKeySecretName: optionalText,
  /** Required with a real upstream (the start point is a deliberate choice); MOCK_INGEST_FROM with the mock. */
  ingestFrom: optionalText.pipe(z.iso.datetime({ offset: true }).or(z.iso.date()).optional()),
  settleLagSeconds: z.coerce.number().int().nonnegative().default(ingestionDefaults.settleLagSeconds),
  /** Every second is checked again for late arrivals once it is this old. */
  lateHorizonSeconds: z.coerce.number().int().positive().default(ingestionDefaults.lateHorizonSeconds),
  /** The head pass gets a call while its lag is above this. */
  headLagTargetSeconds: z.coerce.number().int().positive().default(ingestionDefaults.headLagTargetSeconds),
  /** Spare calls re-read this many past hours in full (0: no reconciliation). */
  reconcileHours: z.coerce.number().nonnegative().default(ingestionDefaults.reconcileHours),
  /** Fresh reads (the calls the settled head and the tail leave) end this many seconds before now. */
  freshMarginSeconds: z.coerce.number().int().min(1).default(ingestionDefaults.freshMarginSeconds),
  /** Steady-state requests per second the read API's stage accepts before answering 429. */
  apiRateLimit: z.coerce.number().int().positive().default(500),
  apiBurstLimit: z.coerce.number().int().positive().default(1000),
  /** When set, alarm notifications are e-mailed to this address (the subscription must be confirmed). */
  alarmEmail: optionalText.pipe(z.email().optional()),
  /**
   * Opt-in reserved concurrency for the fetch function (off by default). Lambda refuses a
   * reservation that leaves fewer than 100 unreserved executions, which a new account (quota
   * 10-50) cannot give; overlapping ticks are safe without it (budget and cursor are guarded in DynamoDB).
   */
  fetchReservedConcurrency: z.coerce.number().int().positive().optional(),
  /** `prod`: termination protection and an explicit account and region. */
  stage: optionalText.pipe(z.enum(['dev', 'prod']).default('dev')),
  account: optionalText.pipe(
    z
      .string()
      .regex(/^\d{12}$/, 'a 12-digit AWS account id')
      .optional(),
  ),
  region: optionalText.pipe(
    z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region name such as eu-west-1')
      .optional(),
  ),
  /** A custom domain for the read API (with certificateArn, an ACM certificate in the stack's region). */
  domainName: optionalText.pipe(
    z
      .string()
      .regex(/^(?!-)[a-z0-9-]{1,63}(\.(?!-)[a-z0-9-]{1,63})+$/i, 'a DNS name such as api.example.com')
      .optional(),
  ),
  certificateArn: optionalText.pipe(
    z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, 'an ACM certificate ARN')
      .optional(),
  ),
  /** Active X-Ray tracing on the read functions (off by default: see the README for its cost). */
  readApiTracing: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')])
    .optional()
    .transform((on) => on ?? false),
  /** Days every log group keeps its events (one of CloudWatch's periods); at least 365 with stage=prod. */
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((days) => logRetentionChoices.includes(days), { error: `one of CloudWatch Logs' retention periods: ${logRetentionChoices.join(', ')}` })
    .default(MIN_PROD_LOG_RETENTION_DAYS),
  /** A customer-managed KMS key (its ARN) for the table and the log groups instead of the one the stack creates. */
  encryptionKeyArn: optionalText.pipe(
    z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/, 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)')
      .optional(),
  ),
  /** The deployed mock's environment (MOCK_* knobs); ignored when a real Transaction API is configured. */
  mockKnobs: mockKnobsSchema,
});

const upstreamChoice = configSchema
  .superRefine((config, context) => {
    if (config.upstream === 'mock' && config.transactionsApiUrl) {
      context.addIssue({ code: 'custom', path: ['upstream'], message: 'choose one upstream: -c upstream=mock or -c transactionsApiUrl=..., not both' });
    } else if (!config.upstream && !config.transactionsApiUrl) {
      context.addIssue({
        code: 'custom',
        path: ['upstream'],
        message:
          'no upstream chosen. Deploy against the real Transaction API with -c transactionsApiUrl=https://... -c ingestFrom=<ISO date-time>, ' +
          'or the synthetic demo one with -c upstream=mock (never for production data: it fills the table with synthetic users)',
      });
    }
    if (config.stage === 'prod' && config.upstream === 'mock') {
      context.addIssue({
        code: 'custom',
        path: ['upstream'],
        message: 'the mock Transaction API is for demo accounts: stage=prod needs the real one (-c transactionsApiUrl=https://...)',
      });
    }
    if (config.stage === 'prod' && (!config.account || !config.region)) {
      context.addIssue({
        code: 'custom',
        path: ['stage'],
        message: 'stage=prod deploys to an explicit environment: add -c account=<12 digits> -c region=<region>',
      });
    }
    if (config.stage === 'prod' && config.logRetentionDays < MIN_PROD_LOG_RETENTION_DAYS) {
      context.addIssue({
        code: 'custom',
        path: ['logRetentionDays'],
        message: `stage=prod keeps logs at least ${MIN_PROD_LOG_RETENTION_DAYS} days (AWS Control Tower control CT.CLOUDWATCH.PR.2); a shorter retention is for dev stages`,
      });
    }
    if (Boolean(config.domainName) !== Boolean(config.certificateArn)) {
      context.addIssue({
        code: 'custom',
        path: ['domainName'],
        message: 'a custom domain needs both -c domainName=... and -c certificateArn=... (an ACM certificate for that name, in the stack region)',
      });
    }
    if (config.transactionsApiUrl && !config.ingestFrom) {
      context.addIssue({
        code: 'custom',
        path: ['ingestFrom'],
        message:
          'required with a real Transaction API: where ingestion starts on an empty table (ISO date-time); at most ~5,000 transactions a minute are read, see the README for the backfill time',
      });
    }
  })
  .transform((config) => ({ ...config, ingestFrom: config.ingestFrom ?? MOCK_INGEST_FROM }));

export type ServiceConfig = z.output<typeof upstreamChoice>;

/**
 * Reads the settings from CDK context and the environment; a bad value stops the synth with
 * the setting's name in the message.
 */
export function serviceConfigFrom(readContext: (key: string) => unknown, environment: Readonly<Record<string, string | undefined>>): ServiceConfig {
  const raw: Partial<Record<SettingName | ContextOnlySetting, unknown>> = {};
  for (const name of contextOnlySettings) raw[name] = emptyAsUndefined(readContext(name));
  for (const [name, variable] of Object.entries(configSettings) as [SettingName, string][]) {
    const fromEnvironment = environment[variable];
    const fromContext = readContext(name);
    raw[name] = fromEnvironment !== undefined && fromEnvironment.trim() !== '' ? fromEnvironment : emptyAsUndefined(fromContext);
  }
  const parsed = upstreamChoice.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} (${variableOf(String(issue.path[0]))}): ${issue.message}`);
    throw new Error(`Invalid deployment configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

function emptyAsUndefined(value: unknown): unknown {
  return value === '' || value === null ? undefined : value;
}

/** The stack's name: `TransactionAggregation`, or `-c stackName=...` for a second stack (a rebuild next to the live one). */
export function stackNameFrom(readContext: (key: string) => unknown): string {
  const name = readContext('stackName');
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : 'TransactionAggregation';
}
