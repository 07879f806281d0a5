import * as z from 'zod';

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
  apiRateLimit: 'API_RATE_LIMIT',
  apiBurstLimit: 'API_BURST_LIMIT',
  alarmEmail: 'ALARM_EMAIL',
  fetchReservedConcurrency: 'FETCH_RESERVED_CONCURRENCY',
} as const;

type SettingName = keyof typeof configSettings;

/** Empty strings (cdk.json's "" placeholders, `VAR=`) mean "not configured". */
const optionalText = z
  .string()
  .optional()
  .transform((text) => text?.trim() || undefined);

const configSchema = z.object({
  transactionsApiUrl: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  transactionsApiKeySecretName: optionalText,
  ingestFrom: optionalText.pipe(z.iso.datetime({ offset: true }).or(z.iso.date()).default('2023-01-01T00:00:00Z')),
  settleLagSeconds: z.coerce.number().int().nonnegative().default(5),
  /** Every second is checked again for late arrivals once it is this old. */
  lateHorizonSeconds: z.coerce.number().int().positive().default(60),
  /** The head pass gets a call while its lag is above this. */
  headLagTargetSeconds: z.coerce.number().int().positive().default(30),
  /** Spare calls re-read this many past hours in full (0: no reconciliation). */
  reconcileHours: z.coerce.number().nonnegative().default(24),
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
});

export type ServiceConfig = z.output<typeof configSchema>;

/**
 * Reads the settings from CDK context and the environment; a bad value stops the synth with
 * the setting's name in the message.
 */
export function serviceConfigFrom(readContext: (key: string) => unknown, environment: Readonly<Record<string, string | undefined>>): ServiceConfig {
  const raw: Partial<Record<SettingName, unknown>> = {};
  for (const [name, variable] of Object.entries(configSettings) as [SettingName, string][]) {
    const fromEnvironment = environment[variable];
    const fromContext = readContext(name);
    raw[name] = fromEnvironment !== undefined && fromEnvironment.trim() !== '' ? fromEnvironment : emptyAsUndefined(fromContext);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} (${configSettings[issue.path[0] as SettingName] ?? '?'}): ${issue.message}`);
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
