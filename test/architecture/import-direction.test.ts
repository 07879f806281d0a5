import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'cdk.out' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The file a relative specifier names (`./x` is `./x.ts` or `./x/index.ts`). */
function resolved(file: string, specifier: string): string {
  const base = relative(root, resolve(join(root, dirname(file)), specifier));
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) if (existsSync(join(root, candidate)) && candidate.endsWith('.ts')) return candidate;
  return base;
}

/** Every relative import of a file (type-only ones too: they are a dependency of the design), resolved to a path from the repository's root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => resolved(file, specifier));
}

const folders = ['lib', 'functions', 'infra'];
const graph = new Map(folders.flatMap(sourceFiles).map((file) => [file, importsOf(file)]));

/** The import cycles of the graph, each as the files of one strongly connected component (Tarjan). */
function cycles(edges: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (edges.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

const importsInto = (from: string[], into: string, allowed: readonly string[] = []): string[] =>
  [...graph]
    .filter(([file]) => from.some((folder) => file.startsWith(`${folder}/`)) && !allowed.includes(file))
    .flatMap(([file, targets]) => targets.filter((target) => target.startsWith(`${into}/`)).map((target) => `${file} → ${target}`));

describe('imports run one way: infra reads lib, never the other way round', () => {
  it.each(['lib', 'functions'])('no file under %s/ imports from infra/', (folder) => {
    expect(importsInto([folder], 'infra')).toEqual([]);
  });

  it('no file under lib/ imports from functions/', () => {
    expect(importsInto(['lib'], 'functions')).toEqual([]);
  });

  it('the graph is read: every folder has files, and the imports found resolve to them', () => {
    expect(graph.get('lib/ingestion/run-tick.ts')).toContain('lib/ingestion/ports.ts');
    expect(graph.get('lib/ingestion/tick-dependencies.ts')).toContain('lib/store/cursor-repository.ts');
  });
});

describe('no import cycle anywhere in lib/, functions/, infra/', () => {
  it('finds a cycle when there is one', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
  });

  it('has none', () => {
    expect(cycles(graph)).toEqual([]);
  });
});

/**
 * The tick (lib/ingestion) and the read API (lib/api) see storage only through their ports
 * (lib/ingestion/ports.ts, lib/api/ports.ts); the DynamoDB adapters (lib/store) are chosen where
 * they are wired. The one wiring module under these folders is named here; the function files
 * (functions/) wire the read API.
 */
const WIRING_MODULES = ['lib/ingestion/tick-dependencies.ts'] as const;

describe('the tick and the read API depend on ports, not on the DynamoDB adapters', () => {
  it('no file under lib/ingestion/ or lib/api/ imports lib/store/, but the wiring module', () => {
    expect(importsInto(['lib/ingestion', 'lib/api'], 'lib/store', WIRING_MODULES)).toEqual([]);
  });

  it('the wiring module is where the adapters are chosen', () => {
    expect(importsInto(['lib/ingestion'], 'lib/store')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^lib\/ingestion\/tick-dependencies\.ts → lib\/store\//)]),
    );
  });

  it('runTick imports only its ports and the pure core', () => {
    expect(graph.get('lib/ingestion/run-tick.ts')!.filter((target) => target !== 'lib/ingestion/ports.ts' && !target.startsWith('lib/core/'))).toEqual([]);
  });

  it('the pure core imports nothing outside lib/core/', () => {
    expect(importsInto(['lib/core'], 'lib').filter((edge) => !edge.split(' → ')[1]!.startsWith('lib/core/'))).toEqual([]);
  });
});
