import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { guideFiles, repositoryRoot } from '../support/guides';

/**
 * The README and the folder guides point at each other: every relative link names a file that
 * exists, and every `#anchor` names a heading of its target (GitHub's slugs).
 */
const root = repositoryRoot;

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const withoutCode = (markdown: string): string => markdown.replace(/^[ \t]*```[\s\S]*?^[ \t]*```/gm, '');
const anchorsOf = (file: string): string[] => [...withoutCode(readFileSync(file, 'utf8')).matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1]!));

const links = guideFiles().flatMap((from) =>
  [...withoutCode(readFileSync(path.join(root, from), 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => ({ from, target })),
);

test('the guides link to each other', () => {
  expect(links.length).toBeGreaterThan(10);
});

test.each(links)('$from → $target', ({ from, target }) => {
  const [file, anchor] = target.split('#');
  const resolved = file ? path.resolve(root, path.dirname(from), file) : path.join(root, from);
  expect(existsSync(resolved)).toBe(true);
  if (anchor) expect(anchorsOf(resolved)).toContain(anchor);
});
