import * as z from 'zod';
import { mockSettingsFrom } from '../../lib/mock-upstream/mock-settings';
import { JavaMissingError } from './dynamodb-local';
import { startLocalStack, type LocalStack, type LocalStackOptions } from './local-stack';

export { startLocalStack, type LocalStack, type LocalStackOptions };

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  TRANSACTIONS_API_URL: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  INGEST_FROM: z.iso
    .datetime({ offset: true })
    .or(z.iso.date())
    .optional()
    .or(z.literal('').transform(() => undefined)),
  TIME_SCALE: z.coerce.number().positive().default(1),
  DATA_DIR: z
    .string()
    .optional()
    .transform((dir) => dir || undefined),
  MOCK_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  TABLE_NAME: z.string().min(1).default('transaction-aggregation'),
});

/** `npm start`'s options, read from the environment (see the README's table). */
export function localStackOptionsFrom(environment: NodeJS.ProcessEnv): LocalStackOptions {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const env = parsed.data;
  // The mock's knobs (MOCK_*) are checked now, so a typo stops `npm start` before anything runs.
  if (!env.TRANSACTIONS_API_URL) mockSettingsFrom(environment, { startedAtMs: Date.now() });
  return {
    port: env.PORT,
    timeScale: env.TIME_SCALE,
    dataDir: env.DATA_DIR,
    transactionsApiUrl: env.TRANSACTIONS_API_URL,
    ingestFrom: env.INGEST_FROM ? new Date(env.INGEST_FROM).toISOString() : undefined,
    mock: { environment, port: env.MOCK_PORT },
    tableName: env.TABLE_NAME,
  };
}

/** Signals closer together than this are one request to stop; a later one forces the exit. */
const SAME_SIGNAL_MS = 2000;

async function main(): Promise<void> {
  // On an older Node (20 still runs it, unsupported) the SDK's notice about its future minimum is noise in a demo.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let stack: LocalStack;
  try {
    stack = await startLocalStack(localStackOptionsFrom(process.env));
  } catch (error) {
    console.error(error instanceof JavaMissingError ? error.message : `Could not start: ${(error as Error).message}`);
    process.exit(1);
  }
  let stoppingSince: number | undefined;
  const shutdown = (signal: string) => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C reaches us more than once (the terminal signals npm, tsx and node, and they relay it).
      if (Date.now() - stoppingSince < SAME_SIGNAL_MS) return;
      console.error(`${signal} again: exiting without waiting.`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    console.log(`\n${signal}: stopping (waiting for the tick in flight)…`);
    stack.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

if (require.main === module) void main();
