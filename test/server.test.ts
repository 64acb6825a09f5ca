// The stub TF Serving server end to end, on real sockets (127.0.0.1, port 0): every
// format through its RPC / REST route gets bit-identical scores (to each other and to
// the model run locally on the canonical tensors), GetModelMetadata round-trips, each
// error case answers TF Serving's status and message, compressed requests work and
// broken ones fail cleanly, and SIGTERM drains in-flight calls.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http2 from 'node:http2';
import { dirname, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deflateSync, gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { Unpackr } from 'msgpackr';
import { expectedInputs, FORMATS, getFormat, toNamedTensors, type Format } from '../src/formats/index.js';
import { valuesText } from '../src/formats/json-values.js';
import { generate, loadScenario, type Scenario } from '../src/scenario/index.js';
import { RankingModel, startServer, STATS_PATH, TIMING_HEADERS, type RunningServer } from '../src/server/index.js';
import { sniffJson } from '../src/server/json-sniff.js';
import { createRawClient, type RawCallResult, type RawClient } from '../src/common/raw-client.js';
import { fixedWidth, toFeatureBatch, type RankingRequest } from '../src/tensors/index.js';
import { DT_FLOAT, DT_INT64, DT_STRING } from '../src/wire/dtypes.js';
import { encodeMultiInferenceRequest } from '../src/wire/input.js';
import { encodePredictRequest } from '../src/wire/predict-request.js';
import { protoType } from '../src/wire/protos.js';
import { poll } from './helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const S = grpc.status;
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

type Obj = Record<string, any>; // protobufjs toObject output

function decodeProto(type: string, bytes: Uint8Array): Obj {
  const T = protoType(`tensorflow.serving.${type}`);
  return T.toObject(T.decode(bytes), { longs: Number, bytes: Buffer, defaults: true }) as Obj;
}

function encodeProto(type: string, obj: Obj): Uint8Array {
  const T = protoType(type);
  return T.encode(T.fromObject(obj)).finish();
}

/** Scores out of any of the four scoring responses. */
function scoresOf(method: 'Predict' | 'Classify' | 'Regress', response: Uint8Array): Float32Array {
  if (method === 'Predict') {
    const t = decodeProto('PredictResponse', response).outputs.scores;
    assert.equal(t.dtype, DT_FLOAT);
    assert.deepEqual(
      t.tensor_shape.dim.map((d: Obj) => d.size),
      [t.float_val.length],
    );
    return Float32Array.from(t.float_val as number[]);
  }
  if (method === 'Regress')
    return Float32Array.from(decodeProto('RegressionResponse', response).result.regressions, (r: Obj) => r.value);
  return Float32Array.from(decodeProto('ClassificationResponse', response).result.classifications, (c: Obj) => {
    assert.equal(c.classes.length, 1);
    return c.classes[0].score;
  });
}

function bits(v: Float32Array): number[] {
  return Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));
}

function assertSameScores(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: score count`);
  assert.deepEqual(bits(got), bits(want), `${what}: scores differ bitwise`);
}

function assertOk(r: RawCallResult, what: string): Buffer {
  assert.equal(r.code, S.OK, `${what}: ${r.code} ${r.details}`);
  assert.ok(r.response, `${what}: no response`);
  return r.response;
}

function assertStatus(r: RawCallResult, code: number, message: RegExp | string, what = ''): void {
  assert.equal(r.code, code, `${what} expected status ${code}, got ${r.code}: ${r.details}`);
  if (typeof message === 'string') assert.equal(r.details, message, what);
  else assert.match(r.details, message, what);
}

/** TF Serving's REST classify / regress body for a request: context once, items per example. */
function examplesJson(req: RankingRequest, signatureName: string): string {
  const text = (name: string, row: number): string => {
    const spec = req.schema.features.find((f) => f.name === name)!;
    const col = req.columns.get(name)!;
    const w = fixedWidth(spec);
    if (w === undefined) return `[${valuesText(col.values, col.rowSplits![row]!, col.rowSplits![row + 1]!)}]`;
    if (spec.shape.kind === 'scalar') return valuesText(col.values, row, row + 1);
    return `[${valuesText(col.values, row * w, row * w + w)}]`;
  };
  const obj = (scope: 'item' | 'context', row: number): string =>
    `{${req.schema.features
      .filter((f) => f.scope === scope)
      .map((f) => `${JSON.stringify(f.name)}:${text(f.name, row)}`)
      .join(',')}}`;
  const examples = Array.from({ length: req.candidates }, (_, i) => obj('item', i));
  return `{"signature_name":${JSON.stringify(signatureName)},"context":${obj('context', 0)},"examples":[${examples.join(',')}]}`;
}

interface RestResult {
  status: number;
  headers: Headers;
  body: Buffer;
  json?: Obj;
}

async function rest(server: RunningServer, path: string, init: RequestInit = {}): Promise<RestResult> {
  const res = await fetch(`http://${server.restAddress}${path}`, init);
  const body = Buffer.from(await res.arrayBuffer());
  const json = (res.headers.get('content-type') ?? '').includes('json')
    ? (JSON.parse(body.toString('utf8')) as Obj)
    : undefined;
  return { status: res.status, headers: res.headers, body, ...(json ? { json } : {}) };
}

function assertRestError(r: RestResult, status: number, message: RegExp | string): void {
  assert.equal(r.status, status, `HTTP ${r.status}: ${r.body.toString().slice(0, 200)}`);
  assert.match(r.headers.get('content-type') ?? '', /application\/json/);
  assert.ok(
    r.json && typeof r.json.error === 'string' && Object.keys(r.json).length === 1,
    `body ${r.body.toString().slice(0, 200)}`,
  );
  if (typeof message === 'string') assert.equal(r.json.error, message);
  else assert.match(r.json.error, message);
}

/** One gRPC message frame: compressed flag, big-endian length, payload. */
function grpcFrame(payload: Uint8Array, compressed = false): Buffer {
  const f = Buffer.alloc(5 + payload.length);
  f[0] = compressed ? 1 : 0;
  f.writeUInt32BE(payload.length, 1);
  f.set(payload, 5);
  return f;
}

interface RawHttp2Result {
  grpcStatus: number;
  message: string;
  body: Buffer;
}

/** A gRPC call over bare http2, for what grpc-js clients cannot send (corrupt compression, odd frames). */
function rawGrpc(
  address: string,
  method: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<RawHttp2Result> {
  return new Promise((resolvePromise, reject) => {
    const session = http2.connect(`http://${address}`);
    session.on('error', reject);
    const req = session.request({
      ':method': 'POST',
      ':path': `/tensorflow.serving.PredictionService/${method}`,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    const chunks: Buffer[] = [];
    let status: string | undefined;
    let message = '';
    const take = (h: http2.IncomingHttpHeaders): void => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) message = decodeURIComponent(String(h['grpc-message']));
    };
    req.on('response', take);
    req.on('trailers', take);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('close', () => {
      session.close();
      if (status === undefined) reject(new Error(`no grpc-status (rst ${req.rstCode})`));
      else resolvePromise({ grpcStatus: Number(status), message, body: Buffer.concat(chunks) });
    });
    req.end(body);
  });
}

interface Fixture {
  scenario: Scenario;
  req: RankingRequest;
  server: RunningServer;
  client: RawClient;
  want: Float32Array;
}

async function fixture(
  preset: string,
  candidates: number | undefined,
  extra: Parameters<typeof startServer>[0] = {},
): Promise<Fixture> {
  const scenario = loadScenario(preset, candidates ? { candidates } : {});
  const req = generate(scenario);
  const server = await startServer({ port: 0, restPort: 0, scenario, ...extra });
  const client = createRawClient(server.grpcAddress);
  const want = new RankingModel(req.schema).score(toFeatureBatch(req));
  return { scenario, req, server, client, want };
}

async function stop(f: Fixture | undefined): Promise<void> {
  if (!f) return;
  f.client.close();
  await f.server.close();
}

/** Sends `format`'s request through its route and returns the scores it got back. */
async function scoresVia(fx: Fixture, f: Format): Promise<Float32Array> {
  const bytes = f.encode(fx.req);
  if (f.transport === 'grpc')
    return scoresOf(
      f.rpc as 'Predict' | 'Regress',
      assertOk(await fx.client.call(f.rpc as 'Predict' | 'Regress', bytes), f.id),
    );
  const r = await rest(fx.server, '/v1/models/ranker:predict', {
    method: 'POST',
    body: bytes,
    headers: { 'content-type': f.contentType! },
  });
  assert.equal(r.status, 200, `${f.id}: ${r.body.toString().slice(0, 300)}`);
  if (f.contentType === 'application/msgpack') {
    const out = (unpackr.unpack(r.body) as Obj).outputs.scores;
    assert.equal(out.dtype, 'float32');
    const data = out.data as Uint8Array;
    return new Float32Array(new Uint8Array(data).buffer);
  }
  const key = f.id === 'json-rows' ? 'predictions' : 'outputs';
  assert.deepEqual(Object.keys(r.json!), [key]);
  return Float32Array.from(r.json![key] as number[]);
}

for (const [preset, candidates] of [
  ['tiny', undefined],
  ['etsy-search', 50],
] as const) {
  describe(`every format gets the same scores: ${preset}`, () => {
    let fx: Fixture | undefined;
    before(async () => {
      fx = await fixture(preset, candidates);
    });
    after(() => stop(fx));

    // The Open Inference Protocol formats have their own routes: test/oip.test.ts.
    for (const f of FORMATS.filter((x) => x.protocol !== 'oip')) {
      it(`${f.id} via ${f.transport === 'grpc' ? `gRPC ${f.rpc}` : 'REST :predict'}`, async () => {
        assertSameScores(await scoresVia(fx!, f), fx!.want, f.id);
      });
    }

    it('example-list and elwc on Classify, MultiInference (both tasks) and REST :classify / :regress', async () => {
      const { req, client, server, want } = fx!;
      for (const id of ['example-list', 'elwc'] as const) {
        const f = getFormat(id);
        const c = assertOk(
          await client.call('Classify', f.encode(req, { signatureName: 'classification' })),
          `${id} Classify`,
        );
        assertSameScores(scoresOf('Classify', c), want, `${id} Classify`);
        const cls = decodeProto('ClassificationResponse', c);
        assert.equal(cls.result.classifications[0].classes[0].label, '');
        assert.deepEqual(cls.model_spec, { name: 'ranker', version: { value: 1 }, signature_name: 'classification' });
        const tasks = [
          { modelSpec: { name: 'ranker', signatureName: 'regression' }, methodName: 'tensorflow/serving/regress' },
          { modelSpec: { name: 'ranker', signatureName: 'classification' }, methodName: 'tensorflow/serving/classify' },
        ];
        const kind = id === 'elwc' ? 'example_list_with_context' : 'example_list';
        const m = decodeProto(
          'MultiInferenceResponse',
          assertOk(
            await client.call('MultiInference', encodeMultiInferenceRequest(tasks, req, kind, 1 << 16)),
            `${id} MultiInference`,
          ),
        );
        assert.equal(m.results.length, 2);
        assert.equal(m.results[0].model_spec.signature_name, 'regression');
        assertSameScores(
          Float32Array.from(m.results[0].regression_result.regressions, (r: Obj) => r.value),
          want,
          `${id} MultiInference regress`,
        );
        assertSameScores(
          Float32Array.from(m.results[1].classification_result.classifications, (c: Obj) => c.classes[0].score),
          want,
          `${id} MultiInference classify`,
        );
      }
      const reg = await rest(server, '/v1/models/ranker:regress', {
        method: 'POST',
        body: examplesJson(req, 'regression'),
      });
      assert.equal(reg.status, 200, reg.body.toString().slice(0, 300));
      assertSameScores(Float32Array.from(reg.json!.results as number[]), want, 'REST :regress');
      const cls = await rest(server, '/v1/models/ranker/versions/1:classify', {
        method: 'POST',
        body: examplesJson(req, 'classification'),
      });
      assert.equal(cls.status, 200, cls.body.toString().slice(0, 300));
      assertSameScores(
        Float32Array.from(cls.json!.results as [[string, number]][], (r) => r[0]![1]),
        want,
        'REST :classify',
      );
    });

    it('responses echo the model spec; timing comes back in trailers and headers', async () => {
      const { req, client, server } = fx!;
      const r = await client.call('Predict', getFormat('tensor-packed').encode(req));
      assert.deepEqual(decodeProto('PredictResponse', assertOk(r, 'Predict')).model_spec, {
        name: 'ranker',
        version: { value: 1 },
        signature_name: 'packed',
      });
      for (const phase of ['receive', 'queue', 'decode', 'compute', 'total'] as const) {
        assert.ok(Number.isFinite(Number(r.trailers[TIMING_HEADERS[phase]])), `trailer ${TIMING_HEADERS[phase]}`);
        assert.ok(r.timing[phase]! >= 0);
      }
      const f = getFormat('json-columnar');
      const h = await rest(server, '/v1/models/ranker:predict', {
        method: 'POST',
        body: gzipSync(f.encode(req)),
        headers: { 'content-encoding': 'gzip' },
      });
      assert.equal(h.status, 200);
      for (const phase of ['receive', 'queue', 'decompress', 'decode', 'compute', 'total'] as const) {
        assert.ok(Number(h.headers.get(TIMING_HEADERS[phase])) >= 0, `header ${TIMING_HEADERS[phase]}`);
      }
    });
  });
}

describe('REST JSON sniffing (which predict format, which signature)', () => {
  it('finds the data key and signature_name before or after it, skipping strings and nesting', () => {
    assert.deepEqual(sniffJson(Buffer.from('{"signature_name":"a","instances":[1]}')), {
      dataKeys: ['instances'],
      wellFormed: true,
      signatureName: 'a',
    });
    assert.deepEqual(
      sniffJson(Buffer.from(' { "inputs" : {"x": ["]}\\"", {"y": "[{"}]} , "signature_name" : "b" } ')),
      { dataKeys: ['inputs'], wellFormed: true, signatureName: 'b' },
    );
    assert.deepEqual(sniffJson(Buffer.from('{"sig\\u006eature_name":"c","inputs":{}}')).signatureName, 'c');
    assert.deepEqual(sniffJson(Buffer.from('{"instances":[],"inputs":{}}')).dataKeys, ['instances', 'inputs']);
    assert.deepEqual(sniffJson(Buffer.from('{"instances":["signature_name"]}')), {
      dataKeys: ['instances'],
      wellFormed: true,
    });
    assert.equal(sniffJson(Buffer.from('[1]')).wellFormed, false);
    assert.equal(sniffJson(Buffer.from('{"a": [1, 2')).wellFormed, false);
    assert.deepEqual(sniffJson(Buffer.from('{"a": 1}')), { dataKeys: [], wellFormed: true });
  });
});

describe('GetModelMetadata and REST model status', () => {
  let fx: Fixture | undefined;
  before(async () => {
    fx = await fixture('tiny', undefined);
  });
  after(() => stop(fx));

  it('returns a SignatureDefMap in Any with every signature, input, dtype and shape', async () => {
    const { client, req } = fx!;
    const bytes = encodeProto('tensorflow.serving.GetModelMetadataRequest', {
      model_spec: { name: 'ranker' },
      metadata_field: ['signature_def'],
    });
    const res = decodeProto(
      'GetModelMetadataResponse',
      assertOk(await client.call('GetModelMetadata', bytes), 'GetModelMetadata'),
    );
    assert.deepEqual(res.model_spec, { name: 'ranker', version: { value: 1 }, signature_name: '' });
    const any = res.metadata.signature_def;
    assert.equal(any.type_url, 'type.googleapis.com/tensorflow.serving.SignatureDefMap');
    const defs = decodeProto('SignatureDefMap', any.value).signature_def as Record<string, Obj>;
    assert.deepEqual(Object.keys(defs).sort(), [
      'classification',
      'examples',
      'packed',
      'regression',
      'serving_default',
    ]);
    const methods = Object.fromEntries(Object.entries(defs).map(([k, d]) => [k, d.method_name]));
    assert.deepEqual(methods, {
      serving_default: 'tensorflow/serving/predict',
      packed: 'tensorflow/serving/predict',
      examples: 'tensorflow/serving/predict',
      regression: 'tensorflow/serving/regress',
      classification: 'tensorflow/serving/classify',
    });
    for (const [key, pack] of [
      ['serving_default', false],
      ['packed', true],
    ] as const) {
      assert.deepEqual(Object.keys(defs[key]!.inputs).sort(), expectedInputs(req.schema, pack).sort(), key);
      assert.deepEqual(Object.keys(defs[key]!.outputs), ['scores']);
    }
    const inputs = defs.serving_default!.inputs as Record<string, Obj>;
    const shape = (t: Obj): number[] => t.tensor_shape.dim.map((d: Obj) => d.size);
    assert.equal(inputs.item_f32!.dtype, DT_FLOAT);
    assert.deepEqual(shape(inputs.item_f32!), [-1]);
    assert.equal(inputs.item_i64_vec!.dtype, DT_INT64);
    assert.deepEqual(shape(inputs.item_i64_vec!), [-1, 3]);
    assert.equal(inputs.ctx_bytes!.dtype, DT_STRING);
    assert.equal(inputs.item_f32_list_row_splits!.dtype, DT_INT64);
    assert.deepEqual(shape(inputs.item_f32_list_row_splits!), [-1]);
    assert.deepEqual(shape((defs.packed!.inputs as Record<string, Obj>).packed_item_dense!), [-1, 1 + 4]);
    assert.equal((defs.examples!.inputs as Record<string, Obj>).examples!.dtype, DT_STRING);
    assert.match(inputs.item_f32!.name, /:0$/);
  });

  it('REST: GET status and metadata; unknown model and version are 404', async () => {
    const { server } = fx!;
    const st = await rest(server, '/v1/models/ranker');
    assert.equal(st.status, 200);
    assert.deepEqual(st.json, {
      model_version_status: [{ version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }],
    });
    const md = await rest(server, '/v1/models/ranker/versions/1/metadata');
    assert.equal(md.status, 200);
    assert.deepEqual(md.json!.model_spec, { name: 'ranker', signature_name: '', version: '1' });
    const sd = md.json!.metadata.signature_def.signature_def;
    assert.equal(sd.serving_default.inputs.item_f32.dtype, 'DT_FLOAT');
    assert.deepEqual(sd.serving_default.inputs.item_f32.tensor_shape.dim, [{ size: '-1', name: '' }]);
    assertRestError(await rest(server, '/v1/models/nope'), 404, 'Servable not found for request: Latest(nope)');
    assertRestError(
      await rest(server, '/v1/models/ranker/versions/2/metadata'),
      404,
      'Servable not found for request: Specific(ranker, 2)',
    );
  });
});

describe('errors are answered the way TF Serving answers them', () => {
  let fx: Fixture | undefined;
  before(async () => {
    fx = await fixture('tiny', undefined, { maxMessageBytes: 1 << 20 });
  });
  after(() => stop(fx));

  /** The tensor-content request of the tiny scenario as a protobufjs object, to break. */
  const predictObject = (): Obj => {
    const T = protoType('tensorflow.serving.PredictRequest');
    return T.toObject(T.decode(getFormat('tensor-content').encode(fx!.req)), { defaults: false }) as Obj;
  };
  const encodePredict = (o: Obj): Uint8Array => encodeProto('tensorflow.serving.PredictRequest', o);
  const predict = (bytes: Uint8Array): Promise<RawCallResult> => fx!.client.call('Predict', bytes);

  it('missing and extra inputs: INVALID_ARGUMENT naming them', async () => {
    const tensors = toNamedTensors(fx!.req, { contextOnce: false, pack: false });
    const spec = { name: 'ranker', signatureName: 'serving_default' };
    const missing = encodePredictRequest(
      spec,
      tensors.filter((t) => t.name !== 'item_i64'),
      'content',
    );
    assertStatus(await predict(missing), S.INVALID_ARGUMENT, /Missing: \{item_i64\}/);
    const extra = encodePredictRequest(spec, [...tensors, { ...tensors[0]!, name: 'bogus_input' }], 'content');
    assertStatus(await predict(extra), S.INVALID_ARGUMENT, /input tensor alias not found in signature: bogus_input/);
  });

  it('tensor_content of the wrong length, a bad dtype, negative dims: tensor parsing error', async () => {
    const short = predictObject();
    const c = short.inputs.item_f32.tensor_content as Uint8Array;
    short.inputs.item_f32.tensor_content = c.subarray(0, c.length - 4);
    assertStatus(await predict(encodePredict(short)), S.INVALID_ARGUMENT, /^tensor parsing error: item_f32\b/);
    const dtype = predictObject();
    dtype.inputs.item_f32.dtype = 2; // DT_DOUBLE
    assertStatus(await predict(encodePredict(dtype)), S.INVALID_ARGUMENT, /^tensor parsing error: item_f32\b/);
    const neg = predictObject();
    neg.inputs.item_i64.tensor_shape = { dim: [{ size: -4 }] };
    assertStatus(await predict(encodePredict(neg)), S.INVALID_ARGUMENT, /^tensor parsing error: item_i64\b/);
  });

  it('unknown model, version or signature; empty model name; version labels', async () => {
    const f = getFormat('tensor-content');
    const req = fx!.req;
    assertStatus(
      await predict(f.encode(req, { modelName: 'nope' })),
      S.NOT_FOUND,
      'Servable not found for request: Latest(nope)',
    );
    assertStatus(
      await predict(f.encode(req, { modelName: '' })),
      S.INVALID_ARGUMENT,
      'ModelSpec has no name specified.',
    );
    assertStatus(
      await predict(f.encode(req, { signatureName: 'nope' })),
      S.FAILED_PRECONDITION,
      'Serving signature key "nope" not found.',
    );
    const v2 = predictObject();
    v2.model_spec.version = { value: 2 };
    assertStatus(await predict(encodePredict(v2)), S.NOT_FOUND, 'Servable not found for request: Specific(ranker, 2)');
    const v1 = predictObject();
    v1.model_spec.version = { value: 1 };
    assertOk(await predict(encodePredict(v1)), 'version 1');
    const label = predictObject();
    label.model_spec.version_label = 'stable';
    assertStatus(await predict(encodePredict(label)), S.INVALID_ARGUMENT, /version_label/);
    const noSpec = predictObject();
    delete noSpec.model_spec;
    assertStatus(await predict(encodePredict(noSpec)), S.INVALID_ARGUMENT, 'Missing ModelSpec');
    // The default signature is a Predict signature; Regress / Classify need theirs.
    const el = getFormat('example-list');
    assertStatus(
      await fx!.client.call('Regress', el.encode(req, { signatureName: '' })),
      S.INVALID_ARGUMENT,
      'Expected regression signature method_name to be tensorflow/serving/regress. Was: tensorflow/serving/predict',
    );
    assertStatus(
      await fx!.client.call('Classify', el.encode(req)),
      S.INVALID_ARGUMENT,
      /^Expected classification signature method_name/,
    );
    assertStatus(
      await fx!.client.call('Regress', el.encode(req, { signatureName: 'nope' })),
      S.INVALID_ARGUMENT,
      'No signature was found with the name: nope',
    );
    assertStatus(
      await fx!.client.call('Regress', el.encode(req, { modelName: 'nope' })),
      S.NOT_FOUND,
      'Servable not found for request: Latest(nope)',
    );
    assertStatus(await predict(f.encode(req, { signatureName: 'regression' })), S.INVALID_ARGUMENT, /not on Predict/);
  });

  it('empty Input, bad MultiInference tasks', async () => {
    const client = fx!.client;
    const spec = { name: 'ranker', signature_name: 'regression' };
    const none = encodeProto('tensorflow.serving.RegressionRequest', { model_spec: spec });
    assertStatus(await client.call('Regress', none), S.INVALID_ARGUMENT, 'Input is empty.');
    const emptyList = encodeProto('tensorflow.serving.RegressionRequest', {
      model_spec: spec,
      input: { example_list: { examples: [] } },
    });
    assertStatus(await client.call('Regress', emptyList), S.INVALID_ARGUMENT, 'Input is empty.');
    const task = (sig: string, method: string, name = 'ranker'): Obj => ({
      model_spec: { name, signature_name: sig },
      method_name: method,
    });
    const multi = (tasks: Obj[]): Uint8Array =>
      encodeProto('tensorflow.serving.MultiInferenceRequest', { tasks, input: { example_list: { examples: [{}] } } });
    const R = 'tensorflow/serving/regress';
    assertStatus(
      await client.call('MultiInference', multi([task('regression', R), task('regression', R)])),
      S.INVALID_ARGUMENT,
      'Duplicate evaluation of signature: regression',
    );
    assertStatus(
      await client.call(
        'MultiInference',
        multi([task('regression', R), task('classification', 'tensorflow/serving/classify', 'other')]),
      ),
      S.INVALID_ARGUMENT,
      /must access the same model name/,
    );
    assertStatus(
      await client.call('MultiInference', multi([task('regression', 'tensorflow/serving/predict')])),
      S.UNIMPLEMENTED,
      'Unsupported signature method_name: tensorflow/serving/predict',
    );
    assertStatus(
      await client.call('MultiInference', multi([task('nope', R)])),
      S.INVALID_ARGUMENT,
      'Requested signature not found in model graph: nope',
    );
    const noInput = encodeProto('tensorflow.serving.MultiInferenceRequest', { tasks: [task('regression', R)] });
    assertStatus(await client.call('MultiInference', noInput), S.INVALID_ARGUMENT, 'Input is empty.');
  });

  it('GetModelMetadata without metadata_field or with an unknown one', async () => {
    const client = fx!.client;
    const req = (o: Obj): Uint8Array => encodeProto('tensorflow.serving.GetModelMetadataRequest', o);
    assertStatus(
      await client.call('GetModelMetadata', req({ model_spec: { name: 'ranker' } })),
      S.INVALID_ARGUMENT,
      'GetModelMetadataRequest must specify at least one metadata_field',
    );
    assertStatus(
      await client.call('GetModelMetadata', req({ model_spec: { name: 'ranker' }, metadata_field: ['foo'] })),
      S.INVALID_ARGUMENT,
      'Metadata field foo is not supported',
    );
    assertStatus(
      await client.call('GetModelMetadata', req({ metadata_field: ['signature_def'] })),
      S.INVALID_ARGUMENT,
      'Missing ModelSpec',
    );
    assertStatus(
      await client.call('GetModelMetadata', req({ model_spec: { name: 'nope' }, metadata_field: ['signature_def'] })),
      S.NOT_FOUND,
      'Servable not found for request: Latest(nope)',
    );
  });

  it('bytes that do not parse: a non-OK status on every method, then the server still serves', async () => {
    const junk = [
      Buffer.from([0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0x0a, 0x7f, 0x01]),
      Buffer.from([0x12, 0x05, 0x0a, 0x03, 0x61]),
    ];
    for (const m of ['Predict', 'Classify', 'Regress', 'MultiInference', 'GetModelMetadata'] as const) {
      for (const b of junk) {
        const r = await fx!.client.call(m, b);
        assert.ok(r.code === S.INVALID_ARGUMENT, `${m} ${b.toString('hex')}: ${r.code} ${r.details}`);
      }
    }
    assertOk(await predict(getFormat('tensor-typed').encode(fx!.req)), 'after junk');
  });

  it('REST errors: {"error": ...} JSON with TF Serving\'s 4xx', async () => {
    const { server, req } = fx!;
    const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<RestResult> =>
      rest(server, path, { method: 'POST', body, headers });
    const cols = getFormat('json-columnar').encode(req);
    assertRestError(await post('/v1/models/nope:predict', cols), 404, 'Servable not found for request: Latest(nope)');
    assertRestError(
      await post('/v1/models/ranker/versions/7:predict', cols),
      404,
      'Servable not found for request: Specific(ranker, 7)',
    );
    assertRestError(await post('/v1/models/ranker/labels/stable:predict', cols), 400, /version_label/);
    assertRestError(await post('/v1/models/ranker:predict', '{"instances": [1,'), 400, /^JSON Parse error/);
    assertRestError(await post('/v1/models/ranker:predict', '[1, 2]'), 400, /must be an object/);
    assertRestError(await post('/v1/models/ranker:predict', '{"foo": 1}'), 400, "Missing 'inputs' or 'instances' key");
    assertRestError(
      await post('/v1/models/ranker:predict', '{"inputs": {}, "instances": []}'),
      400,
      /only one of 'inputs' or 'instances'/,
    );
    const body = JSON.parse(Buffer.from(cols).toString()) as Obj;
    delete body.inputs.item_i64;
    assertRestError(await post('/v1/models/ranker:predict', JSON.stringify(body)), 400, /Missing: \{item_i64\}/);
    body.signature_name = 'nope';
    assertRestError(
      await post('/v1/models/ranker:predict', JSON.stringify(body)),
      400,
      'Serving signature name: "nope" not found in signature def',
    );
    const late = `{"instances": ${JSON.stringify(JSON.parse(Buffer.from(getFormat('json-rows').encode(req)).toString()).instances)}, "signature_name": "packed"}`;
    assertRestError(await post('/v1/models/ranker:predict', late), 400, /signature "packed" is not served over REST/);
    assertRestError(
      await post('/v1/models/ranker:regress', examplesJson(req, '')),
      400,
      /^Expected regression signature method_name/,
    );
    assertRestError(
      await post('/v1/models/ranker:regress', '{"signature_name": "regression", "examples": []}'),
      400,
      'Input is empty.',
    );
    assertRestError(
      await post('/v1/models/ranker:classify', '{"signature_name": "classification", "examples": [{}]}'),
      400,
      /is required but could not be found/,
    );
    assertRestError(
      await post('/v1/models/ranker:predict', cols, { 'content-encoding': 'br' }),
      415,
      /Unsupported Content-Encoding "br"/,
    );
    assertRestError(await post('/v1/models/ranker:predict', Buffer.alloc(2 << 20, 0x20)), 413, /larger than the limit/);
    assertRestError(await rest(server, '/v1/foo'), 400, 'Malformed request: GET /v1/foo');
    assertRestError(await rest(server, '/elsewhere'), 404, /Not found/);
    const msgpack = await post('/v1/models/ranker:predict', Buffer.from([0xc1]), {
      'content-type': 'application/msgpack',
    });
    assertRestError(msgpack, 400, /msgpack/);
  });

  it('fault injection answers UNAVAILABLE after decoding; stalls and delays are reported', async () => {
    const bytes = getFormat('tensor-content').encode(fx!.req);
    const failing = await startServer({
      port: 0,
      restPort: 0,
      scenario: fx!.scenario,
      faults: { delayMs: 0, stallEvery: 0, stallMs: 0, errorRate: 1, seed: 1 },
    });
    const slow = await startServer({
      port: 0,
      restPort: 0,
      scenario: fx!.scenario,
      faults: { delayMs: 5, stallEvery: 2, stallMs: 5, errorRate: 0, seed: 1 },
    });
    const c1 = createRawClient(failing.grpcAddress);
    const c2 = createRawClient(slow.grpcAddress);
    try {
      const r = await c1.call('Predict', bytes);
      assertStatus(r, S.UNAVAILABLE, /injected fault/);
      assert.ok(r.timing.decode !== undefined, 'decode ran before the fault');
      const bad = await c1.call('Predict', Buffer.from([0xff]));
      assert.equal(bad.code, S.INVALID_ARGUMENT, 'faults apply after decoding');
      const first = await c2.call('Predict', bytes);
      const second = await c2.call('Predict', bytes);
      assertOk(first, 'delayed');
      assertOk(second, 'stalled');
      assert.ok(first.timing.fault! > 0 && second.timing.fault! > 0);
    } finally {
      c1.close();
      c2.close();
      await Promise.all([failing.close(), slow.close()]);
    }
  });
});

describe('compression and large messages', () => {
  let fx: Fixture | undefined;
  before(async () => {
    fx = await fixture('tiny', undefined, { maxMessageBytes: 1 << 20 });
  });
  after(() => stop(fx));

  const payload = (): Uint8Array => getFormat('tensor-content').encode(fx!.req);

  it('gzip and deflate request messages (grpc-js client compression and raw frames)', async () => {
    for (const algorithm of [1, 2]) {
      const c = createRawClient(fx!.server.grpcAddress, { 'grpc.default_compression_algorithm': algorithm });
      try {
        assertSameScores(
          scoresOf('Predict', assertOk(await c.call('Predict', payload()), `algorithm ${algorithm}`)),
          fx!.want,
          `algorithm ${algorithm}`,
        );
      } finally {
        c.close();
      }
    }
    for (const [encoding, zip] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
    ] as const) {
      const r = await rawGrpc(fx!.server.grpcAddress, 'Predict', grpcFrame(zip(payload()), true), {
        'grpc-encoding': encoding,
      });
      assert.equal(r.grpcStatus, S.OK, `${encoding}: ${r.message}`);
      assertSameScores(scoresOf('Predict', r.body.subarray(5)), fx!.want, encoding);
    }
  });

  it('corrupt, bomb-like and unknown-encoding messages get an error; the server keeps serving', async () => {
    const addr = fx!.server.grpcAddress;
    const corrupt = Buffer.from(gzipSync(payload()));
    corrupt.fill(0x55, 10, 40);
    const c = await rawGrpc(addr, 'Predict', grpcFrame(corrupt, true), { 'grpc-encoding': 'gzip' });
    assert.equal(c.grpcStatus, S.INTERNAL, c.message);
    const bomb = gzipSync(Buffer.alloc(64 << 20), { level: 9 });
    assert.ok(bomb.length < 1 << 20);
    const b = await rawGrpc(addr, 'Predict', grpcFrame(bomb, true), { 'grpc-encoding': 'gzip' });
    assert.equal(b.grpcStatus, S.RESOURCE_EXHAUSTED, b.message);
    const u = await rawGrpc(addr, 'Predict', grpcFrame(payload(), true), { 'grpc-encoding': 'snappy' });
    assert.equal(u.grpcStatus, S.UNIMPLEMENTED, u.message);
    const big = await fx!.client.call('Predict', Buffer.alloc((1 << 20) + 1));
    assert.equal(big.code, S.RESOURCE_EXHAUSTED, big.details);
    assertOk(await fx!.client.call('Predict', payload()), 'after broken messages');
  });

  it('REST: gzip and deflate bodies; a corrupt gzip body or a bomb is refused and the server keeps serving', async () => {
    const { server, req, want } = fx!;
    const body = getFormat('json-rows').encode(req);
    for (const [encoding, zip] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
    ] as const) {
      const r = await rest(server, '/v1/models/ranker:predict', {
        method: 'POST',
        body: zip(body),
        headers: { 'content-encoding': encoding },
      });
      assert.equal(r.status, 200, `${encoding}: ${r.body.toString()}`);
      assertSameScores(Float32Array.from(r.json!.predictions as number[]), want, encoding);
    }
    const corrupt = Buffer.from(gzipSync(body));
    corrupt.fill(0x55, 10, 40);
    assertRestError(
      await rest(server, '/v1/models/ranker:predict', {
        method: 'POST',
        body: corrupt,
        headers: { 'content-encoding': 'gzip' },
      }),
      400,
      /^Failed to decompress gzip request body/,
    );
    const bomb = gzipSync(Buffer.alloc(64 << 20, 0x20), { level: 9 });
    assertRestError(
      await rest(server, '/v1/models/ranker:predict', {
        method: 'POST',
        body: bomb,
        headers: { 'content-encoding': 'gzip' },
      }),
      413,
      /decompresses to more than/,
    );
    const ok = await rest(server, '/v1/models/ranker:predict', { method: 'POST', body });
    assert.equal(ok.status, 200);
  });

  it("HTTP/2 windows: large by default, Node's 64 KiB with windowBytes 0", async () => {
    const settings = async (
      address: string,
    ): Promise<{ stream: number | undefined; connection: number | undefined }> => {
      const s = http2.connect(`http://${address}`);
      await new Promise((r) => s.once('remoteSettings', r));
      // The connection window arrives as a WINDOW_UPDATE right after SETTINGS.
      await new Promise((r) => setTimeout(r, 100));
      const out = { stream: s.remoteSettings.initialWindowSize, connection: s.state.remoteWindowSize };
      s.close();
      return out;
    };
    assert.deepEqual(await settings(fx!.server.grpcAddress), { stream: 16 << 20, connection: 16 << 20 });
    const plain = await startServer({ port: 0, restPort: 0, scenario: fx!.scenario, windowBytes: 0 });
    try {
      assert.deepEqual(await settings(plain.grpcAddress), { stream: 65535, connection: 65535 });
    } finally {
      await plain.close();
    }
  });
});

describe('npm run serve (src/cli/commands/serve.ts)', () => {
  const serve = (
    args: string[],
  ): {
    child: ReturnType<typeof spawn>;
    ready: Promise<{ grpc: string; rest: string }>;
    out: () => string;
    exit: Promise<number | null>;
  } => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/commands/serve.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const ready = new Promise<{ grpc: string; rest: string }>((resolveReady, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /grpc=(127\.0\.0\.1:\d+) rest=(127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolveReady({ grpc: m[1]!, rest: m[2]! });
      });
      child.once('exit', () => reject(new Error(`exited before ready: ${out}`)));
    });
    ready.catch(() => undefined);
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    return { child, ready, out: () => out, exit };
  };

  it('SIGTERM: stops accepting, finishes in-flight calls, exits 0', async () => {
    // Each call is answered 3 s after it is decoded; the test moves on server states, not sleeps.
    const p = serve(['--port', '0', '--scenario', 'tiny', '--delay-ms', '3000']);
    try {
      const addr = await p.ready;
      const req = generate(loadScenario('tiny'));
      const client = createRawClient(addr.grpc);
      const grpcCall = client.call('Predict', getFormat('tensor-content').encode(req));
      const restCall = fetch(`http://${addr.rest}/v1/models/ranker:predict`, {
        method: 'POST',
        body: getFormat('json-columnar').encode(req),
      });
      let answered = false;
      void grpcCall.then(() => (answered = true));
      const signal = () => AbortSignal.timeout(1000);
      const inFlight = async (): Promise<number> =>
        ((await (await fetch(`http://${addr.rest}${STATS_PATH}`, { signal: signal() })).json()) as { inFlight: number })
          .inFlight;
      await poll('both calls in flight', async () => (await inFlight()) === 2);
      p.child.kill('SIGTERM');
      // Refused once the listener has closed, while the two calls are still being answered (after
      // they are, the process exits and anything is refused).
      await poll('a new connection after SIGTERM refused', () =>
        fetch(`http://${addr.rest}/v1/models/ranker`, { headers: { connection: 'close' }, signal: signal() }).then(
          () => false,
          // Our own timeout is not a refusal: poll again.
          (e: unknown) => !(e instanceof DOMException && e.name === 'TimeoutError'),
        ),
      );
      assert.equal(answered, false, 'refused while the in-flight calls were still being answered');
      assert.equal(p.child.exitCode, null);
      const g = await grpcCall;
      assert.equal(g.code, S.OK, g.details);
      const r = await restCall;
      assert.equal(r.status, 200);
      assert.ok(Array.isArray(((await r.json()) as Obj).outputs));
      client.close();
      assert.equal(await p.exit, 0, p.out());
      assert.match(p.out(), /draining 2 in-flight call\(s\)/);
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('bad flags: a clear message and exit 2', async () => {
    const p = serve(['--port', '0', '--error-rate', '1.5']);
    assert.equal(await p.exit, 2);
    assert.match(p.out(), /--error-rate: expected a decimal number from 0 to 1, got "1\.5"/);
  });
});
