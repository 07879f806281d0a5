import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { guideFiles, repositoryRoot } from '../support/guides';

/**
 * A package a guide names is one the project has: every npm package the README and the folder
 * guides name in backticks, import in an example, or run with `npx`, is in package.json
 * (dependencies or devDependencies). A guide that still names a removed package fails here.
 *
 * What counts as a package name: a scoped name (`@scope/name`, with or without a subpath) and
 * every import specifier always; an unscoped name in backticks (`zod`, `aws-cdk-lib/assertions`)
 * when it is installed here, since an unscoped word in backticks (`watermark`, `sequence`) may
 * as well be a field or a setting.
 */
const manifest = JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)]);

/** Named on purpose although the project does not use them, each with the reason. */
const namedForTheReader: Record<string, string> = {
  // infra/ops/README.md: "From code, any AWS SDK signer works": the API's callers' code, not ours.
  '@smithy/signature-v4': 'a SigV4 signer for the callers of the deployed API',
};

const fencedBlock = /^[ \t]*```[\s\S]*?^[ \t]*```/gm;
const packageName = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]*)?$/;
const rootOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
const installed = (name: string): boolean => existsSync(path.join(repositoryRoot, 'node_modules', name, 'package.json'));
const isBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || builtinModules.includes(rootOf(specifier));

/** The command names (`bin`) of the declared packages: what `npx NAME` runs without downloading anything. */
const commands = new Map<string, string>(
  [...declared].flatMap((name) => {
    const { bin } = JSON.parse(readFileSync(path.join(repositoryRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
      bin?: string | Record<string, string>;
    };
    const names = typeof bin === 'string' ? [name.split('/').pop()!] : Object.keys(bin ?? {});
    return names.map((command): [string, string] => [command, name]);
  }),
);

interface Mention {
  guide: string;
  name: string;
  how: 'in backticks' | 'imported' | 'run with npx';
}

function mentionsIn(guide: string): Mention[] {
  const markdown = readFileSync(path.join(repositoryRoot, guide), 'utf8');
  const spans = [...markdown.replace(fencedBlock, '').matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!.trim());
  const backticked = spans
    .filter((span) => packageName.test(span))
    .map(rootOf)
    .filter((name) => name.startsWith('@') || installed(name))
    .map((name): Mention => ({ guide, name, how: 'in backticks' }));
  const imported = [...markdown.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(?\s*)['"]([^'"]+)['"]/g)]
    .map((match) => match[1]!)
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('/') && !isBuiltin(specifier))
    .map((specifier): Mention => ({ guide, name: rootOf(specifier), how: 'imported' }));
  const run = [...markdown.matchAll(/\bnpx\s+([@\w][\w./@-]*)/g)].map((match): Mention => ({ guide, name: match[1]!, how: 'run with npx' }));
  return [...backticked, ...imported, ...run];
}

const mentions = guideFiles().flatMap(mentionsIn);
const distinct = [...new Map(mentions.map((mention) => [`${mention.guide} ${mention.how} ${mention.name}`, mention])).values()];

test('the guides name packages (so this check has something to check)', () => {
  expect(distinct.filter((mention) => mention.how === 'in backticks').length).toBeGreaterThan(5);
  expect(distinct.filter((mention) => mention.how === 'run with npx').length).toBeGreaterThan(2);
});

const named = distinct.filter((mention) => mention.how !== 'run with npx' && !(mention.name in namedForTheReader));
test.each(named)('$guide names $name ($how): it is in package.json', ({ name }) => {
  expect(declared).toContain(name);
});

test.each(distinct.filter((mention) => mention.how === 'run with npx'))('$guide runs `npx $name`: a command of a package in package.json', ({ name }) => {
  expect(commands.has(name)).toBe(true);
});

test('a package named for the reader is still named by a guide, and is not one the project uses', () => {
  for (const name of Object.keys(namedForTheReader)) {
    expect(mentions.map((mention) => mention.name)).toContain(name);
    expect(declared).not.toContain(name);
  }
});
