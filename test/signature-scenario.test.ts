// --target against a real server, driven by its metadata: GetModelMetadata's SignatureDefMap
// read from the stub (port 0) builds a scenario whose requests the server accepts end to end
// (tensor-content and tensor-typed), without any --scenario; a scenario or data that does not
// match the signature is explained feature by feature before any load; signatures that cannot
// describe requests are refused with every reason.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { elwcRecord, writeTfRecords } from '../src/data/index.js';
import {
  compareWithSignature,
  fetchSignatures,
  resolveE2eInput,
  runE2e,
  scenarioFromSignature,
  SignatureError,
  type E2eConfig,
  type ModelSignature,
} from '../src/load/index.js';
import { parseE2eArgs } from '../src/args/e2e-args.js';
import { generate, loadScenario, parseScenario } from '../src/scenario/index.js';
import { startServer, type RunningServer } from '../src/server/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'pb-signature-'));

function config(argv: string[]): E2eConfig {
  const p = parseE2eArgs(argv);
  if (p.kind !== 'run') throw new Error(`bad test arguments: ${p.kind === 'error' ? p.message : p.kind}`);
  return p.config;
}

const OPTS = { name: 'm.sig', description: 'test', candidates: 6, seed: 1 };
/** tensorflow.DataType DT_DOUBLE: a dtype payload-bench does not send. */
const DT_DOUBLE = 2;

describe('--target: the schema from GetModelMetadata', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ port: 0, restPort: 0, scenario: 'tiny' });
  });
  after(async () => {
    await server.close();
  });

  it('reads the signatures and builds a scenario matching serving_default input for input', async () => {
    const meta = await fetchSignatures(server.grpcAddress, 'ranker');
    assert.equal(meta.kind, 'ok');
    if (meta.kind !== 'ok') return;
    assert.deepEqual(
      [...meta.signatures.keys()],
      ['classification', 'examples', 'packed', 'regression', 'serving_default'],
    );
    const built = scenarioFromSignature(meta.signatures.get('serving_default')!, OPTS);
    const tiny = loadScenario('tiny');
    const strip = (fs: typeof tiny.features) =>
      fs
        .map((f) => ({
          name: f.name,
          dtype: f.dtype,
          shape: f.shape.kind === 'list' ? 'list' : JSON.stringify(f.shape),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(strip(built.features), strip(tiny.features));
    assert.ok(
      built.features.every((f) => f.scope === 'item'),
      'a signature cannot tell context: every feature is an item',
    );
    assert.deepEqual(compareWithSignature(tiny, meta.signatures.get('serving_default')!, 'scenario "tiny"'), []);
  });

  it('an unknown model is NOT_FOUND; a missing signature names the ones there are', async () => {
    const meta = await fetchSignatures(server.grpcAddress, 'no-such-model');
    assert.equal(meta.kind, 'rejected');
    if (meta.kind === 'rejected') assert.equal(meta.code, 'NOT_FOUND');
    await assert.rejects(
      resolveE2eInput(
        config(['--target', server.grpcAddress, '--formats', 'tensor-content', '--model-name', 'no-such-model']),
      ),
      SignatureError,
    );
    await assert.rejects(
      resolveE2eInput(config(['--target', server.grpcAddress, '--formats', 'tensor-content', '--signature', 'nope'])),
      /no signature "nope" \(it has: classification, examples, packed, regression, serving_default\)/,
    );
    await assert.rejects(
      resolveE2eInput(config(['--target', server.grpcAddress, '--formats', 'tf-example', '--signature', 'examples'])),
      /takes serialized tf\.Example strings/,
    );
  });

  it('with only --target, tensor-content and tensor-typed requests built from metadata succeed end to end', async () => {
    const c = config([
      '--target',
      server.grpcAddress,
      '--formats',
      'tensor-content,tensor-typed',
      '--candidates',
      '6',
      '--batch-size',
      '3',
      '--compression',
      'identity',
      '--concurrency',
      '1',
      '--requests',
      '4',
      '--warmup',
      '0',
    ]);
    assert.equal(c.scenario, null);
    const input = await resolveE2eInput(c);
    assert.equal(input.source, 'signature');
    assert.deepEqual(input.signature, { key: 'serving_default', use: 'built' });
    const { runs } = await runE2e(c, { input });
    assert.deepEqual(
      runs.map((r) => r.format),
      ['tensor-content', 'tensor-typed'],
    );
    for (const r of runs) {
      assert.equal(r.endReason, 'requests', r.warnings.join('; '));
      assert.equal(r.searches.completed, 4, JSON.stringify(r.requests));
      assert.equal(r.requests.ok, 8);
      assert.ok(!r.warnings.some((w) => /not measured/.test(w)), r.warnings.join('; '));
    }
  });

  it('a scenario that does not match is explained feature by feature before any load', async () => {
    const tiny = JSON.parse(readFileSync(join(ROOT, 'bench/scenarios/tiny.json'), 'utf8')) as {
      name: string;
      features: Record<string, unknown>[];
    };
    tiny.name = 'tiny-drifted';
    tiny.features = tiny.features
      .filter((f) => f.name !== 'item_bytes')
      .map((f) => {
        if (f.name === 'item_f32') return { ...f, dtype: 'int64', dist: undefined };
        if (f.name === 'item_f32_vec') return { ...f, shape: { kind: 'vector', length: 5 } };
        if (f.name === 'ctx_i64_list') return { ...f, shape: 'scalar' };
        return f;
      });
    tiny.features.push({ name: 'brand_new', dtype: 'float32' });
    const file = join(dir, 'drifted.json');
    writeFileSync(file, JSON.stringify(tiny));
    const c = config(['--target', server.grpcAddress, '--scenario', file, '--formats', 'tensor-content']);
    await assert.rejects(resolveE2eInput(c), (err: Error) => {
      assert.ok(err instanceof SignatureError);
      const lines = err.message.split('\n');
      assert.match(
        lines[0]!,
        /scenario "tiny-drifted" does not match signature "serving_default" of model "ranker" at .* \(nothing was sent\)/,
      );
      const has = (re: RegExp) =>
        assert.ok(
          lines.some((l) => re.test(l)),
          `${re} in\n${err.message}`,
        );
      has(
        /feature "item_f32": dtype: scenario "tiny-drifted" has int64 \(DT_INT64\), the signature's input takes DT_FLOAT/,
      );
      has(
        /feature "item_f32_vec": shape: .* a vector of 5 per candidate, sent as \[N,5\], the signature's input takes \[-1,4\]/,
      );
      has(/feature "ctx_i64_list": shape: .* a scalar per candidate, .* the signature takes a variable-length list/);
      has(/feature "brand_new": extra: .* signature "serving_default" has no input "brand_new"/);
      has(/input "item_bytes": missing: signature "serving_default" takes it \(DT_STRING \[-1\]\)/);
      assert.equal(lines.length, 6, err.message);
      return true;
    });
  });
});

describe('--target with --data', () => {
  // A list feature that happens to hold 2 values in every recorded example: inference calls it
  // a vector; the signature says list, and the data is sent as a list.
  const schema = parseScenario({
    name: 'lists',
    candidates: 4,
    features: [
      { name: 'price', dtype: 'float32' },
      { name: 'tokens', dtype: 'int64', shape: { kind: 'list', min: 2, max: 2 } },
    ],
  });
  const file = join(dir, 'lists.tfrecord');
  writeFileSync(file, writeTfRecords([1, 2].map((seed) => elwcRecord(generate({ ...schema, seed })))));
  let server: RunningServer;
  before(async () => {
    server = await startServer({ port: 0, restPort: 0, scenario: schema });
  });
  after(async () => {
    await server.close();
  });

  it('data matching the signature is sent in its shapes (a constant-length list stays a list)', async () => {
    const c = config([
      '--target',
      server.grpcAddress,
      '--data',
      file,
      '--formats',
      'tensor-content',
      '--batch-size',
      '4',
      '--compression',
      'identity',
      '--concurrency',
      '1',
      '--requests',
      '3',
      '--warmup',
      '0',
    ]);
    const input = await resolveE2eInput(c);
    assert.equal(input.source, 'data');
    assert.deepEqual(input.signature, { key: 'serving_default', use: 'checked' });
    assert.equal(input.scenario.features.find((f) => f.name === 'tokens')!.shape.kind, 'list');
    assert.ok(
      input.warnings.some((w) => /sent as lists: tokens/.test(w)),
      input.warnings.join('; '),
    );
    const [run] = (await runE2e(c, { input })).runs;
    assert.equal(run!.requests.ok, 3, run!.warnings.join('; '));
  });

  it('data that does not match the signature is refused feature by feature', async () => {
    const tinyServer = await startServer({ port: 0, restPort: 0, scenario: 'tiny' });
    try {
      const c = config(['--target', tinyServer.grpcAddress, '--data', file, '--formats', 'tensor-content']);
      await assert.rejects(resolveE2eInput(c), (err: Error) => {
        assert.ok(err instanceof SignatureError);
        assert.match(err.message, /the data does not match signature "serving_default"/);
        assert.match(err.message, /feature "price": extra: the data has it/);
        assert.match(err.message, /input "item_f32": missing/);
        return true;
      });
    } finally {
      await tinyServer.close();
    }
  });
});

describe('signatures that cannot describe requests', () => {
  const sig = (inputs: ModelSignature['inputs'], methodName = 'tensorflow/serving/predict'): ModelSignature => ({
    key: 's',
    methodName,
    inputs,
  });
  it('every unusable input is named with the reason', () => {
    assert.throws(
      () =>
        scenarioFromSignature(
          sig([
            { name: 'a_double', dtype: DT_DOUBLE, shape: [-1] },
            { name: 'b_unknown', dtype: 1, shape: null },
            { name: 'c_ragged', dtype: 1, shape: [-1, -1] },
            { name: 'd_rank3', dtype: 1, shape: [-1, 2, 2] },
            { name: 'e_ok', dtype: 9, shape: [-1, 3] },
          ]),
          OPTS,
        ),
      (err: Error) => {
        assert.ok(err instanceof SignatureError);
        assert.match(
          err.message,
          /input "a_double" \(DT_DOUBLE \[-1\]\): dtype DT_DOUBLE; payload-bench sends DT_FLOAT, DT_INT64 and DT_STRING/,
        );
        assert.match(err.message, /input "b_unknown" .*unknown rank/);
        assert.match(err.message, /input "c_ragged" .*variable inner dimension and no "c_ragged_row_splits" input/);
        assert.match(err.message, /input "d_rank3" .*rank 3/);
        assert.doesNotMatch(err.message, /e_ok/);
        return true;
      },
    );
    assert.throws(
      () => scenarioFromSignature(sig([{ name: 'inputs', dtype: 7, shape: [-1] }], 'tensorflow/serving/regress'), OPTS),
      /serialized tf\.Example/,
    );
  });
});
