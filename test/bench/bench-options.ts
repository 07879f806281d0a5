import type { ScenarioName } from './scenarios';

export interface BenchRun {
  quick: boolean;
  out?: string;
  scenarios: ScenarioName[];
  scenarioTimeoutMs: number;
}

/** The scenarios, in the order they run; `load` only with --load or --only. */
export const defaultScenarios: ScenarioName[] = [
  'bundles',
  'page-apply',
  'catch-up',
  'tick-loop-simulation',
  'freshness-sweep',
  'freshness',
  'read-api',
  'conditional-polling',
];

const usage = `usage: npm run bench -- [--quick] [--out FILE] [--load] [--only name,name]
  --quick   shorter runs (under 3 minutes on 2 cores)
  --out     also write the figures as JSON
  --load    add the 60 s fixed-rate load test of both read routes
  --only    run these scenarios only: ${defaultScenarios.join(', ')}, load`;

export function benchOptionsFrom(argv: readonly string[]): BenchRun {
  const run: BenchRun = { quick: false, scenarios: [...defaultScenarios], scenarioTimeoutMs: 15 * 60_000 };
  let load = false;
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === '--quick') run.quick = true;
    else if (argument === '--load') load = true;
    else if (argument === '--out') run.out = optionValue(argv, ++i, '--out');
    else if (argument === '--only') only = optionValue(argv, ++i, '--only').split(',').filter(Boolean);
    else if (argument === '--help' || argument === '-h') {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${argument}\n${usage}`);
  }
  if (load) run.scenarios.push('load');
  if (only) {
    const known = new Set<string>([...defaultScenarios, 'load']);
    const unknown = only.filter((name) => !known.has(name));
    if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}\n${usage}`);
    run.scenarios = only as ScenarioName[];
  }
  return run;
}

function optionValue(argv: readonly string[], index: number, option: string): string {
  const value = argv[index];
  if (value === undefined || value === '' || value.startsWith('--')) throw new Error(`${option} needs a value\n${usage}`);
  return value;
}
