import { readdirSync } from 'node:fs';
import * as path from 'node:path';

/** The repository's root. */
export const repositoryRoot = path.resolve(__dirname, '../..');

/**
 * The README and every folder guide: each README.md below the root, outside node_modules, build
 * output and dot folders, as paths relative to the root.
 */
export function guideFiles(dir = repositoryRoot): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return /^(node_modules|cdk\.out|dist|coverage)$|^\./.test(entry.name) ? [] : guideFiles(path.join(dir, entry.name));
    return entry.name === 'README.md' ? [path.relative(repositoryRoot, path.join(dir, entry.name))] : [];
  });
}
