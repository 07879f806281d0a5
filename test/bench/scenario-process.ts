import type { BenchOptions, ScenarioResult } from './scenario-result';
import { scenarioCatalogue, type ScenarioName } from './scenarios';

/**
 * One scenario in its own process: the Lambda handlers read their configuration once per
 * process (as a container does), so every scenario gets a fresh one. The result goes back to
 * the runner over the IPC channel.
 */
async function main(): Promise<void> {
  const name = process.argv[2] as ScenarioName;
  const options = JSON.parse(process.env.BENCH_OPTIONS ?? '{}') as BenchOptions;
  const scenario = scenarioCatalogue[name];
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const measured = JSON.parse(process.env.BENCH_MEASURED ?? '{}') as Record<string, number>;
  const result: ScenarioResult = await scenario(options, measured);
  await new Promise<void>((resolve) => process.send!({ ok: true, result }, () => resolve()));
  process.exit(0);
}

main().catch(async (error: unknown) => {
  const message = (error as Error).stack ?? String(error);
  if (process.send) await new Promise<void>((resolve) => process.send!({ ok: false, error: message }, () => resolve()));
  else process.stderr.write(`${message}\n`);
  process.exit(1);
});
