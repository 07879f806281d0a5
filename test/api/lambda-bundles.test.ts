import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLED_SWAGGER_UI_DIR, SWAGGER_UI_FILES } from '../../lib/api/swagger-ui';
import { getEvent } from './support/http-events';

/**
 * The read handlers bundled the way the CDK stack bundles them (esbuild, minified, the AWS SDK
 * left to the runtime), in a folder with no node_modules in reach, as in Lambda.
 */
const handlers = ['get-user-aggregate', 'list-payouts', 'get-status', 'api-docs'] as const;
const root = join(__dirname, '../..');
let out: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'read-api-bundles-'));
  for (const name of handlers) {
    await build({
      entryPoints: [join(root, 'functions', `${name}.ts`)],
      outfile: join(out, name, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      minify: true,
      external: ['@aws-sdk/*'],
      logLevel: 'silent',
    });
  }
  // The docs function's afterBundling step: copy Swagger UI's files beside the bundle.
  const dist = dirname(require.resolve('swagger-ui-dist/package.json'));
  mkdirSync(join(out, 'api-docs', BUNDLED_SWAGGER_UI_DIR));
  for (const file of SWAGGER_UI_FILES) copyFileSync(join(dist, file), join(out, 'api-docs', BUNDLED_SWAGGER_UI_DIR, file));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('Lambda bundles of the read API', () => {
  it('serves the docs page, the OpenAPI document and Swagger UI from the bundle alone', () => {
    const taskRoot = join(out, 'api-docs');
    const urls = ['/api/docs', '/api/docs/openapi.json', '/api/docs/swagger-ui.css', '/api/docs/swagger-ui-bundle.js', '/api/docs/swagger-initializer.js'];
    const script = `
      const { handler } = require('./index.js');
      Promise.all(${JSON.stringify(urls.map((url) => getEvent(url)))}.map((event) => handler(event, {})))
        .then((results) => process.stdout.write(JSON.stringify(results.map((r) => ({ status: r.statusCode, type: r.headers['Content-Type'], length: r.body.length })))));
    `;
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: taskRoot,
      env: { PATH: process.env.PATH, LAMBDA_TASK_ROOT: taskRoot, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
      encoding: 'utf8',
    });
    const results = JSON.parse(output) as { status: number; type: string; length: number }[];
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.map((result) => result.type)).toEqual([
      'text/html; charset=utf-8',
      'application/json',
      'text/css; charset=utf-8',
      'text/javascript; charset=utf-8',
      'text/javascript; charset=utf-8',
    ]);
    const dist = dirname(require.resolve('swagger-ui-dist/package.json'));
    expect(results[2].length).toBe(readFileSync(join(dist, 'swagger-ui.css'), 'utf8').length);
    expect(results[3].length).toBe(readFileSync(join(dist, 'swagger-ui-bundle.js'), 'utf8').length);
  });

  it.each(handlers.filter((name) => name !== 'api-docs'))('keeps Swagger UI, the OpenAPI document, full zod and the X-Ray SDK out of %s (≤ 150 KB)', (name) => {
    const code = readFileSync(join(out, name, 'index.js'), 'utf8');
    expect(code).not.toContain('SwaggerUIBundle');
    expect(code).not.toContain('swagger-ui-dist');
    expect(code).not.toContain('openapi.json');
    // zod's JSON Schema generator (the docs function's) and zod's full build (transaction validation).
    expect(code).not.toContain('draft-2020-12');
    expect(code).not.toMatch(/\.superRefine\(|ZodError: /);
    // The Powertools tracer's X-Ray SDK belongs to the fetch function alone.
    expect(code).not.toContain('AWSXRay');
    expect(code).not.toContain('cls-hooked');
    expect(statSync(join(out, name, 'index.js')).size).toBeLessThan(150 * 1024);
  });

  it('keeps the docs function (code plus copied Swagger UI files) under 2.5 MB unzipped', () => {
    const size = ['index.js', ...SWAGGER_UI_FILES.map((file) => join(BUNDLED_SWAGGER_UI_DIR, file))]
      .map((file) => statSync(join(out, 'api-docs', file)).size)
      .reduce((sum, bytes) => sum + bytes, 0);
    expect(size).toBeLessThan(2.5 * 1024 * 1024);
  });
});
