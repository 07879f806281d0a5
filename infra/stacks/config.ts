import * as z from 'zod';
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
  apiRateLimit: 'API_RATE_LIMIT',
  apiBurstLimit: 'API_BURST_LIMIT',
  alarmEmail: 'ALARM_EMAIL',
  mockKnobs: 'MOCK_KNOBS',
} as const;

type SettingName = keyof typeof configSettings;

/** Empty strings (cdk.json's "" placeholders, `VAR=`) mean "not configured". */
const optionalText = z
  .string()
  .optional()
  .transform((text) => text?.trim() || undefined);

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
      for (const pair of value.trim().split(/\s+/).filter((piece) => piece !== '')) {
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
  transactionsApiUrl: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  transactionsApiKeySecretName: optionalText,
  ingestFrom: optionalText.pipe(z.iso.datetime({ offset: true }).or(z.iso.date()).default('2023-01-01T00:00:00Z')),
  settleLagSeconds: z.coerce.number().int().nonnegative().default(45),
  /** Every second is checked again for late arrivals once it is this old. */
  lateHorizonSeconds: z.coerce.number().int().positive().default(60),
  /** The head pass gets a call while its lag is above this. */
  headLagTargetSeconds: z.coerce.number().int().positive().default(70),
  /** Spare calls re-read this many past hours in full (0: no reconciliation). */
  reconcileHours: z.coerce.number().nonnegative().default(24),
  /** Steady-state requests per second the read API's stage accepts before answering 429. */
  apiRateLimit: z.coerce.number().int().positive().default(500),
  apiBurstLimit: z.coerce.number().int().positive().default(1000),
  /** When set, alarm notifications are e-mailed to this address (the subscription must be confirmed). */
  alarmEmail: optionalText.pipe(z.email().optional()),
  /** The deployed mock's environment (MOCK_* knobs); ignored when a real Transaction API is configured. */
  mockKnobs: mockKnobsSchema,
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
