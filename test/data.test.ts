// Bring-your-own-data: TFRecord framing and CRCs, import -> formats -> decode
// equality, corrupt records, JSON Lines, schema inference, privacy.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  crc32c,
  DataError,
  elwcRecord,
  exampleRecords,
  importData,
  inferScenario,
  maskedCrc32c,
  readTfRecords,
  toRankingRequest,
  writeTfRecords,
} from '../src/data/index.js';
import { FORMATS } from '../src/formats/index.js';
import { generate, loadScenario } from '../src/scenario/index.js';
import { diffBatches, toFeatureBatch } from '../src/tensors/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pb-data-'));
const ascii = (s: string) => new TextEncoder().encode(s);

describe('CRC32C and TFRecord framing', () => {
  it('CRC32C matches the published check values', () => {
    assert.equal(crc32c(ascii('123456789')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  });
  it('a hand-built record with a known CRC reads back', () => {
    const mask = (c: number) => Number((((BigInt(c) >> 15n) | (BigInt(c) << 17n)) + 0xa282ead8n) & 0xffffffffn);
    const data = ascii('123456789');
    const header = new Uint8Array(8);
    new DataView(header.buffer).setUint32(0, 9, true);
    const rec = new Uint8Array(12 + 9 + 4);
    const v = new DataView(rec.buffer);
    rec.set(header);
    v.setUint32(8, maskedCrc32c(header), true);
    rec.set(data, 12);
    v.setUint32(21, mask(0xe3069283), true);
    assert.equal(maskedCrc32c(data), mask(0xe3069283));
    assert.deepEqual(rec, writeTfRecords([data]));
    const { records, corrupt } = readTfRecords(rec, 'x', false);
    assert.equal(corrupt.length, 0);
    assert.deepEqual(records[0]!.data, data);
  });
  it('a corrupt data CRC names record and offset; --skip-corrupt counts and goes on', () => {
    const recs = [ascii('first'), ascii('second'), ascii('third')];
    const buf = writeTfRecords(recs);
    buf[16 + 5 + 12 + 2] ^= 0xff; // inside "second"
    assert.throws(
      () => readTfRecords(buf, 'f.tfrecord', false),
      (e: Error) =>
        e instanceof DataError &&
        /f.tfrecord: record 1 at byte offset 21: data CRC mismatch .*--skip-corrupt/.test(e.message),
    );
    const r = readTfRecords(buf, 'f.tfrecord', true);
    assert.deepEqual(
      r.records.map((x) => new TextDecoder().decode(x.data)),
      ['first', 'third'],
    );
    assert.deepEqual(
      r.corrupt.map((c) => [c.index, c.offset]),
      [[1, 21]],
    );
  });
  it('a truncated file is reported, not silently shortened', () => {
    const buf = writeTfRecords([ascii('first'), ascii('second')]);
    assert.throws(
      () => readTfRecords(buf.subarray(0, buf.length - 3), 'f', false),
      /record 1 at byte offset 21: truncated record/,
    );
    assert.equal(readTfRecords(buf.subarray(0, buf.length - 3), 'f', true).corrupt.length, 1);
  });
});

describe('import -> infer -> formats -> decode', () => {
  const scenario = loadScenario('tiny');
  const reqs = [1, 2, 3, 4].map((seed) => generate({ ...scenario, seed }));
  const elwcFile = join(dir, 'tiny-elwc.tfrecord');
  writeFileSync(elwcFile, writeTfRecords(reqs.map(elwcRecord)));
  const exFile = join(dir, 'tiny-examples.tfrecord');
  writeFileSync(exFile, writeTfRecords(reqs.flatMap(exampleRecords)));

  it('ELWC records: detected, one request per record, values identical through every format', () => {
    const data = importData(elwcFile);
    assert.equal(data.format, 'tfrecord-elwc');
    assert.equal(data.requests.length, 4);
    for (const [i, raw] of data.requests.entries()) {
      const req = toRankingRequest(raw, scenario, i);
      const want = toFeatureBatch(reqs[i]!);
      for (const f of FORMATS)
        assert.equal(
          diffBatches(req.schema, want, f.decode(f.encode(req), req.schema).batch),
          undefined,
          `${f.id} request ${i}`,
        );
    }
  });
  it('inference recovers dtypes, shapes and scopes', () => {
    const inferred = inferScenario(importData(elwcFile).requests, { name: 'inferred' });
    const strip = (s: typeof scenario) =>
      s.features.map((f) => ({
        name: f.name,
        dtype: f.dtype,
        scope: f.scope,
        shape: f.shape.kind === 'list' ? 'list' : JSON.stringify(f.shape),
      }));
    assert.deepEqual(strip(inferred), strip(scenario));
    assert.equal(inferred.candidates, 4);
  });
  it('Example records: one candidate per record, --candidates regroups, context inferred from constant features', () => {
    const data = importData(exFile, { candidates: 4 });
    assert.equal(data.format, 'tfrecord-example');
    assert.equal(data.requests.length, 4);
    const inferred = inferScenario(data.requests, { name: 'x' });
    const scopes = Object.fromEntries(inferred.features.map((f) => [f.name, f.scope]));
    assert.equal(scopes.ctx_f32_vec, 'context');
    assert.equal(scopes.item_f32, 'item');
    const req = toRankingRequest(data.requests[2]!, scenario, 2);
    assert.equal(diffBatches(req.schema, toFeatureBatch(reqs[2]!), toFeatureBatch(req)), undefined);
  });
  it('a record that is not an Example stops the import with its number, or is skipped and counted', () => {
    const file = join(dir, 'bad.tfrecord');
    writeFileSync(
      file,
      writeTfRecords([
        ...reqs.flatMap(exampleRecords).slice(0, 2),
        new Uint8Array([0x0a, 0x05, 0x0a, 0x03, 0xff, 0xff]),
      ]),
    );
    assert.throws(() => importData(file), /record 2 at byte offset \d+: not a tf.Example/);
    const data = importData(file, { skipCorrupt: true });
    assert.equal(data.requests.length, 2);
    assert.equal(data.corrupt.length, 1);
  });
  it('JSON Lines of REST bodies (rows and columns) import to the same values', () => {
    const file = join(dir, 'tiny.jsonl');
    const rows = FORMATS.find((f) => f.id === 'json-rows')!;
    const cols = FORMATS.find((f) => f.id === 'json-columnar')!;
    writeFileSync(
      file,
      `${new TextDecoder().decode(rows.encode(reqs[0]!))}\n${new TextDecoder().decode(cols.encode(reqs[1]!))}\n`,
    );
    const data = importData(file);
    assert.equal(data.format, 'jsonl');
    for (const i of [0, 1]) {
      // JSON cannot tell a float32 feature holding whole numbers from an int64: give the real scenario.
      const req = toRankingRequest(data.requests[i]!, scenario, i);
      assert.equal(diffBatches(req.schema, toFeatureBatch(reqs[i]!), toFeatureBatch(req)), undefined, `line ${i}`);
    }
    writeFileSync(file, '{"instances": [{"a": 1}]}\n{not json\n');
    assert.throws(() => importData(file), /line 2 \(record 1\) at byte offset 26: invalid JSON/);
  });
  it('a type mismatch between data and scenario is explained feature by feature', () => {
    const raw = importData(elwcFile).requests[0]!;
    const wrong = {
      ...scenario,
      features: scenario.features.map((f) => (f.name === 'item_f32' ? { ...f, dtype: 'int64' as const } : f)),
    };
    assert.throws(
      () => toRankingRequest(raw, wrong, 0),
      /request 0: feature "item_f32" is float, the scenario says int64/,
    );
  });
});

describe('privacy: an inferred scenario holds aggregate statistics and feature names only', () => {
  it('no value from the data appears in the scenario file', () => {
    const s = loadScenario('tiny');
    const req = generate(s);
    const secret = ascii('SECRET-customer-4242 zz');
    (req.columns.get('item_bytes')!.values as Uint8Array[])[1] = secret;
    (req.columns.get('ctx_bytes')!.values as Uint8Array[])[0] = ascii('SECRET-query');
    (req.columns.get('item_i64')!.values as BigInt64Array)[2] = 987654321987n;
    const file = join(dir, 'secret.tfrecord');
    writeFileSync(file, writeTfRecords([elwcRecord(req)]));
    const text = JSON.stringify(inferScenario(importData(file).requests, { name: 'x' }));
    assert.ok(!text.includes('SECRET'), text);
    assert.ok(!text.includes('customer'));
    assert.ok(!text.includes('987654321987'));
  });
});

describe('infer CLI', () => {
  it('bad data file: clear error, exit 2', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/commands/scenario.ts',
        'infer',
        '--data',
        join(dir, 'missing'),
        '--out',
        join(dir, 'o.json'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot read data file .*missing/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
  });
  it('writes a scenario that loads back and prints the size comparison', async () => {
    const { spawnSync } = await import('node:child_process');
    const out = join(dir, 'inferred.json');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/commands/scenario.ts',
        'infer',
        '--data',
        join(dir, 'tiny-elwc.tfrecord'),
        '--out',
        out,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /tensor-content\s+\d+\s+\d+\s+[+-]\d+\.\d%/);
    assert.equal(loadScenario(out).features.length, 18);
    assert.ok(readFileSync(out, 'utf8').length > 100);
  });
});
