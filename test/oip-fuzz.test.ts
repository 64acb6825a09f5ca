// Strict fuzzing of the stub's Open Inference Protocol paths, bounded by case count: mutated and
// random ModelInferRequest messages (typed and raw) and /v2 infer bodies (JSON and the binary
// tensor data extension, with right, wrong and missing Inference-Header-Content-Length), each
// answered with a documented status. In process through the worker's own call path (runOp), then
// a share over the wire to a running stub, which must keep serving valid calls afterwards.
// Replay one case: FUZZ_SEED=<seed> FUZZ_ONLY=<phase>:<index> node --import tsx --test test/oip-fuzz.test.ts
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { getFormat } from '../src/formats/index.js';
import { jsonHeaderLength } from '../src/formats/oip-rest.js';
import { decodeScores } from '../src/load/decode-response.js';
import { generate, loadScenario, Prng } from '../src/scenario/index.js';
import { Servable, startServer, Status, type RunningServer } from '../src/server/index.js';
import { ServingError, type StatusCode } from '../src/server/errors.js';
import type { OipRestArgs } from '../src/server/oip-calls.js';
import { oipHttpStatus } from '../src/server/oip-rest.js';
import { runOp } from '../src/server/worker-ops.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const ONLY = process.env.FUZZ_ONLY;
const COUNT = { 'grpc-local': 2500, 'rest-local': 2500, 'grpc-wire': 250, 'rest-wire': 250 } as const;
type Phase = keyof typeof COUNT;

const indices = (phase: Phase): number[] => {
  if (ONLY) {
    const [p, i] = ONLY.split(':');
    return p === phase ? [Number(i)] : [];
  }
  return Array.from({ length: COUNT[phase] }, (_, i) => i);
};
const replay = (phase: Phase, i: number): string =>
  `case ${phase}:${i} (replay: FUZZ_SEED=${SEED} FUZZ_ONLY=${phase}:${i})`;

const scenario = loadScenario('tiny');
const req = generate(scenario);
const GRPC_BASES = ['oip-typed', 'oip-raw'].map((id) => getFormat(id).encode(req));
const REST_BASES = ['oip-json', 'oip-binary'].map((id) => getFormat(id).encode(req));

class Mutator {
  constructor(readonly rng: Prng) {}
  pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(0, xs.length - 1)]!;
  }
  bytes(n = this.rng.int(0, 64)): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.rng.int(0, 255));
  }
  flip(b: Uint8Array): Uint8Array {
    const out = Uint8Array.from(b);
    for (let k = this.rng.int(1, 6); k > 0 && out.length; k--)
      out[this.rng.int(0, out.length - 1)]! ^= 1 << this.rng.int(0, 7);
    return out;
  }
  cut(b: Uint8Array): Uint8Array {
    return b.subarray(0, this.rng.int(0, b.length));
  }
  splice(b: Uint8Array): Uint8Array {
    const at = this.rng.int(0, b.length);
    const len = this.rng.int(0, Math.min(64, b.length - at));
    return Uint8Array.from([...b.subarray(0, at), ...this.bytes(this.rng.int(0, 16)), ...b.subarray(at + len)]);
  }
  /** A length-delimited field claiming far more bytes than follow. */
  hugeLength(b: Uint8Array): Uint8Array {
    const at = this.rng.int(0, b.length);
    return Uint8Array.from([
      ...b.subarray(0, at),
      (this.rng.int(1, 7) << 3) | 2,
      0xff,
      0xff,
      0xff,
      0xff,
      0x0f,
      ...b.subarray(at),
    ]);
  }
  proto(base: Uint8Array): Uint8Array {
    const r = this.rng.next();
    if (r < 0.05) return this.bytes();
    let b = base;
    for (let k = this.rng.int(1, 3); k > 0; k--) {
      const op = this.rng.int(0, 3);
      b = op === 0 ? this.flip(b) : op === 1 ? this.cut(b) : op === 2 ? this.splice(b) : this.hugeLength(b);
    }
    return b;
  }
  /** Mutates the JSON part (token swaps, structure breaks) and/or the binary part of a /v2 body. */
  rest(base: Uint8Array): { body: Uint8Array; headerLength?: number } {
    const h = jsonHeaderLength(base);
    let text = Buffer.from(base.subarray(0, h)).toString('latin1');
    let tail: Uint8Array = base.subarray(h);
    for (let k = this.rng.int(1, 3); k > 0; k--) {
      const op = this.rng.int(0, 6);
      const swap = (re: RegExp, by: () => string): void => {
        const ms = [...text.matchAll(re)];
        if (!ms.length) return;
        const m = this.pick(ms);
        text = text.slice(0, m.index) + by() + text.slice(m.index! + m[0].length);
      };
      if (op === 0)
        swap(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, () =>
          this.pick(['-1', '1e400', '9007199254740993', '0.5', '"x"', 'null', '[]', '{}', '4294967296', 'true']),
        );
      else if (op === 1)
        swap(/"(name|shape|datatype|data|parameters|binary_data_size|inputs|outputs)"/g, () =>
          this.pick(['"nope"', '"shape"', '"data"', '"binary_data_size"', '"shared_memory_region"']),
        );
      else if (op === 2)
        swap(/"(FP32|INT64|BYTES)"/g, () => this.pick(['"FP64"', '"INT32"', '"BYTES"', '"FP32"', '"BOGUS"', '7']));
      else if (op === 3) swap(/[[\]{},:]/g, () => this.pick(['', '[', ']', '{', '}', ',,']));
      else if (op === 4)
        tail = this.pick([this.cut(tail), this.flip(tail), Uint8Array.from([...tail, ...this.bytes(8)])]);
      else text = text.slice(0, this.rng.int(0, text.length));
    }
    const head = Buffer.from(text, 'latin1');
    const body = Uint8Array.from([...head, ...tail]);
    const r = this.rng.next();
    const headerLength =
      tail.length === 0 && r < 0.5
        ? undefined
        : r < 0.85
          ? head.length
          : this.pick([-1, 0, body.length + 1, head.length - 1, head.length + 3, NaN]);
    return { body, ...(headerLength !== undefined ? { headerLength } : {}) };
  }
}

const servable = new Servable('ranker', { features: scenario.features }, 0);
const GRPC_OK = new Set<number>([Status.OK, Status.INVALID_ARGUMENT, Status.NOT_FOUND, Status.RESOURCE_EXHAUSTED]);
const REST_OK = new Set([200, 400, 404, 413]);

function grpcCase(phase: Phase, i: number): Uint8Array {
  const m = new Mutator(new Prng(SEED, `${phase}:${i}`));
  const base = m.pick(GRPC_BASES);
  return m.rng.next() < 0.05 ? base : m.proto(base);
}

function restCase(phase: Phase, i: number): { body: Uint8Array; headerLength?: number; gzip: boolean } {
  const m = new Mutator(new Prng(SEED, `${phase}:${i}`));
  const base = m.pick(REST_BASES);
  const c = m.rng.next() < 0.05 ? { body: base, headerLength: jsonHeaderLength(base) } : m.rest(base);
  return { ...c, gzip: m.rng.next() < 0.15 };
}

function localStatus(
  kind: 'ModelInfer' | 'oip-rest',
  bytes: Uint8Array,
  args?: OipRestArgs,
): { code: number; http: number; message: string } {
  const { result } = runOp(servable, { op: 'call', kind, bytes, args, fail: false });
  if (result.ok) return { code: 0, http: 200, message: '' };
  const e = new ServingError(result.error.code as StatusCode, result.error.message, result.error.httpStatus);
  return { code: e.code, http: oipHttpStatus(e), message: e.message };
}

describe(`OIP fuzz (seed ${SEED}): every malformed request gets a documented answer`, () => {
  let server: RunningServer;
  let client: grpc.Client;
  before(async () => {
    server = await startServer({ port: 0, restPort: 0, scenario, workers: 1, maxMessageBytes: 4 << 20 });
    client = new grpc.Client(server.grpcAddress, grpc.credentials.createInsecure());
  });
  after(async () => {
    client.close();
    await server.close();
  });

  it(`in-process ModelInfer: ${COUNT['grpc-local']} mutated messages`, () => {
    const bad: string[] = [];
    let ok = 0;
    for (const i of indices('grpc-local')) {
      const r = localStatus('ModelInfer', grpcCase('grpc-local', i));
      if (r.code === 0) ok++;
      if (!GRPC_OK.has(r.code)) bad.push(`${replay('grpc-local', i)}: status ${r.code} ${r.message}`);
    }
    assert.deepEqual(bad.slice(0, 10), []);
    if (!ONLY) assert.ok(ok > 0 && ok < COUNT['grpc-local'], `some cases stay valid, most do not (${ok} OK)`);
  });

  it(`in-process /v2 infer: ${COUNT['rest-local']} mutated JSON and binary bodies, header lengths right, wrong and missing`, () => {
    const bad: string[] = [];
    for (const i of indices('rest-local')) {
      const c = restCase('rest-local', i);
      const args: OipRestArgs = {
        model: 'ranker',
        version: '',
        encoding: c.gzip ? 'gzip' : '',
        maxMessageBytes: 2 << 20,
        ...(c.headerLength !== undefined ? { headerLength: c.headerLength } : {}),
      };
      const r = localStatus('oip-rest', c.gzip ? gzipSync(c.body) : c.body, args);
      if (!REST_OK.has(r.http) || r.code === Status.INTERNAL)
        bad.push(`${replay('rest-local', i)}: HTTP ${r.http} ${r.message}`);
    }
    assert.deepEqual(bad.slice(0, 10), []);
  });

  it(`over the wire: ${COUNT['grpc-wire']} gRPC and ${COUNT['rest-wire']} REST cases, then valid calls still succeed`, async () => {
    const bad: string[] = [];
    const identity = (b: Buffer): Buffer => b;
    for (const i of indices('grpc-wire')) {
      const code = await new Promise<number>((resolve) => {
        const call = client.makeUnaryRequest(
          '/inference.GRPCInferenceService/ModelInfer',
          identity,
          identity,
          Buffer.from(grpcCase('grpc-wire', i)),
          () => {},
        );
        call.on('status', (s: grpc.StatusObject) => resolve(s.code));
      });
      if (!GRPC_OK.has(code)) bad.push(`${replay('grpc-wire', i)}: status ${code}`);
    }
    for (const i of indices('rest-wire')) {
      const c = restCase('rest-wire', i);
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
      if (c.headerLength !== undefined) headers['Inference-Header-Content-Length'] = String(c.headerLength);
      if (c.gzip) headers['content-encoding'] = 'gzip';
      const res = await fetch(`http://${server.restAddress}/v2/models/ranker/infer`, {
        method: 'POST',
        headers,
        body: c.gzip ? gzipSync(c.body) : c.body,
      });
      const text = await res.text();
      if (!REST_OK.has(res.status)) bad.push(`${replay('rest-wire', i)}: HTTP ${res.status} ${text.slice(0, 200)}`);
      else if (res.status !== 200 && typeof (JSON.parse(text) as { error?: unknown }).error !== 'string')
        bad.push(`${replay('rest-wire', i)}: no {"error"} body`);
    }
    assert.deepEqual(bad.slice(0, 10), []);
    const f = getFormat('oip-binary');
    const body = f.encode(req);
    const res = await fetch(`http://${server.restAddress}/v2/models/ranker/infer`, {
      method: 'POST',
      headers: f.headers!(body),
      body,
    });
    assert.equal(res.status, 200);
    assert.equal(decodeScores(f, new Uint8Array(await res.arrayBuffer())).length, req.candidates);
  });
});
