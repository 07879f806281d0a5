import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of a file, resolved to a path from the repository's root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => relative(root, resolve(join(root, dirname(file)), specifier)));
}

describe('imports run one way: infra reads lib, never the other way round', () => {
  it.each(['lib', 'functions'])('no file under %s/ imports from infra/', (folder) => {
    const upward = sourceFiles(folder).flatMap((file) => importsOf(file).filter((target) => target.startsWith('infra/')).map((target) => `${file} → ${target}`));
    expect(upward).toEqual([]);
  });

  it('no file under lib/ imports from functions/', () => {
    const upward = sourceFiles('lib').flatMap((file) => importsOf(file).filter((target) => target.startsWith('functions/')).map((target) => `${file} → ${target}`));
    expect(upward).toEqual([]);
  });
});
