import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repositoryRoot } from '../support/guides';

// npm's own range rules (the semver package npm and many of our dependencies use; it ships no types).
const semver = require('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null };

/**
 * The Node.js version the project states is the one it needs: package.json's `engines`, the
 * README's quick start and what `npm install` checks (every installed package's `engines`) agree.
 */
const read = (file: string) => readFileSync(path.join(repositoryRoot, file), 'utf8');
const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
const minimum = semver.minVersion(engines)!.version;
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { engines?: { node?: string } | string[] }> };

test('every installed package runs on the oldest Node.js the engines allow: npm install prints no EBADENGINE there', () => {
  const refusing = Object.entries(lock.packages)
    .filter(([name, entry]) => name !== '' && !Array.isArray(entry.engines) && entry.engines?.node)
    .filter(([, entry]) => !semver.satisfies(minimum, (entry.engines as { node: string }).node))
    .map(([name, entry]) => `${name} (${(entry.engines as { node: string }).node})`);
  expect(refusing).toEqual([]);
  // Node.js 20 (end of life; aws-local-stepfunctions declares >= 22) is outside them.
  expect(semver.satisfies('20.20.0', engines)).toBe(false);
});

test("the README's quick start names the same minimum", () => {
  const [major, minor] = minimum.split('.');
  expect(read('README.md')).toContain(`It needs Node.js ${major}.${minor} or newer`);
});

test('the Lambda runtime the stack deploys is within the engines', () => {
  const runtime = /Runtime\.NODEJS_(\d+)_X/.exec(read('infra/stacks/service-function.ts'));
  expect(runtime).not.toBeNull();
  expect(semver.satisfies(`${runtime![1]}.0.0`, engines)).toBe(true);
});
