// Scenario validation, generator determinism and the golden payload sizes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FORMATS } from '../src/formats/index.js';
import {
  generate,
  generateColumn,
  loadScenario,
  parseScenario,
  presetNames,
  ScenarioError,
} from '../src/scenario/index.js';
import { diffColumns } from '../src/tensors/index.js';
import { expectedRefusal } from './round-trip.js';

const GOLDEN = new URL('./golden/sizes.json', import.meta.url);

describe('presets', () => {
  it('ship the five presets, each described', () => {
    assert.deepEqual(presetNames(), ['ads-heavy', 'context-heavy', 'ctr-small', 'edge', 'etsy-search', 'tiny']);
    for (const p of presetNames()) assert.ok(loadScenario(p).description.length > 40, p);
  });
  it('etsy-search is 1,000 candidates x 300 features with a block of context features', () => {
    const s = loadScenario('etsy-search');
    assert.equal(s.candidates, 1000);
    assert.equal(s.features.length, 300);
    const ctx = s.features.filter((f) => f.scope === 'context').length;
    assert.ok(ctx >= 10 && ctx < 150, `${ctx} context features`);
    assert.ok(s.features.some((f) => f.shape.kind === 'list'));
    assert.ok(s.features.some((f) => f.shape.kind === 'vector'));
    assert.deepEqual(new Set(s.features.map((f) => f.dtype)), new Set(['float32', 'int64', 'bytes']));
  });
  it('context-heavy has more than half its features in context', () => {
    const s = loadScenario('context-heavy');
    assert.ok(s.features.filter((f) => f.scope === 'context').length * 2 > s.features.length);
  });
  it('tiny covers every dtype x shape x scope', () => {
    const combos = new Set(loadScenario('tiny').features.map((f) => `${f.dtype}/${f.shape.kind}/${f.scope}`));
    assert.equal(combos.size, 18);
  });
  it('--candidates and --seed override the file', () => {
    const s = loadScenario('etsy-search', { candidates: 5, seed: 9 });
    assert.equal(s.candidates, 5);
    assert.equal(s.seed, 9);
  });
});

describe('generator', () => {
  it('a feature depends only on (seed, its own spec): build order and other features do not matter', () => {
    const s = loadScenario('tiny');
    const full = generate(s);
    for (const spec of [...s.features].reverse()) {
      const alone = generateColumn(spec, s.candidates, s.seed);
      assert.equal(diffColumns(alone, full.columns.get(spec.name)!), undefined, spec.name);
    }
    const fewer = generate({ ...s, features: s.features.filter((_, i) => i % 2 === 0) });
    for (const [name, col] of fewer.columns) assert.equal(diffColumns(col, full.columns.get(name)!), undefined, name);
  });
  it('context features have one row, item features one per candidate; list lengths within bounds', () => {
    const s = loadScenario('tiny');
    const req = generate(s);
    for (const f of s.features) {
      const col = req.columns.get(f.name)!;
      const rows = f.scope === 'context' ? 1 : s.candidates;
      if (f.shape.kind === 'list') {
        assert.equal(col.rowSplits!.length, rows + 1);
        for (let r = 0; r < rows; r++) {
          const len = col.rowSplits![r + 1]! - col.rowSplits![r]!;
          assert.ok(len >= f.shape.min && len <= f.shape.max, `${f.name} row ${r} length ${len}`);
        }
      } else {
        assert.equal(col.values.length, rows * (f.shape.kind === 'vector' ? f.shape.length : 1), f.name);
      }
    }
  });
  it('distributions: sparse has its share of zeros, categorical stays in range, quantized hits only its levels', () => {
    const mk = (dist: unknown, dtype = 'float32') =>
      parseScenario({ name: 'x', candidates: 20000, seed: 3, features: [{ name: 'f', dtype, dist }] });
    const sparse = generate(mk({ kind: 'sparse', zeroShare: 0.7 })).columns.get('f')!.values as Float32Array;
    const zeros = sparse.filter((x) => x === 0).length / sparse.length;
    assert.ok(Math.abs(zeros - 0.7) < 0.02, `zero share ${zeros}`);
    const cat = generate(mk({ kind: 'categorical', cardinality: 50, offset: 1000 }, 'int64')).columns.get('f')!
      .values as BigInt64Array;
    assert.ok(cat.every((x) => x >= 1000n && x < 1050n));
    const q = generate(mk({ kind: 'quantized', levels: 5, min: 0, max: 1 })).columns.get('f')!.values as Float32Array;
    assert.deepEqual([...new Set(q)].sort(), [0, 0.25, 0.5, 0.75, 1]);
  });
});

describe('bad scenario files get errors naming the field, the value and what is allowed', () => {
  const base = { name: 'x', candidates: 10, features: [{ name: 'a', dtype: 'float32' }] };
  const cases: [string, unknown, RegExp][] = [
    ['not an object', [], /\(root\): expected an object, got \[\]/],
    [
      'unknown top-level field',
      { ...base, candidate: 5 },
      /\(root\)\.candidate: expected no such field \(allowed: .*candidates/,
    ],
    ['candidates zero', { ...base, candidates: 0 }, /candidates: expected an integer >= 1 and <= 1000000, got 0/],
    ['candidates fractional', { ...base, candidates: 2.5 }, /candidates: expected an integer/],
    ['no features', { ...base, features: [] }, /features: expected a non-empty array/],
    [
      'bad dtype',
      { ...base, features: [{ name: 'a', dtype: 'float64' }] },
      /features\[0\]\.dtype: expected one of "float32", "int64", "bytes", got "float64"/,
    ],
    [
      'bad scope',
      { ...base, features: [{ name: 'a', dtype: 'int64', scope: 'user' }] },
      /features\[0\]\.scope: expected one of "context", "item", got "user"/,
    ],
    [
      'dist not allowed for dtype',
      { ...base, features: [{ name: 'a', dtype: 'bytes', dist: { kind: 'continuous' } }] },
      /features\[0\]\.dist\.kind: expected one of "categorical", "text", "edge", got "continuous"/,
    ],
    [
      'negative cardinality',
      { ...base, features: [{ name: 'a', dtype: 'int64', dist: { kind: 'categorical', cardinality: -5 } }] },
      /features\[0\]\.dist\.cardinality: expected an integer >= 1 .* got -5/,
    ],
    [
      'list max below min',
      { ...base, features: [{ name: 'a', dtype: 'int64', shape: { kind: 'list', min: 5, max: 2 } }] },
      /features\[0\]\.shape\.max: expected an integer >= 5/,
    ],
    [
      'duplicate names',
      {
        ...base,
        features: [
          { name: 'a', dtype: 'int64' },
          { name: 'a', dtype: 'float32' },
        ],
      },
      /expected a unique name \(also used by expanded feature 0\), got "a"/,
    ],
    ['bad name', { ...base, features: [{ name: 'has space', dtype: 'int64' }] }, /expected a name of letters, digits/],
    ['reserved name', { ...base, features: [{ name: 'examples', dtype: 'int64' }] }, /reserved/],
    [
      'row_splits collision',
      {
        ...base,
        features: [
          { name: 'a', dtype: 'int64', shape: { kind: 'list', max: 3 } },
          { name: 'a_row_splits', dtype: 'int64' },
        ],
      },
      /collide with the row_splits input of list feature "a"/,
    ],
    [
      'count without template',
      { ...base, features: [{ name: 'a', count: 3, dtype: 'int64' }] },
      /features\[0\]\.name: expected a name containing \{i\}/,
    ],
    [
      'zero share above 1',
      { ...base, features: [{ name: 'a', dtype: 'float32', dist: { kind: 'sparse', zeroShare: 1.5 } }] },
      /zeroShare: expected a number >= 0 and <= 1, got 1.5/,
    ],
  ];
  for (const [what, json, re] of cases) {
    it(what, () =>
      assert.throws(
        () => parseScenario(json, 'my.json'),
        (e: Error) => e instanceof ScenarioError && e.message.startsWith('my.json: ') && re.test(e.message),
      ),
    );
  }
  it('count templates expand with zero-padded indices', () => {
    const s = parseScenario({ ...base, features: [{ name: 'stat_{i}', count: 12, dtype: 'float32' }] });
    assert.deepEqual([s.features[0]!.name, s.features[11]!.name], ['stat_00', 'stat_11']);
  });
  it('files: unknown preset, missing file, invalid JSON', () => {
    assert.throws(
      () => loadScenario('etsy'),
      /unknown scenario preset "etsy" \(presets: ads-heavy, context-heavy, ctr-small, edge, etsy-search, tiny/,
    );
    assert.throws(() => loadScenario('./nope/missing.json'), /scenario file not found: .\/nope\/missing.json/);
    const dir = mkdtempSync(join(tmpdir(), 'pb-'));
    writeFileSync(join(dir, 'bad.json'), '{"name": "x",');
    assert.throws(() => loadScenario(join(dir, 'bad.json')), /not valid JSON/);
  });
});

describe('golden payload sizes (catch unintended payload changes)', () => {
  it('raw bytes per preset and format match test/golden/sizes.json', () => {
    const sizes: Record<string, Record<string, number>> = {};
    for (const p of presetNames()) {
      // Full-size presets except ads-heavy, which is kept at 100 candidates for speed.
      const req = generate(loadScenario(p, p === 'ads-heavy' ? { candidates: 100 } : {}));
      // A format that refuses a preset at encode (documented in test/round-trip.ts) has no size.
      sizes[p] = Object.fromEntries(
        FORMATS.filter((f) => expectedRefusal(f, req)?.stage !== 'encode').map((f) => [f.id, f.encode(req).length]),
      );
    }
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, `${JSON.stringify(sizes, null, 2)}\n`);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as typeof sizes;
    assert.deepEqual(
      sizes,
      golden,
      'payload sizes changed: if intended, run UPDATE_GOLDEN=1 npm test and commit test/golden/sizes.json',
    );
  });
});
