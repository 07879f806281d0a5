import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { serviceApp } from '../../infra/service-app';
import { cdkJsonContext } from './support/synthesize-service';

/**
 * Every `cdk synth` / `cdk deploy` command written in the README (code blocks and inline code)
 * synthesizes: the CDK app is built in-process with cdk.json's context plus the command's `-c`
 * options (no bundling, no environment variables), and cdk-nag validates it as `cdk synth` does.
 */
const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

function cdkCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^[ \t]*```[a-z]*\n([\s\S]*?)^[ \t]*```/gm)].map((match) => match[1]!);
  const fromBlocks = blocks.flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'));
  const outside = markdown.replace(/^[ \t]*```[a-z]*\n[\s\S]*?^[ \t]*```/gm, '');
  const inline = [...outside.matchAll(/`([^`\n]*\bcdk (?:synth|deploy)\b[^`\n]*)`/g)].map((match) => match[1]!);
  return [...fromBlocks, ...inline].map((line) => line.replace(/\s#.*$/, '').trim()).filter((line) => /^npx cdk (synth|deploy)\b/.test(line));
}

/** Shell words: whitespace splits, single and double quotes group (enough for the README's commands). */
const wordsOf = (command: string): string[] => [...command.matchAll(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g)].map((match) => match[0].replace(/'([^']*)'|"([^"]*)"/g, '$1$2'));

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

const commands = [...new Set(cdkCommands(readme))];
const outdir = mkdtempSync(path.join(tmpdir(), 'readme-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

test('the README shows the demo synth, both upstream choices and the production deploy', () => {
  expect(commands.length).toBeGreaterThanOrEqual(5);
  expect(commands).toContain('npx cdk synth -c upstream=mock');
  expect(commands.some((command) => command.includes('cdk deploy') && command.includes('transactionsApiUrl=https://'))).toBe(true);
  expect(commands.some((command) => command.includes('stage=prod'))).toBe(true);
  // No command relies on a default upstream.
  for (const command of commands) expect(command).toMatch(/-c (upstream=mock|transactionsApiUrl=https:\/\/)/);
});

test.each(commands)('%s synthesizes with cdk-nag clean', (command) => {
  const context = { ...cdkJsonContext(), ...contextOf(command), 'aws:cdk:bundling-stacks': [] };
  const { app } = serviceApp({ context, outdir: path.join(outdir, String(commands.indexOf(command))) }, {});
  const assembly = app.synth();
  expect(assembly.stacks).toHaveLength(1);
});

test('the synth really runs cdk-nag: an unacknowledged finding fails it', () => {
  const { app, stack } = serviceApp({ context: { ...cdkJsonContext(), upstream: 'mock', 'aws:cdk:bundling-stacks': [] }, outdir: path.join(outdir, 'probe') }, {});
  new Role(stack, 'NagProbe', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }));
  expect(() => app.synth()).toThrow(/[Vv]alidation/);
});

test('a synth without an upstream choice, as the README says, stops with the message', () => {
  expect(() => serviceApp({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] }, outdir: path.join(outdir, 'none') }, {})).toThrow(/no upstream chosen/);
});
