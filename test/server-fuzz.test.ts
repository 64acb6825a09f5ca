// Strict fuzzing of the stub server. Over 10,000 mutated and random requests per run, bounded
// by count (never by wall clock), each answered with a status that is documented for that input:
// - most cases go through the server's own call path in-process (runOp: decode, score, answer,
//   exactly what a worker runs) and GetModelMetadata, so the count stays cheap;
// - the rest go over the wire: gRPC on one raw HTTP/2 session (frames compressed or not, bytes
//   mutated before and after compression) and REST over HTTP (JSON, msgpack, gzip / deflate
//   bodies mutated before and after compression, and compression bombs).
// An answer counts only if its status is documented for the input: INTERNAL only for a frame
// whose compressed bytes were corrupted, worded as grpc-js words its own answer; HTTP 500 never.
// Anything else fails the test with the case id and seed; replay one case with
// FUZZ_SEED=<seed> FUZZ_ONLY=<phase>:<index> node --import tsx --test test/server-fuzz.test.ts
import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { FORMATS, getFormat } from '../src/formats/index.js';
import { decodeScores } from '../src/load/decode-response.js';
import { generate, loadScenario, Prng } from '../src/scenario/index.js';
import {
  METHOD_NAMES,
  Servable,
  startServer,
  Status,
  type MethodName,
  type RunningServer,
} from '../src/server/index.js';
import { httpStatusOf, ServingError, toServingError, type StatusCode } from '../src/server/errors.js';
import { getModelMetadata } from '../src/server/rpc-methods.js';
import { runOp } from '../src/server/worker-ops.js';
import type { RankingRequest } from '../src/tensors/index.js';
import { encodeMultiInferenceRequest } from '../src/wire/input.js';
import { protoType } from '../src/wire/protos.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240601);
const ONLY = process.env.FUZZ_ONLY;
const COUNT = {
  'grpc-local': Number(process.env.FUZZ_GRPC_LOCAL ?? 6500),
  'rest-local': Number(process.env.FUZZ_REST_LOCAL ?? 3000),
  'grpc-wire': Number(process.env.FUZZ_GRPC_WIRE ?? 1000),
  'rest-wire': Number(process.env.FUZZ_REST_WIRE ?? 700),
} as const;
type Phase = keyof typeof COUNT;
const CONCURRENCY = 24;
/** Small limits keep "huge length" and bomb cases cheap. */
const MAX_MESSAGE_BYTES = 4 << 20;
const MAX_DECOMPRESSED_BYTES = 2 << 20;

/** Case indices of a phase to run: all, or the one FUZZ_ONLY names. */
function indices(phase: Phase): number[] {
  if (ONLY) {
    const [p, i] = ONLY.split(':');
    return p === phase ? [Number(i)] : [];
  }
  return Array.from({ length: COUNT[phase] }, (_, i) => i);
}

const replay = (phase: Phase, i: number): string =>
  `case ${phase}:${i} (replay: FUZZ_SEED=${SEED} FUZZ_ONLY=${phase}:${i})`;

// ---------------------------------------------------------------------------------------------
// Mutations

function varint(v: number): number[] {
  const out: number[] = [];
  let x = BigInt(v);
  if (x < 0n) x += 1n << 64n;
  while (x > 127n) {
    out.push(Number(x & 127n) | 128);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}

const tagBytes = (field: number, wire: number): number[] => varint(field * 8 + wire);

const JSON_SNIPPETS = [
  'NaN',
  '-NaN',
  'Infinity',
  '-Infinity',
  'Inf',
  '-Inf',
  'nan',
  'Infinit',
  '1e39',
  '-1e39',
  '1e-46',
  '-0',
  '0.0',
  '9007199254740993',
  '-9223372036854775808',
  '18446744073709551616',
  '1.5',
  '"x"',
  '""',
  'null',
  'true',
  '[]',
  '[[]]',
  '{}',
  '{"b64":"!!"}',
  '{"b64":"AAEC"}',
  '{"b64":5}',
  '"\\ud800"',
  '"\\u0000"',
  '[1,2',
  ']',
  '}',
  ',',
  ':',
  '"instances"',
  '"inputs"',
  '{"__proto__":1}',
  '1e99999',
];
const JSON_KEYS = [
  'instances',
  'inputs',
  'signature_name',
  'examples',
  'context',
  '__proto__',
  'constructor',
  'item_f32',
  'ctx_i64',
  'item_bytes_list_row_splits',
  'nope',
  '',
];

class Mutator {
  constructor(
    readonly rng: Prng,
    private readonly pool: readonly Uint8Array[],
  ) {}

  pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(0, xs.length - 1)]!;
  }

  flipBits(b: Uint8Array): Uint8Array {
    const out = Uint8Array.from(b);
    if (!out.length) return out;
    for (let k = this.rng.int(1, 8); k > 0; k--) out[this.rng.int(0, out.length - 1)]! ^= 1 << this.rng.int(0, 7);
    return out;
  }

  truncate(b: Uint8Array): Uint8Array {
    return b.subarray(0, this.rng.int(0, Math.max(0, b.length - 1)));
  }

  splice(b: Uint8Array): Uint8Array {
    const other = this.pick(this.pool);
    const a = b.subarray(0, this.rng.int(0, b.length));
    const c = other.subarray(this.rng.int(0, other.length));
    return concat(a, c);
  }

  insert(b: Uint8Array, bytes: ArrayLike<number>): Uint8Array {
    const at = this.rng.int(0, b.length);
    return concat(b.subarray(0, at), Uint8Array.from(bytes), b.subarray(at));
  }

  hugeLength(b: Uint8Array): Uint8Array {
    const huge = this.pick([2 ** 31 - 1, 2 ** 32 - 1, 2 ** 31, 2 ** 28, b.length + 1, 2 ** 53, -1]);
    return this.insert(b, [...tagBytes(this.rng.int(1, 12), 2), ...varint(huge)]);
  }

  wrongWireType(b: Uint8Array): Uint8Array {
    const out = Uint8Array.from(b);
    if (!out.length) return out;
    const at = this.rng.int(0, out.length - 1);
    out[at] = (out[at]! & ~7) | this.rng.int(0, 7);
    return out;
  }

  /** Length-delimited messages nested deep, or unterminated / deep groups. */
  deepNesting(): Uint8Array {
    const depth = this.pick([100, 1000, 5000, 20000]);
    if (this.rng.next() < 0.3)
      return Uint8Array.from(Array.from({ length: depth }, () => tagBytes(this.rng.int(1, 4), 3)).flat());
    const field = this.rng.int(1, 4);
    const inner = [...tagBytes(1, 2), ...varint(3), 0x61, 0x62, 0x63];
    const sizes: number[] = [inner.length];
    for (let d = 0; d < depth; d++) sizes.push(sizes[d]! + tagBytes(field, 2).length + varint(sizes[d]!).length);
    const chunks: number[] = [];
    for (let d = depth - 1; d >= 0; d--) chunks.push(...tagBytes(field, 2), ...varint(sizes[d]!));
    return Uint8Array.from([...chunks, ...inner]);
  }

  randomBytes(max = 4000): Uint8Array {
    const n = Math.min(max, this.pick([0, 1, 2, 5, 17, 100, 1000, 4000]));
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.rng.int(0, 255);
    return out;
  }

  /** Structurally valid protobuf with random fields, wire types and nesting. */
  randomProto(depth = 0): Uint8Array {
    const out: number[] = [];
    for (let k = this.rng.int(0, 8); k > 0; k--) {
      const field = this.rng.int(1, 12);
      const wire = this.pick([0, 1, 2, 2, 2, 5]);
      out.push(...tagBytes(field, wire));
      if (wire === 0) out.push(...varint(this.pick([0, 1, 7, 9, 255, 2 ** 31, -1, 2 ** 40])));
      else if (wire === 1) for (let i = 0; i < 8; i++) out.push(this.rng.int(0, 255));
      else if (wire === 5) for (let i = 0; i < 4; i++) out.push(this.rng.int(0, 255));
      else {
        const body = depth < 4 && this.rng.next() < 0.6 ? this.randomProto(depth + 1) : this.randomBytes(40);
        out.push(...varint(body.length), ...body);
      }
    }
    return Uint8Array.from(out);
  }

  /** A mutated or random protobuf message derived from `base`. */
  mutateProto(base: Uint8Array): Uint8Array {
    const r = this.rng.next();
    if (r < 0.05) return this.deepNesting();
    if (r < 0.1) return this.randomBytes();
    if (r < 0.17) return this.randomProto();
    if (r < 0.2) return concat(base, base);
    let b = base;
    for (let k = this.rng.int(1, 3); k > 0; k--) {
      const op = this.rng.int(0, 5);
      b =
        op === 0
          ? this.flipBits(b)
          : op === 1
            ? this.truncate(b)
            : op === 2
              ? this.splice(b)
              : op === 3
                ? this.hugeLength(b)
                : op === 4
                  ? this.wrongWireType(b)
                  : this.insert(b, this.randomBytes(8));
    }
    return b;
  }

  /** A mutated JSON body: token swaps (NaN, huge numbers, wrong types, unknown keys), structure breaks, bytes. */
  mutateJson(base: Uint8Array): Uint8Array {
    const r = this.rng.next();
    if (r < 0.04)
      return Buffer.from(
        `{"inputs":{"item_f32":${'['.repeat(this.pick([9, 1000, 100_000]))}1${']'.repeat(this.rng.int(0, 3))}}}`,
      );
    if (r < 0.06) return this.randomBytes();
    let text = Buffer.from(base).toString('latin1');
    for (let k = this.rng.int(1, 3); k > 0; k--) {
      const op = this.rng.int(0, 6);
      if (op <= 1)
        text = this.replaceToken(text, /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|NaN|-?Infinity/g, () =>
          this.pick(JSON_SNIPPETS),
        );
      else if (op === 2)
        text = this.replaceToken(text, /"(?:[^"\\]|\\.)*"(?=\s*:)/g, () => JSON.stringify(this.pick(JSON_KEYS)));
      else if (op === 3)
        text = this.replaceToken(text, /\[[^[\]]*\]/g, (m) =>
          this.pick(['[]', `[${m}]`, `[${m},${m}]`, m.slice(1, -1), 'null']),
        );
      else if (op === 4)
        text = this.replaceToken(text, /[[\]{},:]/g, () => this.pick(['', '[', ']', '{', '}', ',', ',,', ':']));
      else if (op === 5) text = text.slice(0, this.rng.int(0, text.length));
      else {
        const b =
          this.rng.next() < 0.5
            ? this.flipBits(Buffer.from(text, 'latin1'))
            : this.insert(Buffer.from(text, 'latin1'), this.randomBytes(6));
        text = Buffer.from(b).toString('latin1');
      }
    }
    return Buffer.from(text, 'latin1');
  }

  private replaceToken(text: string, re: RegExp, by: (m: string) => string): string {
    const matches = [...text.matchAll(re)];
    if (!matches.length) return text;
    const m = this.pick(matches);
    return text.slice(0, m.index) + by(m[0]) + text.slice(m.index! + m[0].length);
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

// ---------------------------------------------------------------------------------------------
// Valid requests the mutations start from

const scenario = loadScenario('tiny');
const req: RankingRequest = generate(scenario);
const edgeSafe = (() => {
  // NaN, ±Infinity, -0 and float32 max in a float feature: valid JSON for TF Serving's REST API.
  const r = generate(scenario);
  const v = r.columns.get('item_f32')!.values as Float32Array;
  v.set([NaN, -Infinity, -0, 3.4028234663852886e38].slice(0, v.length));
  return r;
})();

function validGrpc(): Record<MethodName, Uint8Array[]> {
  const meta = protoType('tensorflow.serving.GetModelMetadataRequest');
  const tasks = [
    { modelSpec: { name: 'ranker', signatureName: 'regression' }, methodName: 'tensorflow/serving/regress' },
    { modelSpec: { name: 'ranker', signatureName: 'classification' }, methodName: 'tensorflow/serving/classify' },
  ];
  const predict = FORMATS.filter((f) => f.rpc === 'Predict' && f.transport === 'grpc' && !f.id.startsWith('oip-')).map(
    (f) => f.encode(req),
  );
  const inputs = ['example-list', 'elwc'].map((id) => getFormat(id));
  return {
    Predict: predict,
    Regress: inputs.map((f) => f.encode(req)),
    Classify: inputs.map((f) => f.encode(req, { signatureName: 'classification' })),
    MultiInference: [
      encodeMultiInferenceRequest(tasks, req, 'example_list', 1 << 14),
      encodeMultiInferenceRequest(tasks, req, 'example_list_with_context', 1 << 14),
    ],
    GetModelMetadata: [
      meta.encode(meta.fromObject({ model_spec: { name: 'ranker' }, metadata_field: ['signature_def'] })).finish(),
    ],
  };
}

type RestVerb = 'predict' | 'classify' | 'regress';
interface RestBase {
  verb: RestVerb;
  msgpack: boolean;
  bytes: Uint8Array;
}

/** A :classify / :regress body of `r`: context features once, item features per example (edge values as TF Serving's tokens). */
function examplesBody(r: RankingRequest, sig: string): Uint8Array {
  const rows = (
    JSON.parse(
      Buffer.from(getFormat('json-rows').encode(r))
        .toString()
        .replace(/\bNaN\b|-?Infinity/g, '0'),
    ) as { instances: Record<string, unknown>[] }
  ).instances;
  const ctxNames = new Set(r.schema.features.filter((f) => f.scope === 'context').map((f) => f.name));
  const context = Object.fromEntries(Object.entries(rows[0]!).filter(([k]) => ctxNames.has(k)));
  const examples = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !ctxNames.has(k))));
  let text = JSON.stringify({ signature_name: sig, context, examples });
  let k = 0;
  const tokens = ['NaN', '-Infinity', 'Infinity', '-0'];
  text = text.replace(/"item_f32":[^,}]+/g, (m) => (k < tokens.length ? `"item_f32":${tokens[k++]}` : m));
  return Buffer.from(text);
}

function validRest(): RestBase[] {
  const examples = (sig: string): Uint8Array => examplesBody(req, sig);
  return [
    { verb: 'predict', msgpack: false, bytes: getFormat('json-rows').encode(req) },
    { verb: 'predict', msgpack: false, bytes: getFormat('json-columnar').encode(req) },
    { verb: 'predict', msgpack: false, bytes: getFormat('json-rows').encode(edgeSafe) },
    { verb: 'predict', msgpack: false, bytes: getFormat('json-columnar').encode(edgeSafe) },
    { verb: 'predict', msgpack: true, bytes: getFormat('msgpack-columnar').encode(req) },
    { verb: 'regress', msgpack: false, bytes: examples('regression') },
    { verb: 'classify', msgpack: false, bytes: examples('classification') },
  ];
}

const VALID = validGrpc();
const GRPC_METHODS = Object.keys(VALID) as MethodName[];
const GRPC_POOL = GRPC_METHODS.flatMap((m) => VALID[m]);
const REST_BASES = validRest();
const REST_POOL = REST_BASES.map((b) => b.bytes);

// ---------------------------------------------------------------------------------------------
// Cases: each one drawn from its own PRNG stream, so any single case replays alone.

type Compression =
  | { kind: 'none' }
  | { kind: 'before' | 'after' | 'bomb'; encoding: 'gzip' | 'deflate' }
  | { kind: 'unknown'; encoding: string };

interface GrpcCase {
  method: MethodName;
  /** The message as the decoder sees it (after decompression) when it decompresses. */
  message: Uint8Array;
  compression: Compression;
  /** Frame payload on the wire. */
  payload: Uint8Array;
}

interface RestCase {
  verb: RestVerb;
  msgpack: boolean;
  compression: Compression;
  body: Uint8Array;
}

const zip = (b: Uint8Array, encoding: 'gzip' | 'deflate'): Uint8Array =>
  new Uint8Array(encoding === 'gzip' ? gzipSync(b, { level: 1 }) : deflateSync(b, { level: 1 }));
/** Zeros that inflate past a limit: REST's decompressed cap, or grpc-js's one message limit. */
const bomb = (encoding: 'gzip' | 'deflate', limit: number): Uint8Array => zip(new Uint8Array(limit + 4096), encoding);

function drawCompression(m: Mutator, wire: boolean, pUnknown: number): Compression {
  const r = m.rng.next();
  const encoding = m.pick(['gzip', 'deflate'] as const);
  if (r < 0.6) return { kind: 'none' };
  if (r < 0.8) return { kind: 'before', encoding };
  if (r < 0.95) return { kind: 'after', encoding };
  if (wire && r < 0.95 + pUnknown) return { kind: 'unknown', encoding: m.pick(['snappy', 'br', 'zstd']) };
  return { kind: 'bomb', encoding };
}

function grpcCase(phase: Phase, i: number, wire: boolean): GrpcCase {
  const m = new Mutator(new Prng(SEED, `${phase}:${i}`), GRPC_POOL);
  const method = m.pick(GRPC_METHODS);
  const base = m.rng.next() < 0.85 ? m.pick(VALID[method]) : m.pick(GRPC_POOL);
  const keepValid = m.rng.next() < 0.05;
  const compression = wire ? drawCompression(m, true, 0.02) : ({ kind: 'none' } as Compression);
  let message = keepValid ? base : m.mutateProto(base);
  let payload = message;
  if (compression.kind === 'before' || compression.kind === 'unknown')
    payload = zip(message, compression.kind === 'unknown' ? 'gzip' : compression.encoding);
  else if (compression.kind === 'after')
    payload =
      m.rng.next() < 0.5
        ? m.flipBits(zip(message, compression.encoding))
        : m.truncate(zip(message, compression.encoding));
  else if (compression.kind === 'bomb') {
    payload = bomb(compression.encoding, MAX_MESSAGE_BYTES);
    message = new Uint8Array(0);
  }
  return { method, message, compression, payload };
}

function restCase(phase: Phase, i: number): RestCase {
  const m = new Mutator(new Prng(SEED, `${phase}:${i}`), REST_POOL);
  const base = m.pick(REST_BASES);
  const verb = m.rng.next() < 0.1 ? m.pick(['predict', 'classify', 'regress'] as const) : base.verb;
  const keepValid = m.rng.next() < 0.05;
  let body = keepValid ? base.bytes : base.msgpack ? m.mutateProto(base.bytes) : m.mutateJson(base.bytes);
  const compression = drawCompression(m, false, 0);
  if (compression.kind === 'before') body = zip(body, compression.encoding);
  else if (compression.kind === 'after')
    body =
      m.rng.next() < 0.5 ? m.flipBits(zip(body, compression.encoding)) : m.truncate(zip(body, compression.encoding));
  // Past the decompressed cap, below the message limit: only --max-decompressed-bytes stops it.
  else if (compression.kind === 'bomb') body = bomb(compression.encoding, MAX_DECOMPRESSED_BYTES);
  return { verb, msgpack: base.msgpack, compression, body };
}

// ---------------------------------------------------------------------------------------------
// The oracle: which answers are documented for which input

const S = Status;
/** gRPC statuses the stub documents for a malformed or valid request of `method` (decoding, not transport). */
function documentedGrpc(method: MethodName): Set<number> {
  const codes = new Set<number>([S.OK, S.INVALID_ARGUMENT, S.NOT_FOUND, S.RESOURCE_EXHAUSTED]);
  if (method === 'Predict') codes.add(S.FAILED_PRECONDITION);
  // TF Serving's MultiInference: a task whose method_name it does not support.
  if (method === 'MultiInference') codes.add(S.UNIMPLEMENTED);
  return codes;
}

/** grpc-js's own answer to a compressed frame it cannot inflate. */
const GRPC_JS_INFLATE_ERROR = 'Failed to decompress message';

/** Why a gRPC answer is not acceptable for the case, or undefined when it is. */
export function judgeGrpc(
  c: Pick<GrpcCase, 'method' | 'compression'>,
  code: number,
  details: string,
): string | undefined {
  if (c.compression.kind === 'unknown')
    return code === S.UNIMPLEMENTED ? undefined : `unknown grpc-encoding must be UNIMPLEMENTED, got ${code}`;
  if (c.compression.kind === 'bomb')
    return code === S.RESOURCE_EXHAUSTED
      ? undefined
      : `a compression bomb must be RESOURCE_EXHAUSTED, got ${code} ${details}`;
  if (code === S.INTERNAL) {
    if (c.compression.kind === 'after' && details === GRPC_JS_INFLATE_ERROR) return undefined;
    return `INTERNAL is only documented for a corrupt compressed frame (answered by grpc-js): ${details}`;
  }
  return documentedGrpc(c.method).has(code)
    ? undefined
    : `status ${code} is not documented for ${c.method}: ${details}`;
}

const REST_HTTP = new Set([200, 400, 404, 413]);
/** Why a REST answer is not acceptable, or undefined. Every non-200 answer is {"error": "..."}. */
export function judgeRest(
  c: Pick<RestCase, 'compression'>,
  status: number,
  error: string | undefined,
): string | undefined {
  if (c.compression.kind === 'bomb')
    return status === 413 ? undefined : `a compression bomb must be 413, got ${status} ${error ?? ''}`;
  if (status === 500) return `HTTP 500 is never a documented answer: ${error}`;
  if (!REST_HTTP.has(status)) return `HTTP ${status} is not documented for :predict/:classify/:regress: ${error}`;
  if (status !== 200 && typeof error !== 'string') return `HTTP ${status} without an {"error": "..."} body`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------

const servable = new Servable('ranker', { features: scenario.features }, 0);
const RESPONSE_TYPES: Record<string, string> = {
  Predict: 'tensorflow.serving.PredictResponse',
  Classify: 'tensorflow.serving.ClassificationResponse',
  Regress: 'tensorflow.serving.RegressionResponse',
  MultiInference: 'tensorflow.serving.MultiInferenceResponse',
  GetModelMetadata: 'tensorflow.serving.GetModelMetadataResponse',
};

/** The stub's in-process answer to one gRPC message: exactly the worker's call path, then the response serializer. */
function localGrpc(method: MethodName, bytes: Uint8Array): { code: number; details: string } {
  try {
    let value: unknown;
    if (method === 'GetModelMetadata') value = getModelMetadata(servable, bytes);
    else {
      const { result } = runOp(servable, { op: 'call', kind: method, bytes, args: undefined, fail: false });
      if (!result.ok) return { code: result.error.code, details: result.error.message };
      value = result.value;
    }
    const T = protoType(RESPONSE_TYPES[method]!);
    T.encode(T.fromObject(value as Record<string, unknown>)).finish();
    return { code: S.OK, details: '' };
  } catch (err) {
    const e = toServingError(err);
    return { code: e.code, details: e.message };
  }
}

function localRest(c: RestCase): { status: number; error?: string } {
  const encoding = c.compression.kind === 'none' ? '' : (c.compression as { encoding: string }).encoding;
  const args = {
    verb: c.verb,
    encoding,
    msgpack: c.msgpack,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    maxDecompressedBytes: MAX_DECOMPRESSED_BYTES,
  };
  const { result } = runOp(servable, { op: 'call', kind: 'rest', bytes: c.body, args, fail: false });
  if (result.ok) return { status: 200 };
  const e = new ServingError(result.error.code as StatusCode, result.error.message, result.error.httpStatus);
  return { status: httpStatusOf(e), error: e.message };
}

/** Runs `count` jobs `CONCURRENCY` at a time. */
async function pump(ids: readonly number[], one: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ids.length) await one(ids[next++]!);
    }),
  );
}

function grpcFrame(payload: Uint8Array, compressed: boolean): Buffer {
  const f = Buffer.alloc(5 + payload.length);
  f[0] = compressed ? 1 : 0;
  f.writeUInt32BE(payload.length, 1);
  f.set(payload, 5);
  return f;
}

/** One gRPC call on a shared HTTP/2 session; rejects when the server answers without a grpc-status. */
function rawGrpc(
  session: http2.ClientHttp2Session,
  method: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ code: number; details: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': `/tensorflow.serving.PredictionService/${method}`,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    const chunks: Buffer[] = [];
    let status: string | undefined;
    let details = '';
    const take = (h: http2.IncomingHttpHeaders): void => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) details = decodeURIComponent(String(h['grpc-message']));
    };
    stream.on('response', take);
    stream.on('trailers', take);
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', (e) => reject(e));
    stream.on('close', () =>
      status === undefined
        ? reject(new Error(`no grpc-status (RST_STREAM ${stream.rstCode})`))
        : resolve({ code: Number(status), details, body: Buffer.concat(chunks) }),
    );
    stream.setTimeout(20_000, () => stream.close(http2.constants.NGHTTP2_CANCEL));
    stream.end(body);
  });
}

function failIfAny(failures: string[], total: number, phase: string): void {
  assert.equal(
    failures.length,
    0,
    `${failures.length} of ${total} ${phase} cases got an undocumented answer:\n${failures.slice(0, 15).join('\n')}`,
  );
}

describe('the oracle can fail: INTERNAL and HTTP 500 are refused where they are not documented', () => {
  it('judgeGrpc / judgeRest', () => {
    const none = { kind: 'none' } as const;
    assert.match(
      judgeGrpc(
        { method: 'Predict', compression: none },
        S.INTERNAL,
        'internal error while handling the request: TypeError: x',
      )!,
      /INTERNAL is only documented/,
    );
    assert.match(
      judgeGrpc(
        { method: 'Predict', compression: { kind: 'after', encoding: 'gzip' } },
        S.INTERNAL,
        'internal error: TypeError',
      )!,
      /INTERNAL/,
    );
    assert.equal(
      judgeGrpc(
        { method: 'Predict', compression: { kind: 'after', encoding: 'gzip' } },
        S.INTERNAL,
        GRPC_JS_INFLATE_ERROR,
      ),
      undefined,
    );
    assert.match(
      judgeGrpc({ method: 'Regress', compression: none }, S.FAILED_PRECONDITION, '')!,
      /not documented for Regress/,
    );
    assert.match(judgeGrpc({ method: 'Predict', compression: none }, S.UNKNOWN, '')!, /not documented/);
    assert.match(
      judgeGrpc({ method: 'Predict', compression: { kind: 'bomb', encoding: 'gzip' } }, S.INVALID_ARGUMENT, '')!,
      /bomb/,
    );
    assert.match(judgeRest({ compression: none }, 500, 'x')!, /HTTP 500/);
    assert.match(judgeRest({ compression: none }, 400, undefined)!, /without an \{"error"/);
    assert.equal(judgeRest({ compression: none }, 400, 'bad'), undefined);
  });
});

describe(`fuzz (seed ${SEED}): every malformed request gets a documented answer`, () => {
  let server: RunningServer | undefined;
  let session: http2.ClientHttp2Session | undefined;
  const counts = new Map<string, number>();
  const count = (k: string): void => void counts.set(k, (counts.get(k) ?? 0) + 1);

  before(async () => {
    server = await startServer({
      port: 0,
      restPort: 0,
      scenario,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      maxDecompressedBytes: MAX_DECOMPRESSED_BYTES,
    });
    session = http2.connect(`http://${server.grpcAddress}`);
    session.on('error', () => {});
  });
  after(async () => {
    session?.close();
    await server?.close();
  });

  it(`in-process gRPC: ${COUNT['grpc-local']} mutated and random messages across ${METHOD_NAMES.length} methods`, (t) => {
    const failures: string[] = [];
    const ids = indices('grpc-local');
    for (const i of ids) {
      const c = grpcCase('grpc-local', i, false);
      const r = localGrpc(c.method, c.message);
      count(`grpc-local ${r.code}`);
      const why = judgeGrpc(c, r.code, r.details);
      if (why) failures.push(`${replay('grpc-local', i)} ${c.method} ${c.message.length} bytes: ${why}`);
    }
    t.diagnostic(
      `statuses: ${JSON.stringify(Object.fromEntries([...counts].filter(([k]) => k.startsWith('grpc-local'))))}`,
    );
    failIfAny(failures, ids.length, 'in-process gRPC');
  });

  it(`in-process REST: ${COUNT['rest-local']} mutated JSON / msgpack bodies, compressed before and after mutation, bombs`, (t) => {
    const failures: string[] = [];
    const ids = indices('rest-local');
    for (const i of ids) {
      const c = restCase('rest-local', i);
      const r = localRest(c);
      count(`rest-local ${r.status}`);
      const why = judgeRest(c, r.status, r.error);
      if (why)
        failures.push(
          `${replay('rest-local', i)} :${c.verb} ${c.msgpack ? 'msgpack' : 'JSON'} ${c.compression.kind}: ${why}`,
        );
    }
    t.diagnostic(
      `HTTP statuses: ${JSON.stringify(Object.fromEntries([...counts].filter(([k]) => k.startsWith('rest-local'))))}`,
    );
    failIfAny(failures, ids.length, 'in-process REST');
  });

  it(`gRPC over the wire: ${COUNT['grpc-wire']} frames, compressed or not, mutated before and after compression`, async (t) => {
    const failures: string[] = [];
    const ids = indices('grpc-wire');
    await pump(ids, async (i) => {
      const c = grpcCase('grpc-wire', i, true);
      const compressed = c.compression.kind !== 'none';
      const headers: Record<string, string> =
        c.compression.kind === 'none' ? {} : { 'grpc-encoding': c.compression.encoding };
      try {
        const r = await rawGrpc(session!, c.method, grpcFrame(c.payload, compressed), headers);
        count(`grpc-wire ${r.code}`);
        const why = judgeGrpc(c, r.code, r.details);
        if (why) failures.push(`${replay('grpc-wire', i)} ${c.method} ${c.compression.kind}: ${why}`);
      } catch (err) {
        failures.push(
          `${replay('grpc-wire', i)} ${c.method} ${c.compression.kind}: no answer: ${(err as Error).message}`,
        );
      }
    });
    t.diagnostic(
      `statuses: ${JSON.stringify(Object.fromEntries([...counts].filter(([k]) => k.startsWith('grpc-wire'))))}`,
    );
    failIfAny(failures, ids.length, 'gRPC wire');
  });

  it(`REST over HTTP: ${COUNT['rest-wire']} mutated bodies at :predict, :regress and :classify (identity, gzip, deflate, bombs)`, async (t) => {
    const failures: string[] = [];
    const ids = indices('rest-wire');
    await pump(ids, async (i) => {
      const c = restCase('rest-wire', i);
      const headers: Record<string, string> = {
        'content-type': c.msgpack ? 'application/msgpack' : 'application/json',
      };
      if (c.compression.kind !== 'none') headers['content-encoding'] = (c.compression as { encoding: string }).encoding;
      try {
        const res = await fetch(`http://${server!.restAddress}/v1/models/ranker:${c.verb}`, {
          method: 'POST',
          body: c.body,
          headers,
          signal: AbortSignal.timeout(20_000),
        });
        const raw = Buffer.from(await res.arrayBuffer());
        const text = raw.toString();
        count(`rest-wire ${res.status}`);
        let error: string | undefined;
        if (res.status !== 200) {
          try {
            const j = JSON.parse(text) as { error?: unknown };
            if (typeof j.error === 'string' && Object.keys(j).length === 1) error = j.error;
          } catch {
            // not JSON: judged below as a body without an error
          }
        } else if (c.verb === 'predict') {
          // A 200 carries a score per candidate that the load generator's decoder reads.
          decodeScores(
            getFormat(
              c.msgpack && res.headers.get('content-type') === 'application/msgpack' ? 'msgpack-columnar' : 'json-rows',
            ),
            raw,
          );
        }
        const why = judgeRest(c, res.status, error);
        if (why) failures.push(`${replay('rest-wire', i)} :${c.verb} ${c.compression.kind}: ${why}`);
      } catch (err) {
        failures.push(
          `${replay('rest-wire', i)} :${c.verb} ${c.compression.kind}: no answer: ${(err as Error).message}`,
        );
      }
    });
    t.diagnostic(
      `HTTP statuses: ${JSON.stringify(Object.fromEntries([...counts].filter(([k]) => k.startsWith('rest-wire'))))}`,
    );
    failIfAny(failures, ids.length, 'REST wire');
  });

  it('valid requests still succeed afterwards, on both transports', async () => {
    for (const m of GRPC_METHODS) {
      for (const bytes of VALID[m]) {
        const r = await rawGrpc(session!, m, grpcFrame(bytes, false), {});
        assert.equal(r.code, S.OK, `${m} after fuzzing: ${r.details}`);
      }
    }
    for (const b of REST_BASES) {
      const res = await fetch(`http://${server!.restAddress}/v1/models/ranker:${b.verb}`, {
        method: 'POST',
        body: b.bytes,
        headers: { 'content-type': b.msgpack ? 'application/msgpack' : 'application/json' },
      });
      assert.equal(res.status, 200, `:${b.verb} after fuzzing: ${(await res.text()).slice(0, 200)}`);
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (!ONLY) assert.ok(total >= 10_000, `only ${total} cases ran`);
  });
});
