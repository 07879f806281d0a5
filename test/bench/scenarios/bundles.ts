import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { BUNDLED_SWAGGER_UI_DIR, SWAGGER_UI_FILES } from '../../../lib/api/swagger-ui';
import { median } from '../support/percentiles';
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

/** Median time a fresh node process takes to require the bundle (the module-init part of a cold start). */
function initTimes(directory: string, runs: number, nodeOptions: string, name: string): number[] {
  const script = `const t=process.hrtime.bigint();require('./index.js');process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Array.from({ length: runs }, () =>
    Number(
      execFileSync(process.execPath, [nodeOptions, '-e', script], {
        cwd: directory,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          // The runtime provides @aws-sdk/*; here it comes from the project's node_modules.
          NODE_PATH: path.join(root, 'node_modules'),
          LAMBDA_TASK_ROOT: directory,
          AWS_REGION: 'eu-west-1',
          AWS_LAMBDA_FUNCTION_NAME: name,
          TABLE_NAME: 'bench',
          TRANSACTIONS_API_URL: 'http://127.0.0.1:9',
          POWERTOOLS_SERVICE_NAME: 'bench',
          POWERTOOLS_METRICS_NAMESPACE: 'TransactionAggregation',
        },
      }),
    ),
  );
}

/**
 * Figure 6: every functions/*.ts bundled as the CDK stack bundles it, its size, and its init
 * time (median of fresh processes requiring it). api-docs also carries Swagger UI's files.
 */
export async function bundles(options: BenchOptions): Promise<ScenarioResult> {
  const { target, nodeOptions } = stackBundling();
  const out = mkdtempSync(path.join(tmpdir(), 'bench-bundles-'));
  const runs = options.quick ? 5 : 11;
  const rows: { name: string; codeKB: number; mapKB: number; packageKB: number; initMs: number }[] = [];
  try {
    const names = readdirSync(functionsDirectory).filter((file) => file.endsWith('.ts')).map((file) => file.replace(/\.ts$/, ''));
    for (const name of names) {
      const directory = path.join(out, name);
      await build({
        entryPoints: [path.join(functionsDirectory, `${name}.ts`)],
        outfile: path.join(directory, 'index.js'),
        bundle: true,
        platform: 'node',
        target,
        format: 'cjs',
        minify: true,
        sourcemap: true,
        sourcesContent: false,
        external: ['@aws-sdk/*'],
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
      const codeBytes = statSync(path.join(directory, 'index.js')).size;
      const mapBytes = statSync(path.join(directory, 'index.js.map')).size;
      initTimes(directory, 1, nodeOptions, name); // the first run warms the file cache
      const initMs = median(initTimes(directory, runs, nodeOptions, name));
      const row = { name, codeKB: Math.round(codeBytes / 1024), mapKB: Math.round(mapBytes / 1024), packageKB: Math.round((codeBytes + assetsBytes) / 1024), initMs: Math.round(initMs) };
      rows.push(row);
      progress(`${name}: ${row.codeKB} KB code (+${row.mapKB} KB source map${assetsBytes ? `, +${Math.round(assetsBytes / 1024)} KB Swagger UI` : ''}), init ${row.initMs} ms`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const largest = rows.reduce((a, b) => (b.codeKB > a.codeKB ? b : a));
  const slowest = rows.reduce((a, b) => (b.initMs > a.initMs ? b : a));
  const docs = rows.find((row) => row.name === 'api-docs');
  const overSize = rows.filter((row) => row.codeKB > 300).map((row) => row.name);
  const overInit = rows.filter((row) => row.initMs > 150).map((row) => row.name);
  const figures: Record<string, number> = { maxBundleKB: largest.codeKB, maxInitMs: slowest.initMs };
  if (docs) figures.apiDocsPackageKB = docs.packageKB;
  for (const row of rows) {
    figures[`bundleKB.${row.name}`] = row.codeKB;
    figures[`initMs.${row.name}`] = row.initMs;
  }
  return {
    figures,
    labels: {
      maxBundleKB: `largest Lambda bundle: ${largest.name} (index.js, minified)`,
      maxInitMs: `slowest cold init (require, median of ${runs}): ${slowest.name}`,
    },
    notes: [
      `bundles (esbuild ${target}, cjs, minify, sourcemap, @aws-sdk/* external; init = require() in a fresh node ${process.versions.node} process with ${nodeOptions}, @aws-sdk/* resolved from node_modules as the Lambda runtime provides it): ${rows.map((row) => `${row.name} ${row.codeKB} KB/${row.initMs} ms`).join(', ')}`,
      ...(overSize.length > 0 ? [`over 300 KB: ${overSize.join(', ')}`] : []),
      ...(overInit.length > 0 ? [`init over 150 ms: ${overInit.join(', ')}`] : []),
    ],
  };
}
