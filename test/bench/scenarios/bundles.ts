import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { BUNDLED_SWAGGER_UI_DIR, SWAGGER_UI_FILES } from '../../../lib/api/swagger-ui';
import { median, rounded } from '../support/percentiles';
import { progress, type BenchOptions, type ScenarioResult } from '../scenario-result';

const root = path.resolve(__dirname, '../../..');
const functionsDirectory = path.join(root, 'functions');
const stackSource = path.join(root, 'infra/stacks/service-function.ts');

/**
 * The bundling options of infra/stacks/service-function.ts (NodejsFunction): the esbuild target
 * follows the runtime (Runtime.NODEJS_24_X → node24), minified, with a source map (no sources in it), the runtime's
 * AWS SDK v3 left out, CommonJS (NodejsFunction's default). Read from the stack's source so a
 * change there cannot silently leave the benchmark measuring something else.
 */
function stackBundling(): { target: string; nodeOptions: string } {
  const source = readFileSync(stackSource, 'utf8');
  const runtime = /Runtime\.NODEJS_(\d+)_X/.exec(source);
  const expected = ['minify: true', 'sourceMap: true', 'sourcesContent: false', "externalModules: ['@aws-sdk/*']", "NODE_OPTIONS: '--enable-source-maps'"];
  const missing = expected.filter((option) => !source.includes(option));
  if (!runtime || missing.length > 0) {
    throw new Error(`infra/stacks/service-function.ts changed its bundling (${missing.join(', ') || 'runtime'}): update test/bench/scenarios/bundles.ts`);
  }
  return { target: `node${runtime[1]}`, nodeOptions: '--enable-source-maps' };
}

/** Milliseconds a fresh node process takes to require the bundle (import it and build its handler: the module-init part of a cold start). */
function initTime(directory: string, nodeOptions: string, name: string): number {
  const script = `const t=process.hrtime.bigint();require('./index.js');process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(
    execFileSync(process.execPath, [nodeOptions, '-e', script], {
      cwd: directory,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        // The runtime provides @aws-sdk/*; here it comes from the project's node_modules (unless bundled).
        NODE_PATH: path.join(root, 'node_modules'),
        LAMBDA_TASK_ROOT: directory,
        AWS_REGION: 'eu-west-1',
        AWS_LAMBDA_FUNCTION_NAME: name,
        TABLE_NAME: 'bench',
        TRANSACTIONS_API_URL: 'http://127.0.0.1:9',
        POWERTOOLS_SERVICE_NAME: 'bench',
        POWERTOOLS_METRICS_NAMESPACE: 'TransactionAggregation',
        // The functions log the runtime SDK version at init (lib/sdk-version.ts); a real Lambda logs it too.
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Lambda runs Node 22+: the SDK's Node 20 deprecation warning (which the yardstick would print) is not part of a cold start there.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    })
      .split('\n')
      .pop()!
      .replace(/^.*\}/, ''),
  );
}

/** The fetch function (ingestion) may stay larger; every other bundle has the 150 KB budget. */
const LARGE_ALLOWED = new Set(['fetch-transactions']);
/** The read functions, whose cold init is compared with the minimal GetItem handler. */
const READ_FUNCTIONS = ['get-user-aggregate', 'list-payouts', 'get-status', 'api-docs'];
const BASELINE = 'minimal-getitem';

interface Built {
  name: string;
  directory: string;
  codeBytes: number;
  mapBytes: number;
  assetsBytes: number;
}

/**
 * Figure 6 (issue 12, items 8 and 9): every functions/*.ts bundled as the CDK stack bundles it,
 * plus the yardstick (a handler that only creates a DynamoDBDocumentClient and sends one GetItem,
 * bundled the same way): code size, and cold init measured side by side: each round starts a
 * fresh process per bundle in a rotating order, each right beside a fresh process of the
 * yardstick, so background load hits both alike; the init ratio of a function is the median over
 * rounds of (its init ÷ the yardstick's beside it).
 * The AWS SDK choice is shown both ways: external (the runtime's SDK, what the stack deploys) and
 * bundled (tree-shaken into the function), for get-user-aggregate and the yardstick.
 */
export async function bundles(options: BenchOptions): Promise<ScenarioResult> {
  const { target, nodeOptions } = stackBundling();
  const out = mkdtempSync(path.join(tmpdir(), 'bench-bundles-'));
  const rounds = options.quick ? 11 : 21;
  const testedSdk = (require('@aws-sdk/client-dynamodb/package.json') as { version: string }).version;
  const bundle = async (name: string, entry: string, sdk: 'external' | 'bundled'): Promise<Built> => {
    const directory = path.join(out, sdk === 'external' ? name : `${name}.sdk-bundled`);
    await build({
      entryPoints: [entry],
      outfile: path.join(directory, 'index.js'),
      bundle: true,
      platform: 'node',
      target,
      format: 'cjs',
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      external: sdk === 'external' ? ['@aws-sdk/*'] : [],
      define: { 'process.env.TESTED_AWS_SDK_VERSION': JSON.stringify(testedSdk) },
      logLevel: 'silent',
      logOverride: { 'require-resolve-not-external': 'silent' },
    });
    let assetsBytes = 0;
    if (name === 'api-docs') {
      const dist = path.dirname(require.resolve('swagger-ui-dist/package.json'));
      mkdirSync(path.join(directory, BUNDLED_SWAGGER_UI_DIR));
      for (const file of SWAGGER_UI_FILES) {
        copyFileSync(path.join(dist, file), path.join(directory, BUNDLED_SWAGGER_UI_DIR, file));
        assetsBytes += statSync(path.join(dist, file)).size;
      }
    }
    return {
      name,
      directory,
      codeBytes: statSync(path.join(directory, 'index.js')).size,
      mapBytes: statSync(path.join(directory, 'index.js.map')).size,
      assetsBytes,
    };
  };
  try {
    const names = readdirSync(functionsDirectory)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.replace(/\.ts$/, ''));
    const built: Built[] = [];
    for (const name of names) built.push(await bundle(name, path.join(functionsDirectory, `${name}.ts`), 'external'));
    const baselineEntry = path.join(__dirname, '../support/minimal-handler.ts');
    built.push(await bundle(BASELINE, baselineEntry, 'external'));
    // The other SDK choice: the DynamoDB clients bundled (tree-shaken) into the function.
    const sdkBundled = [
      await bundle('get-user-aggregate', path.join(functionsDirectory, 'get-user-aggregate.ts'), 'bundled'),
      await bundle(BASELINE, baselineEntry, 'bundled'),
    ];
    const timed = [...built, ...sdkBundled];
    const baselineBuilt = built.find((entry) => entry.name === BASELINE)!;
    const times = new Map<string, number[]>(timed.map((entry) => [entry.directory, []]));
    /** Per bundle, the yardstick's init measured right next to it in the same round (adjacent processes). */
    const yardstickBeside = new Map<string, number[]>(timed.map((entry) => [entry.directory, []]));
    for (const entry of timed) initTime(entry.directory, nodeOptions, entry.name); // warm the file cache
    for (let round = 0; round < rounds; round++) {
      // Rotate the order so no bundle always runs first or last in a round; each bundle runs beside
      // a fresh yardstick process (before it on even rounds, after it on odd ones).
      const order = timed.map((_, index) => timed[(index + round) % timed.length]!);
      for (const entry of order) {
        if (entry === baselineBuilt) {
          const ms = initTime(entry.directory, nodeOptions, entry.name);
          times.get(entry.directory)!.push(ms);
          yardstickBeside.get(entry.directory)!.push(ms);
          continue;
        }
        const pair = round % 2 === 0 ? [baselineBuilt, entry] : [entry, baselineBuilt];
        const [first, second] = pair.map((one) => initTime(one.directory, nodeOptions, one.name)) as [number, number];
        const [own, yardstick] = round % 2 === 0 ? [second, first] : [first, second];
        times.get(entry.directory)!.push(own);
        yardstickBeside.get(entry.directory)!.push(yardstick);
        times.get(baselineBuilt.directory)!.push(yardstick);
      }
    }
    const medianOf = (entry: Built) => median(times.get(entry.directory)!);
    /** Median over rounds of (this bundle's init ÷ the yardstick's beside it). */
    const ratioTo = (entry: Built, _yardstick: Built) =>
      entry === baselineBuilt ? 1 : median(times.get(entry.directory)!.map((ms, round) => ms / yardstickBeside.get(entry.directory)![round]!));
    const baseline = built.find((entry) => entry.name === BASELINE)!;
    const rows = built.map((entry) => ({
      name: entry.name,
      codeKB: Math.round(entry.codeBytes / 1024),
      mapKB: Math.round(entry.mapBytes / 1024),
      packageKB: Math.round((entry.codeBytes + entry.assetsBytes) / 1024),
      initMs: Math.round(medianOf(entry)),
      ratio: rounded(ratioTo(entry, baseline), 3),
    }));
    for (const row of rows)
      progress(`${row.name}: ${row.codeKB} KB code (+${row.mapKB} KB source map), init ${row.initMs} ms = ${row.ratio}× the minimal GetItem handler`);
    const functionsOnly = rows.filter((row) => row.name !== BASELINE);
    const reads = rows.filter((row) => READ_FUNCTIONS.includes(row.name));
    const largest = functionsOnly.reduce((a, b) => (b.codeKB > a.codeKB ? b : a));
    const largestBudgeted = functionsOnly.filter((row) => !LARGE_ALLOWED.has(row.name)).reduce((a, b) => (b.codeKB > a.codeKB ? b : a));
    const slowest = functionsOnly.reduce((a, b) => (b.initMs > a.initMs ? b : a));
    const worstRead = reads.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const docs = rows.find((row) => row.name === 'api-docs');
    const fetch = rows.find((row) => row.name === 'fetch-transactions');
    const [bundledRead, bundledBaseline] = sdkBundled as [Built, Built];
    const externalRead = built.find((entry) => entry.name === 'get-user-aggregate')!;
    const figures: Record<string, number> = {
      maxBundleKB: largest.codeKB,
      maxBudgetedBundleKB: largestBudgeted.codeKB,
      maxInitMs: slowest.initMs,
      readInitRatioMax: worstRead.ratio,
      baselineInitMs: rows.find((row) => row.name === BASELINE)!.initMs,
      baselineBundleKB: rows.find((row) => row.name === BASELINE)!.codeKB,
      sdkBundledReadBundleKB: Math.round(bundledRead.codeBytes / 1024),
      sdkBundledReadInitMs: Math.round(medianOf(bundledRead)),
      sdkBundledBaselineInitMs: Math.round(medianOf(bundledBaseline)),
      sdkBundledReadInitRatio: rounded(ratioTo(bundledRead, baseline), 3),
      sdkExternalReadInitMs: Math.round(medianOf(externalRead)),
    };
    if (docs) figures.apiDocsPackageKB = docs.packageKB;
    if (fetch) figures.fetchBundleKB = fetch.codeKB;
    for (const row of rows) {
      figures[`bundleKB.${row.name}`] = row.codeKB;
      figures[`initMs.${row.name}`] = row.initMs;
      figures[`initRatio.${row.name}`] = row.ratio;
    }
    const overSize = functionsOnly.filter((row) => row.codeKB > 150 && !LARGE_ALLOWED.has(row.name)).map((row) => row.name);
    const overRatio = reads.filter((row) => row.ratio > 1.25).map((row) => row.name);
    return {
      figures,
      labels: {
        maxBundleKB: `largest Lambda bundle: ${largest.name} (index.js, minified)`,
        maxBudgetedBundleKB: `largest bundle but the fetch function: ${largestBudgeted.name}`,
        maxInitMs: `slowest cold init (require, median of ${rounds}): ${slowest.name}`,
        readInitRatioMax: `read function cold init ÷ minimal GetItem handler, worst: ${worstRead.name} (median of ${rounds} adjacent pairs)`,
      },
      notes: [
        `bundles (esbuild ${target}, cjs, minify, sourcemap, @aws-sdk/* external; init = require() in a fresh node ${process.versions.node} process with ${nodeOptions}, @aws-sdk/* resolved from node_modules as the Lambda runtime provides it; ${rounds} rounds, every bundle once per round in rotating order, each beside a yardstick process): ${rows.map((row) => `${row.name} ${row.codeKB} KB/${row.initMs} ms/${row.ratio}×`).join(', ')}`,
        `AWS SDK choice: external (deployed; the runtime's SDK, version logged at init by lib/sdk-version.ts): get-user-aggregate ${Math.round(externalRead.codeBytes / 1024)} KB, init ${Math.round(medianOf(externalRead))} ms (${rows.find((row) => row.name === 'get-user-aggregate')!.ratio}× yardstick ${rows.find((row) => row.name === BASELINE)!.initMs} ms); bundled (@aws-sdk/client-dynamodb ${testedSdk} + lib-dynamodb tree-shaken into the bundle): get-user-aggregate ${figures.sdkBundledReadBundleKB} KB, init ${figures.sdkBundledReadInitMs} ms, the yardstick bundled the same way ${Math.round(bundledBaseline.codeBytes / 1024)} KB / ${figures.sdkBundledBaselineInitMs} ms`,
        ...(overSize.length > 0 ? [`over 150 KB: ${overSize.join(', ')}`] : []),
        ...(overRatio.length > 0 ? [`init over 1.25× the minimal handler: ${overRatio.join(', ')}`] : []),
      ],
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
