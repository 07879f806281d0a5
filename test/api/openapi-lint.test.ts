import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocumentJson } from '../../lib/api/openapi-document';

/**
 * The served OpenAPI document passes `redocly lint` with its recommended rules: no error and no
 * warning. The CLI runs offline on a temporary copy (telemetry and update checks off).
 */
test('the OpenAPI document passes redocly lint (recommended rules) without errors or warnings', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
  try {
    const file = join(directory, 'openapi.json');
    writeFileSync(file, openApiDocumentJson());
    const cli = require.resolve('@redocly/cli/bin/cli.js');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [cli, 'lint', '--format=json', '--extends=recommended', file],
        {
          cwd: directory,
          timeout: 90_000,
          maxBuffer: 16 * 1024 * 1024,
          env: { PATH: process.env.PATH, HOME: directory, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
      );
    });
    const json = output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1);
    const report = JSON.parse(json) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; severity: string }[] };
    expect(report.problems.map(({ ruleId, severity, message }) => `${severity} ${ruleId}: ${message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(code).toBe(0);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}, 120_000);
