import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { serviceApp } from '../../infra/service-app';
import { configSettings } from '../../infra/stacks/config';
import { guideFiles, repositoryRoot } from '../support/guides';
import { cdkJsonContext } from './support/synthesize-service';

/**
 * Every `cdk synth` / `cdk deploy` command written in the README and in every guide (each
 * README.md under lib/, infra/, test/ and so on; code blocks and inline code) synthesizes: the CDK
 * app is built in-process with cdk.json's context plus the command's `-c` options (no bundling, no
 * environment variables), and cdk-nag and the AWS Control Tower controls validate it as `cdk synth` does. The operator commands
 * (`npx tsx infra/ops/...`) and `npm run` scripts the guides name exist, with the options they show.
 */
const root = repositoryRoot;
const markdownOf = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const guides = guideFiles();
const readme = markdownOf('README.md');

/** Every command line of a guide: code-block lines (continuations joined) and inline code. */
function commandLines(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^[ \t]*```[a-z]*\n([\s\S]*?)^[ \t]*```/gm)].map((match) => match[1]!);
  const fromBlocks = blocks.flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'));
  const outside = markdown.replace(/^[ \t]*```[a-z]*\n[\s\S]*?^[ \t]*```/gm, '');
  const inline = [...outside.matchAll(/`([^`\n]*\b(?:npx|npm) [^`\n]*)`/g)].map((match) => match[1]!.replace(/\\\|/g, '|'));
  return [...fromBlocks, ...inline].map((line) =>
    line
      .replace(/\s#.*$/, '')
      .replace(/^\$ /, '')
      .trim(),
  );
}

const cdkCommands = (markdown: string): string[] => commandLines(markdown).filter((line) => /^npx cdk (synth|deploy)\b/.test(line));

/** Shell words: whitespace splits, single and double quotes group (enough for the README's commands). */
const wordsOf = (command: string): string[] =>
  [...command.matchAll(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g)].map((match) => match[0].replace(/'([^']*)'|"([^"]*)"/g, '$1$2'));

/** The `-c key=value` options of a command (values are kept as strings, as the CLI passes them). */
function contextOf(command: string): Record<string, string> {
  const tokens = wordsOf(command);
  const context: Record<string, string> = {};
  tokens.forEach((token, index) => {
    if (token !== '-c' && token !== '--context') return;
    const [key, ...value] = tokens[index + 1]!.split('=');
    context[key!] = value.join('=');
  });
  return context;
}

const commandsByGuide = new Map(guides.map((file) => [file, cdkCommands(markdownOf(file))]));
const commands = [...new Set([...commandsByGuide.values()].flat())];
const readmeCommands = cdkCommands(readme);
const outdir = mkdtempSync(path.join(tmpdir(), 'readme-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

test('the guides are found, and the infra guides have their deploy commands', () => {
  expect(guides).toEqual(expect.arrayContaining(['README.md', 'lib/README.md', 'infra/README.md', 'infra/ops/README.md', 'test/README.md']));
  expect(commandsByGuide.get('infra/README.md')).toContain('npx cdk synth -c upstream=mock');
  expect(commandsByGuide.get('infra/README.md')!.some((command) => command.includes('mockKnobs='))).toBe(true);
  const ops = commandsByGuide.get('infra/ops/README.md')!;
  expect(ops.some((command) => command.includes('stage=prod'))).toBe(true);
  expect(ops.some((command) => command.includes('stackName='))).toBe(true);
  expect(ops.some((command) => command.includes('fetchReservedConcurrency='))).toBe(true);
});

test('the README shows the demo synth, both upstream choices and the production deploy', () => {
  expect(readmeCommands.length).toBeGreaterThanOrEqual(4);
  expect(readmeCommands).toContain('npx cdk synth -c upstream=mock');
  expect(readmeCommands.some((command) => command.includes('cdk deploy') && command.includes('transactionsApiUrl=https://'))).toBe(true);
  expect(readmeCommands.some((command) => command.includes('stage=prod'))).toBe(true);
  // No command in any guide relies on a default upstream.
  for (const command of commands) expect(command).toMatch(/-c (upstream=mock|transactionsApiUrl=https:\/\/)/);
});

const toolCommands = [...new Set(guides.flatMap((file) => commandLines(markdownOf(file))).filter((line) => /^npx tsx \S+/.test(line)))];
const npmRuns = [
  ...new Set(guides.flatMap((file) => commandLines(markdownOf(file))).flatMap((line) => [...line.matchAll(/\bnpm run ([a-z:-]+)/g)].map((match) => match[1]!))),
];

test('the guides name the operator commands', () => {
  expect(toolCommands.some((command) => command.startsWith('npx tsx infra/ops/unjam-ingestion.ts'))).toBe(true);
  expect(toolCommands.some((command) => command.startsWith('npx tsx infra/ops/rewind-ingestion.ts'))).toBe(true);
});

test.each(toolCommands)('%s: the script exists and takes the options shown', (command) => {
  const [, , script, ...rest] = wordsOf(command);
  const file = path.join(root, script!);
  expect(existsSync(file)).toBe(true);
  const source = readFileSync(file, 'utf8');
  // Each --option is a key of the script's parseArgs options (`table: { type: ...`, `'marker-ttl-days': { type: ...`).
  const options = rest
    .map((word) => word.replace(/^\[|\]$/g, ''))
    .filter((word) => /^--[a-z]/.test(word))
    .map((word) => word.slice(2));
  for (const option of options) expect(source).toMatch(new RegExp(`[\\s{,]'?${option}'?: \\{ type: `));
});

test('every npm run script the guides name exists', () => {
  const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  expect(npmRuns.length).toBeGreaterThan(0);
  for (const name of npmRuns) expect(Object.keys(scripts)).toContain(name);
});

test.each(commands)('%s synthesizes with cdk-nag and the Control Tower controls clean', (command) => {
  const context = { ...cdkJsonContext(), ...contextOf(command), 'aws:cdk:bundling-stacks': [] };
  const { app, checks } = serviceApp({ context, outdir: path.join(outdir, String(commands.indexOf(command))) }, {});
  const assembly = app.synth();
  expect(assembly.stacks).toHaveLength(1);
  expect(checks.summary(assembly.directory)).toMatch(/: 0 unacknowledged findings; \d+ acknowledged/);
});

/** The settings an exported variable would override: the CLI runs below must not see the test process's. */
const withoutServiceVariables = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !(Object.values(configSettings) as string[]).includes(name)));

test('the first production deploy (infra/ops/README.md), synthesized by the CDK CLI: one line on stderr, what was checked, no feature-flag notice', () => {
  const firstDeploy = commandsByGuide.get('infra/ops/README.md')!.find((command) => command.includes('stage=prod') && command.includes('domainName='));
  expect(firstDeploy).toBeDefined();
  const [, , verb, ...options] = wordsOf(firstDeploy!);
  expect(verb).toBe('deploy');
  const cli = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', path.join(outdir, 'cli'), ...options], {
    cwd: root,
    env: { ...withoutServiceVariables(), CDK_DISABLE_VERSION_CHECK: '1' },
    encoding: 'utf8',
  });
  expect(cli.status).toBe(0);
  expect(cli.stderr.trimEnd().split('\n')).toEqual([
    expect.stringMatching(
      /^Checked by cdk-nag \(AWS Solutions\) and the AWS Control Tower proactive controls \(\d{3} cfn-guard rules\): 0 unacknowledged findings; \d+ acknowledged \(cdk-nag \d+, Control Tower \d+\), each with its reason in the code \(infra\/README.md, "Security review"\)\. \d functions bundled\.$/,
    ),
  ]);
  expect(cli.stderr).not.toMatch(/feature flag/i);
});

test('cdk.json sets every feature flag the installed aws-cdk-lib recommends, to the recommended value (why the CLI has no notice)', () => {
  const recommended = JSON.parse(readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8')) as Record<string, unknown>;
  expect(Object.keys(recommended).length).toBeGreaterThan(80);
  const context = cdkJsonContext();
  for (const [flag, value] of Object.entries(recommended)) expect([flag, context[flag]]).toEqual([flag, value]);
});

test('the synth really runs the Control Tower controls: a log group without a KMS key fails it', () => {
  const { app, stack } = serviceApp(
    { context: { ...cdkJsonContext(), upstream: 'mock', 'aws:cdk:bundling-stacks': [] }, outdir: path.join(outdir, 'guard-probe') },
    {},
  );
  new LogGroup(stack, 'GuardProbe');
  expect(() => app.synth()).toThrow(/CT\.CLOUDWATCH\.PR\.3[\s\S]*TransactionAggregation\/GuardProbe[\s\S]*cloudwatch_log_group_encrypted_check/);
});

test('the synth really runs cdk-nag: an unacknowledged finding fails it', () => {
  const { app, stack } = serviceApp(
    { context: { ...cdkJsonContext(), upstream: 'mock', 'aws:cdk:bundling-stacks': [] }, outdir: path.join(outdir, 'probe') },
    {},
  );
  new Role(stack, 'NagProbe', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
    new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }),
  );
  expect(() => app.synth()).toThrow(/[Vv]alidation/);
});

test('a synth without an upstream choice, as the guides say, stops with the message', () => {
  expect(() => serviceApp({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] }, outdir: path.join(outdir, 'none') }, {})).toThrow(
    /no upstream chosen/,
  );
});
