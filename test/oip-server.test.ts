// The stub speaks the Open Inference Protocol: gRPC inference.GRPCInferenceService and the
// /v2 REST routes on the same ports as TF Serving's API, through the same workers. Scores
// are bit-identical to the TF Serving formats'; metadata, health and errors as Triton.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { expectedInputs, getFormat, type Format } from '../src/formats/index.js';
import { encodeOipBinary, jsonHeaderLength } from '../src/formats/oip-rest.js';
import { decodeScores } from '../src/load/decode-response.js';
import { resolveE2eInput, SignatureError, type E2eConfig } from '../src/load/index.js';
import { parseE2eArgs } from '../src/args/e2e-args.js';
import { generate, loadScenario } from '../src/scenario/index.js';
import { RankingModel, startServer, type RunningServer } from '../src/server/index.js';
import { createRawClient } from '../src/common/raw-client.js';
import { toFeatureBatch, type RankingRequest } from '../src/tensors/index.js';
import { oipType } from '../src/wire/oip-protos.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const identity = (b: Buffer): Buffer => b;

interface Answer {
  code: number;
  details: string;
  body?: Buffer;
  trailers: Record<string, string>;
}

function oipCall(client: grpc.Client, method: string, bytes: Uint8Array): Promise<Answer> {
  return new Promise((resolve) => {
    let body: Buffer | undefined;
    const call = client.makeUnaryRequest(
      `/inference.GRPCInferenceService/${method}`,
      identity,
      identity,
      Buffer.from(bytes),
      (err, res) => {
        if (!err) body = res;
      },
    );
    call.on('status', (s: grpc.StatusObject) => {
      const trailers: Record<string, string> = {};
      for (const [k, v] of Object.entries(s.metadata.getMap())) trailers[k] = String(v);
      setImmediate(() => resolve({ code: s.code, details: s.details, trailers, ...(body ? { body } : {}) }));
    });
  });
}

const encodeMsg = (type: string, obj: Obj): Uint8Array => {
  const T = oipType(type);
  return T.encode(T.fromObject(obj)).finish();
};
const decodeMsg = (type: string, b: Uint8Array): Obj => {
  const T = oipType(type);
  return T.toObject(T.decode(b), { longs: Number, defaults: true }) as Obj;
};

async function post(
  server: RunningServer,
  path: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(`http://${server.restAddress}${path}`, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function get(server: RunningServer, path: string): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(`http://${server.restAddress}${path}`);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

/** The scores one format gets from the stub, read by the load generator's own response decoder. */
async function scoresVia(
  server: RunningServer,
  client: grpc.Client,
  f: Format,
  req: RankingRequest,
): Promise<{ scores: Float32Array; decodeMs: string | null }> {
  const bytes = f.encode(req);
  if (f.transport === 'grpc') {
    const a = await oipCall(client, 'ModelInfer', bytes);
    assert.equal(a.code, 0, `${f.id}: ${a.details}`);
    return { scores: Float32Array.from(decodeScores(f, a.body!)), decodeMs: a.trailers['x-server-decode-ms'] ?? null };
  }
  const r = await post(server, '/v2/models/ranker/infer', bytes, {
    'content-type': f.contentType!,
    ...f.headers?.(bytes),
  });
  assert.equal(r.status, 200, `${f.id}: ${r.body.toString().slice(0, 300)}`);
  return { scores: Float32Array.from(decodeScores(f, r.body)), decodeMs: r.headers.get('x-server-decode-ms') };
}

const bits = (v: Float32Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');

for (const [preset, candidates] of [
  ['tiny', undefined],
  ['etsy-search', 40],
] as const) {
  describe(`OIP formats get the TF Serving formats' scores, bit for bit: ${preset}`, () => {
    let server: RunningServer;
    let client: grpc.Client;
    let req: RankingRequest;
    let want: Float32Array;
    before(async () => {
      const scenario = loadScenario(preset, candidates ? { candidates } : {});
      req = generate(scenario);
      want = new RankingModel(req.schema).score(toFeatureBatch(req));
      server = await startServer({ port: 0, restPort: 0, scenario });
      client = new grpc.Client(server.grpcAddress, grpc.credentials.createInsecure(), {
        'grpc.max_send_message_length': -1,
        'grpc.max_receive_message_length': -1,
      });
    });
    after(async () => {
      client.close();
      await server.close();
    });

    it('oip-typed, oip-raw, oip-json, oip-binary equal tensor-broadcast over gRPC Predict, with timing', async () => {
      const raw = createRawClient(server.grpcAddress);
      const tb = await raw.call('Predict', getFormat('tensor-broadcast').encode(req));
      raw.close();
      assert.equal(tb.code, 0, tb.details);
      const viaTfs = Float32Array.from(decodeScores(getFormat('tensor-broadcast'), tb.response!));
      assert.equal(bits(viaTfs), bits(want));
      for (const id of ['oip-typed', 'oip-raw', 'oip-json', 'oip-binary']) {
        const got = await scoresVia(server, client, getFormat(id), req);
        assert.equal(got.scores.length, req.candidates, id);
        assert.equal(bits(got.scores), bits(viaTfs), id);
        assert.ok(got.decodeMs !== null && Number(got.decodeMs) >= 0, `${id}: x-server-decode-ms`);
      }
    });
  });
}

describe('edge values (-0, NaN payloads, ±Infinity, int64 extremes, invalid UTF-8, empty lists) through the OIP routes', () => {
  it('oip-typed, oip-raw and oip-binary get the canonical scores bit for bit; oip-json refuses at encode, naming the input', async () => {
    const scenario = loadScenario('bench/scenarios/edge.json');
    const req = generate(scenario);
    const want = new RankingModel(req.schema).score(toFeatureBatch(req));
    const server = await startServer({ port: 0, restPort: 0, scenario, workers: 1 });
    const client = new grpc.Client(server.grpcAddress, grpc.credentials.createInsecure());
    try {
      for (const id of ['oip-typed', 'oip-raw', 'oip-binary']) {
        const got = await scoresVia(server, client, getFormat(id), req);
        assert.equal(bits(got.scores), bits(want), id);
      }
      assert.throws(() => getFormat('oip-json').encode(req), /^Error: oip-json: input ".+" element \d+ is /);
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('OIP metadata, health and errors', () => {
  let server: RunningServer;
  let client: grpc.Client;
  const req = generate(loadScenario('tiny'));
  before(async () => {
    server = await startServer({ port: 0, restPort: 0, scenario: 'tiny', workers: 0 });
    client = new grpc.Client(server.grpcAddress, grpc.credentials.createInsecure());
  });
  after(async () => {
    client.close();
    await server.close();
  });

  it('ModelMetadata (gRPC and REST) lists the inputs the scenario implies, FP32 scores out', async () => {
    const a = await oipCall(client, 'ModelMetadata', encodeMsg('ModelMetadataRequest', { name: 'ranker' }));
    assert.equal(a.code, 0, a.details);
    const md = decodeMsg('ModelMetadataResponse', a.body!);
    assert.deepEqual(
      md.inputs.map((i: Obj) => i.name),
      expectedInputs(req.schema, false),
    );
    assert.deepEqual(md.outputs, [{ name: 'scores', datatype: 'FP32', shape: [-1] }]);
    assert.deepEqual(md.versions, ['1']);
    const r = await get(server, '/v2/models/ranker');
    assert.equal(r.status, 200);
    const rest = JSON.parse(r.body.toString()) as Obj;
    assert.deepEqual(rest.inputs, md.inputs);
    for (const i of rest.inputs)
      assert.ok(['FP32', 'INT64', 'BYTES'].includes(i.datatype) && i.shape[0] === -1, JSON.stringify(i));
  });

  it('liveness, readiness, server metadata', async () => {
    assert.equal(
      decodeMsg('ServerLiveResponse', (await oipCall(client, 'ServerLive', new Uint8Array())).body!).live,
      true,
    );
    assert.equal(
      decodeMsg('ServerReadyResponse', (await oipCall(client, 'ServerReady', new Uint8Array())).body!).ready,
      true,
    );
    assert.equal(
      decodeMsg(
        'ModelReadyResponse',
        (await oipCall(client, 'ModelReady', encodeMsg('ModelReadyRequest', { name: 'ranker' }))).body!,
      ).ready,
      true,
    );
    assert.equal(
      decodeMsg(
        'ModelReadyResponse',
        (await oipCall(client, 'ModelReady', encodeMsg('ModelReadyRequest', { name: 'other' }))).body!,
      ).ready,
      false,
    );
    assert.ok(
      decodeMsg(
        'ServerMetadataResponse',
        (await oipCall(client, 'ServerMetadata', new Uint8Array())).body!,
      ).extensions.includes('binary_tensor_data'),
    );
    assert.equal((await get(server, '/v2/health/ready')).status, 200);
    assert.equal((await get(server, '/v2/health/live')).status, 200);
    assert.equal((await get(server, '/v2/models/ranker/ready')).status, 200);
    assert.equal((await get(server, '/v2/models/nope/ready')).status, 400);
  });

  it("unknown model and version: gRPC INVALID_ARGUMENT / NOT_FOUND and REST 400 / 404 with Triton's message", async () => {
    const other = getFormat('oip-raw').encode(req, { modelName: 'nope' });
    const a = await oipCall(client, 'ModelInfer', other);
    assert.equal(a.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(a.details, "Request for unknown model: 'nope' is not found");
    const m = await oipCall(
      client,
      'ModelMetadata',
      encodeMsg('ModelMetadataRequest', { name: 'ranker', version: '2' }),
    );
    assert.equal(m.code, grpc.status.NOT_FOUND);
    assert.equal(m.details, "Request for unknown model: 'ranker' version 2 is not found");
    const body = getFormat('oip-json').encode(req);
    const r = await post(server, '/v2/models/nope/infer', body);
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body.toString()), { error: "Request for unknown model: 'nope' is not found" });
    assert.equal((await post(server, '/v2/models/ranker/versions/2/infer', body)).status, 404);
    assert.equal((await post(server, '/v2/models/ranker/versions/1/infer', body)).status, 200);
    const missing = getFormat('oip-typed').encode({
      ...req,
      schema: { features: req.schema.features.slice(1) },
    } as RankingRequest);
    const mi = await oipCall(client, 'ModelInfer', missing);
    assert.equal(mi.code, grpc.status.INVALID_ARGUMENT);
    assert.match(mi.details, /^expected \d+ inputs but got \d+ inputs for model 'ranker'/);
  });

  it('binary-extension framing mistakes are a clear 400', async () => {
    const body = encodeOipBinary(req);
    const h = jsonHeaderLength(body);
    const send = (b: Uint8Array, header?: string): ReturnType<typeof post> =>
      post(server, '/v2/models/ranker/infer', b, {
        'content-type': 'application/octet-stream',
        ...(header !== undefined ? { 'Inference-Header-Content-Length': header } : {}),
      });
    const cases: [Promise<{ status: number; body: Buffer }>, RegExp][] = [
      [send(body, String(body.length + 10)), /^inference header size should be in range \(0, \d+\), got: \d+$/],
      [send(body, 'abc'), /Unable to parse Inference-Header-Content-Length/],
      [
        send(Buffer.concat([body, Buffer.from([1, 2, 3])]), String(h)),
        /^unexpected additional input data for model 'ranker'$/,
      ],
      [
        send(body.subarray(0, body.length - 3), String(h)),
        /^unexpected size for input '.+', expecting 3 additional bytes for model 'ranker'$/,
      ],
      [send(body), /binary tensor data needs the Inference-Header-Content-Length header/],
    ];
    const text = Buffer.from(body.subarray(0, h)).toString();
    const noSize = text.replace(/,"parameters":\{"binary_data_size":(\d+)\}/, '');
    const dropped = Number(/"binary_data_size":(\d+)/.exec(text)![1]);
    const rest = Buffer.concat([Buffer.from(noSize), body.subarray(h + dropped)]);
    cases.push([
      send(rest, String(noSize.length)),
      /^Input must set only one of the following fields: .* But no field is set/,
    ]);
    for (const [p, re] of cases) {
      const r = await p;
      assert.equal(r.status, 400, r.body.toString());
      assert.match((JSON.parse(r.body.toString()) as Obj).error, re);
    }
  });
});

describe('--target --protocol oip: the schema from ModelMetadata', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ port: 0, restPort: 0, scenario: 'tiny', workers: 0 });
  });
  after(() => server.close());
  const config = (argv: string[]): E2eConfig => {
    const p = parseE2eArgs(argv);
    if (p.kind !== 'run') throw new Error(`bad test arguments: ${p.kind === 'error' ? p.message : p.kind}`);
    return p.config;
  };

  it('builds a scenario whose requests the server scores, without --scenario; defaults to the OIP formats', async () => {
    const c = config([
      '--target',
      server.grpcAddress,
      '--rest-target',
      server.restAddress,
      '--protocol',
      'oip',
      '--candidates',
      '5',
    ]);
    assert.deepEqual(c.formats, ['oip-typed', 'oip-raw', 'oip-json', 'oip-binary']);
    const input = await resolveE2eInput(c);
    assert.equal(input.source, 'signature');
    const tiny = generate(loadScenario('tiny'));
    const names = (s: { features: readonly { name: string; dtype: string }[] }): string[] =>
      s.features.map((f) => `${f.name}:${f.dtype}`).sort();
    assert.deepEqual(names(input.scenario), names(tiny.schema));
    const built = generate(input.scenario);
    const client = new grpc.Client(server.grpcAddress, grpc.credentials.createInsecure());
    // Built features are all items; the server takes them per candidate (context features as [N]).
    const a = await oipCall(client, 'ModelInfer', getFormat('oip-raw').encode(built));
    client.close();
    assert.equal(a.code, 0, a.details);
    assert.equal(decodeScores(getFormat('oip-raw'), a.body!).length, 5);
  });

  it('a scenario that does not match is explained input by input before anything is sent; TF Serving formats are refused', async () => {
    await assert.rejects(
      resolveE2eInput(config(['--target', server.grpcAddress, '--protocol', 'oip', '--scenario', 'ctr-small'])),
      (e: Error) => {
        return (
          e instanceof SignatureError &&
          /does not match signature "ModelMetadata" of model "ranker"/.test(e.message) &&
          /input "item_f32": missing/.test(e.message)
        );
      },
    );
    assert.deepEqual(
      parseE2eArgs(['--target', '127.0.0.1:1', '--protocol', 'oip', '--formats', 'tensor-content']).kind,
      'error',
    );
    assert.deepEqual(parseE2eArgs(['--protocol', 'grpc']).kind, 'error');
  });
});
