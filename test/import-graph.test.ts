// Layers only point down: every relative import in src/ must go to the same folder or to a
// lower layer. The order is written once here and in the README's "Architecture" section
// (a test below keeps the two equal). Edges that are known to be wrong and scheduled to be
// fixed are listed in KNOWN_UPWARD and reported as todo; any other upward or sideways import
// fails the suite.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

/**
 * src/ folders from the bottom layer up. Folders in one layer are siblings: they may not
 * import each other. `index.ts` is the library entry (src/index.ts); `cli` the command.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['tensors'],
  ['scenario'],
  ['wire'],
  ['formats', 'codecs'],
  ['results'],
  ['data'],
  ['common'],
  ['server', 'load', 'bench'],
  ['export'],
  ['report', 'check'],
  ['args'],
  ['index.ts'],
  ['cli'],
];

/** Upward or sideways imports still to fix: `from-file -> imported folder`, with why they remain. */
const KNOWN_UPWARD: Record<string, string> = {};

export interface Edge {
  /** Importing file, relative to src/. */
  from: string;
  /** Imported file, relative to src/ (may start with `..` when it leaves src/). */
  to: string;
}

const IMPORT_RE =
  /(?:^|[;\s])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[;\s])import\s*['"]([^'"]+)['"]/g;

/** Every relative import of every .ts/.js/.mjs file under src/. */
export function importEdges(src = SRC): Edge[] {
  const edges: Edge[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        const text = readFileSync(path, 'utf8').replace(/^\s*\/\/.*$/gm, '');
        for (const m of text.matchAll(IMPORT_RE)) {
          const spec = m[1] ?? m[2] ?? m[3]!;
          if (spec.startsWith('.'))
            edges.push({ from: relative(src, path), to: relative(src, resolve(dirname(path), spec)) });
        }
      }
    }
  };
  walk(src);
  return edges;
}

function unit(file: string): string {
  const top = file.split(/[\\/]/)[0]!;
  return top === file ? 'index.ts' : top;
}

function rank(u: string): number | undefined {
  const i = LAYERS.findIndex((layer) => layer.includes(u));
  return i < 0 ? undefined : i;
}

/** Why an edge breaks the layering, or undefined when it points down (or stays in its folder). */
export function violation(e: Edge): string | undefined {
  if (e.to.startsWith('..')) return undefined; // outside src/ (e.g. packages/): not a layer
  const a = unit(e.from);
  const b = unit(e.to);
  if (a === b) return undefined;
  const ra = rank(a);
  const rb = rank(b);
  if (ra === undefined) return `src/${a} is in no layer: add it to LAYERS and the README`;
  if (rb === undefined) return `src/${b} is in no layer: add it to LAYERS and the README`;
  if (rb > ra) return `${a} (layer ${ra}) imports ${b} (layer ${rb}, above it)`;
  if (rb === ra) return `${a} imports its sibling ${b} (layer ${ra}): share through a lower layer`;
  return undefined;
}

describe('import graph', () => {
  const edges = importEdges();
  const bad = new Map<string, string[]>();
  for (const e of edges) {
    const why = violation(e);
    if (!why) continue;
    const key = `${e.from} -> ${unit(e.to)}`;
    bad.set(key, [...(bad.get(key) ?? []), `${e.to}: ${why}`]);
  }

  it('reads the imports of src/', () => {
    assert.ok(edges.length > 300, `only ${edges.length} imports found: the scanner is broken`);
    assert.ok(edges.some((e) => e.from === 'index.ts' && e.to === join('formats', 'index.js')));
  });

  it('no module imports from a layer above it or from a sibling', () => {
    const unexpected = [...bad]
      .filter(([key]) => !(key in KNOWN_UPWARD))
      .map(([key, why]) => `${key}\n    ${why.join('\n    ')}`);
    assert.deepEqual(unexpected, [], `upward or sideways imports:\n  ${unexpected.join('\n  ')}`);
  });

  for (const [key, reason] of Object.entries(KNOWN_UPWARD)) {
    if (bad.has(key))
      it(`known, to fix: ${key} (${reason})`, { todo: true }, () => assert.fail(bad.get(key)!.join('; ')));
  }

  it('the rule itself: down is allowed; up, sideways and unknown folders are not', () => {
    assert.equal(violation({ from: 'formats/tensor-content.ts', to: 'wire/predict-request.js' }), undefined);
    assert.equal(violation({ from: 'formats/a.ts', to: 'formats/b.js' }), undefined);
    assert.match(
      violation({ from: 'wire/tensor-proto.ts', to: 'formats/columnar.js' })!,
      /wire \(layer 2\) imports formats \(layer 3, above it\)/,
    );
    assert.match(violation({ from: 'load/run-e2e.ts', to: 'server/timing.js' })!, /sibling server/);
    assert.match(violation({ from: 'index.ts', to: 'cli/main.js' })!, /above it/);
    assert.match(violation({ from: 'newthing/x.ts', to: 'wire/a.js' })!, /src\/newthing is in no layer/);
  });

  it("the README's architecture section lists the same layers in the same order", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = /## Architecture\n([\s\S]*?)\n## /.exec(readme)?.[1];
    assert.ok(section, 'README has an "## Architecture" section');
    const listed = [...section.matchAll(/^\d+\. (.+?) —/gm)].map((m) =>
      [...m[1]!.matchAll(/`src\/([a-z]+(?:\.ts)?)\/?`/g)].map((x) => x[1]!),
    );
    assert.deepEqual(
      listed,
      LAYERS.map((l) => [...l]),
    );
  });
});
