// Real feature logs carry -0.0, NaN and -inf for missing values. A TFRecord holding them in a
// float feature goes through `bench --data` (every TF Serving format measured, the round-trip
// check passing: JSON carries -0, NaN and ±Infinity as TF Serving does) and `e2e --data`
// (every format answered by the stub), and JSON Lines with a feature mixing whole and
// fractional numbers imports it as float32.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { elwcRecord, importData, inferScenario, loadData, writeTfRecords } from '../src/data/index.js';
import { FORMATS } from '../src/formats/index.js';
import type { Results } from '../src/results/index.js';
import { generate, type Scenario } from '../src/scenario/index.js';
import { toFeatureBatch } from '../src/tensors/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'pb-nonfinite-'));
/** The TF Serving formats (plug-in protocols such as OIP JSON have their own rules for NaN). */
const TFS_FORMATS = FORMATS.filter((f) => !f.id.startsWith('oip-')).map((f) => f.id);

const schema: Scenario = {
  name: 'logs',
  description: '',
  candidates: 6,
  seed: 3,
  features: [
    {
      name: 'price',
      dtype: 'float32',
      scope: 'item',
      shape: { kind: 'scalar' },
      dist: { kind: 'continuous', mean: 3, std: 1, lognormal: false },
    },
    {
      name: 'emb',
      dtype: 'float32',
      scope: 'item',
      shape: { kind: 'vector', length: 3 },
      dist: { kind: 'continuous', mean: 0, std: 1, lognormal: false },
    },
    {
      name: 'item_id',
      dtype: 'int64',
      scope: 'item',
      shape: { kind: 'scalar' },
      dist: { kind: 'categorical', cardinality: 1000, skew: 1, offset: 0 },
    },
    {
      name: 'user_score',
      dtype: 'float32',
      scope: 'context',
      shape: { kind: 'scalar' },
      dist: { kind: 'continuous', mean: 0, std: 1, lognormal: false },
    },
  ],
};
// Missing values as real logs hold them: -0.0, NaN and -inf in some candidates' price and emb.
const reqs = [0, 1].map((i) => generate({ ...schema, seed: 3 + i }));
for (const r of reqs) {
  const price = r.columns.get('price')!.values as Float32Array;
  price[1] = -0;
  price[2] = NaN;
  price[3] = -Infinity;
  const emb = r.columns.get('emb')!.values as Float32Array;
  emb[4] = NaN;
  emb[7] = -0;
  emb[11] = Infinity;
}
const DATA = join(dir, 'logs.tfrecord');
writeFileSync(DATA, writeTfRecords(reqs.map(elwcRecord)));

function cli(
  script: string,
  args: string[],
  timeoutMs = 120_000,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('real logs with -0.0, NaN and -inf', () => {
  it('the fixture holds them after import (the test can fail)', () => {
    const real = loadData({ path: DATA, format: null, skipCorrupt: false, candidates: null }).requests[0]!;
    const price = toFeatureBatch(real).tensors.get('price')!.values as Float32Array;
    assert.ok(Object.is(price[1], -0) && Number.isNaN(price[2]) && price[3] === -Infinity, String([...price]));
  });

  it('scenario inference fits the finite values (NaN / ±inf would turn the fitted moments into null in the file)', () => {
    const inferred = inferScenario(importData(DATA).requests, { name: 'logs' });
    for (const name of ['price', 'emb']) {
      const dist = inferred.features.find((f) => f.name === name)!.dist as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(dist))
        if (typeof v !== 'string' && typeof v !== 'boolean')
          assert.ok(Number.isFinite(v), `${name}.${k} = ${String(v)}`);
    }
  });

  it('bench --data measures every TF Serving format (round-trip check passes)', () => {
    const out = join(dir, 'bench-out');
    const r = cli('src/cli/commands/bench.ts', [
      '--quick',
      '--data',
      DATA,
      '--formats',
      TFS_FORMATS.join(','),
      '--codecs',
      'identity',
      '--time-ms',
      '5',
      '--min-samples',
      '3',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr.slice(-2000)}`);
    const results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as Results;
    for (const id of TFS_FORMATS) {
      for (const codec of ['identity']) {
        assert.ok(
          results.sizes.some((s) => s.format === id && s.codec === codec && s.rawBytes > 0),
          `${id} ${codec}: no size`,
        );
        assert.ok(
          results.micro.some((m) => m.format === id && m.op === 'decode' && m.stats.samples >= 3),
          `${id}: decode not measured`,
        );
      }
    }
  });

  it('e2e --data: the stub answers every TF Serving format', () => {
    const out = join(dir, 'e2e-out');
    const r = cli('src/cli/commands/e2e.ts', [
      '--data',
      DATA,
      '--formats',
      TFS_FORMATS.join(','),
      '--batch-size',
      '3',
      '--compression',
      'identity',
      '--concurrency',
      '1',
      '--requests',
      '4',
      '--warmup',
      '0ms',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr.slice(-2000)}`);
    const results = JSON.parse(readFileSync(join(out, 'e2e.json'), 'utf8')) as Results;
    for (const id of TFS_FORMATS) {
      const run = results.e2e!.find((e) => e.format === id);
      assert.ok(run, `${id}: no e2e run`);
      assert.ok(run.requests.ok > 0 && run.requests.ok === run.requests.sent, `${id}: ${JSON.stringify(run.requests)}`);
    }
  });
});

describe('JSON Lines import: numbers of one feature that mix whole and fractional values are float32', () => {
  it('-0, 2 and 2.5 in one feature, NaN and -Infinity in another, ids stay int64', () => {
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(
      file,
      [
        '{"instances": [{"price": -0, "ctr": NaN, "id": 7}, {"price": 2, "ctr": 0.5, "id": 8}]}',
        '{"instances": [{"price": 2.5, "ctr": -Infinity, "id": 9}, {"price": 4, "ctr": 1, "id": 10}]}',
      ].join('\n'),
    );
    const data = importData(file);
    const scenario = inferScenario(data.requests, { name: 'mixed' });
    const dtype = (n: string): string => scenario.features.find((f) => f.name === n)!.dtype;
    assert.equal(dtype('price'), 'float32');
    assert.equal(dtype('ctr'), 'float32');
    assert.equal(dtype('id'), 'int64');
    const loaded = loadData({ path: file, format: null, skipCorrupt: false, candidates: null });
    const price = toFeatureBatch(loaded.requests[0]!).tensors.get('price')!.values as Float32Array;
    assert.ok(Object.is(price[0], -0), 'JSON -0 keeps its sign');
    const ctr = toFeatureBatch(loaded.requests[1]!).tensors.get('ctr')!.values as Float32Array;
    assert.equal(ctr[0], -Infinity);
  });
});
