// Fuzzing the stub server: thousands of mutated and random messages at every gRPC
// method and at the REST routes (bit flips, truncation, splices, huge length prefixes,
// wrong wire types, deep nesting, random protobuf and bytes). Every one must be
// answered with a status (no crash, no hang, no dropped connection), and valid requests
// must still succeed afterwards. Seeded and bounded in count and time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { FORMATS, getFormat } from '../src/formats/index.js';
import { generate, loadScenario, Prng } from '../src/scenario/index.js';
import { startServer, type MethodName, type RunningServer } from '../src/server/index.js';
import { createRawClient, type RawClient } from '../src/server/raw-client.js';
import type { RankingRequest } from '../src/tensors/index.js';
import { encodeMultiInferenceRequest } from '../src/wire/input.js';
import { protoType } from '../src/wire/protos.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240601);
const GRPC_CASES = Number(process.env.FUZZ_GRPC_CASES ?? 4000);
const REST_CASES = Number(process.env.FUZZ_REST_CASES ?? 600);
/** Wall-clock budget per phase; the test fails if too few cases ran in it. */
const BUDGET_MS = 25_000;
const CONCURRENCY = 16;
const S = grpc.status;

/** Statuses a well-behaved server may answer junk with. Anything else (DEADLINE_EXCEEDED, UNAVAILABLE, CANCELLED, UNKNOWN) means a hang, a crash or a dropped connection. */
const ANSWERS = new Set<number>([S.OK, S.INVALID_ARGUMENT, S.NOT_FOUND, S.FAILED_PRECONDITION, S.UNIMPLEMENTED, S.RESOURCE_EXHAUSTED, S.INTERNAL]);

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

class Mutator {
  constructor(
    private readonly rng: Prng,
    private readonly pool: Uint8Array[],
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
    return Uint8Array.from([...a, ...c]);
  }

  insert(b: Uint8Array, bytes: number[]): Uint8Array {
    const at = this.rng.int(0, b.length);
    return Uint8Array.from([...b.subarray(0, at), ...bytes, ...b.subarray(at)]);
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

  /** Length-delimited messages nested `depth` deep, or unterminated / deep groups. */
  deepNesting(): Uint8Array {
    const depth = this.pick([100, 1000, 5000, 20000]);
    if (this.rng.next() < 0.3) return Uint8Array.from(Array.from({ length: depth }, () => tagBytes(this.rng.int(1, 4), 3)).flat());
    const field = this.rng.int(1, 4);
    let inner: number[] = [...tagBytes(1, 2), ...varint(3), 0x61, 0x62, 0x63];
    const chunks: number[][] = [];
    // Build outside-in lengths without quadratic copying: compute sizes first.
    const sizes: number[] = [inner.length];
    for (let d = 0; d < depth; d++) sizes.push(sizes[d]! + tagBytes(field, 2).length + varint(sizes[d]!).length);
    for (let d = depth - 1; d >= 0; d--) chunks.push([...tagBytes(field, 2), ...varint(sizes[d]!)]);
    inner = [...chunks.flat(), ...inner];
    return Uint8Array.from(inner);
  }

  randomBytes(): Uint8Array {
    const n = this.pick([0, 1, 2, 5, 17, 100, 1000, 4000]);
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
        const body = depth < 4 && this.rng.next() < 0.6 ? this.randomProto(depth + 1) : this.randomBytes().subarray(0, 40);
        out.push(...varint(body.length), ...body);
      }
    }
    return Uint8Array.from(out);
  }

  /** A mutated or random message derived from `base`. */
  mutate(base: Uint8Array): Uint8Array {
    const r = this.rng.next();
    if (r < 0.05) return this.deepNesting();
    if (r < 0.1) return this.randomBytes();
    if (r < 0.17) return this.randomProto();
    if (r < 0.2) return Uint8Array.from([...base, ...base]);
    let b = base;
    for (let k = this.rng.int(1, 3); k > 0; k--) {
      const op = this.rng.int(0, 5);
      b = op === 0 ? this.flipBits(b) : op === 1 ? this.truncate(b) : op === 2 ? this.splice(b) : op === 3 ? this.hugeLength(b) : op === 4 ? this.wrongWireType(b) : this.insert(b, Array.from(this.randomBytes().subarray(0, 8)));
    }
    return b;
  }
}

function validRequests(req: RankingRequest): Record<MethodName, Uint8Array[]> {
  const meta = protoType('tensorflow.serving.GetModelMetadataRequest');
  const tasks = [
    { modelSpec: { name: 'ranker', signatureName: 'regression' }, methodName: 'tensorflow/serving/regress' },
    { modelSpec: { name: 'ranker', signatureName: 'classification' }, methodName: 'tensorflow/serving/classify' },
  ];
  const predict = FORMATS.filter((f) => f.rpc === 'Predict' && f.transport === 'grpc').map((f) => f.encode(req));
  const inputs = ['example-list', 'elwc'].map((id) => getFormat(id));
  return {
    Predict: predict,
    Regress: inputs.map((f) => f.encode(req)),
    Classify: inputs.map((f) => f.encode(req, { signatureName: 'classification' })),
    MultiInference: [encodeMultiInferenceRequest(tasks, req, 'example_list', 1 << 14), encodeMultiInferenceRequest(tasks, req, 'example_list_with_context', 1 << 14)],
    GetModelMetadata: [meta.encode(meta.fromObject({ model_spec: { name: 'ranker' }, metadata_field: ['signature_def'] })).finish()],
  };
}

/** Runs `count` cases `CONCURRENCY` at a time until done or out of time; returns how many ran. */
async function pump(count: number, one: (i: number) => Promise<void>): Promise<number> {
  const deadline = Date.now() + BUDGET_MS;
  let next = 0;
  let ran = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count && Date.now() < deadline) {
        const i = next++;
        await one(i);
        ran++;
      }
    }),
  );
  return ran;
}

describe('fuzz: every malformed message gets a status and the server keeps serving', () => {
  let server: RunningServer | undefined;
  let client: RawClient | undefined;
  const scenario = loadScenario('tiny');
  const req = generate(scenario);
  const valid = validRequests(req);
  const methods = Object.keys(valid) as MethodName[];
  const internal = new Map<string, number>();

  before(async () => {
    // A small message limit keeps "huge length" and bomb cases cheap.
    server = await startServer({ port: 0, restPort: 0, scenario, maxMessageBytes: 4 << 20 });
    client = createRawClient(server.grpcAddress);
  });
  after(async () => {
    client?.close();
    await server?.close();
  });

  const assertStillServing = async (): Promise<void> => {
    for (const m of methods) {
      for (const bytes of valid[m]) {
        const r = await client!.call(m, bytes, { deadlineMs: 10_000 });
        assert.equal(r.code, S.OK, `${m} after fuzzing: ${r.details}`);
      }
    }
  };

  it(`gRPC: ${GRPC_CASES} mutated and random messages across all five methods (seed ${SEED})`, async (t) => {
    const rng = new Prng(SEED, 'grpc-fuzz');
    const pool = methods.flatMap((m) => valid[m]);
    const mut = new Mutator(rng, pool);
    // Draw every case up front so the sequence depends only on the seed, not on timing.
    const cases = Array.from({ length: GRPC_CASES }, () => {
      const method = mut.pick(methods);
      // Mostly the method's own requests; sometimes another method's bytes.
      const base = rng.next() < 0.85 ? mut.pick(valid[method]) : mut.pick(pool);
      return { method, bytes: mut.mutate(base) };
    });
    const counts = new Map<number, number>();
    const ran = await pump(cases.length, async (i) => {
      const c = cases[i]!;
      const r = await client!.call(c.method, c.bytes, { deadlineMs: 10_000 });
      counts.set(r.code, (counts.get(r.code) ?? 0) + 1);
      assert.ok(ANSWERS.has(r.code), `case ${i} (${c.method}, ${c.bytes.length} bytes): status ${r.code} ${r.details}`);
      if (r.code === S.INTERNAL) {
        const key = `${c.method}: ${r.details.replace(/\d+/g, 'N')}`;
        internal.set(key, (internal.get(key) ?? 0) + 1);
      }
    });
    t.diagnostic(`gRPC cases run: ${ran}; statuses: ${JSON.stringify(Object.fromEntries(counts))}`);
    assert.ok(ran >= Math.min(GRPC_CASES, 2000), `only ${ran} cases ran in ${BUDGET_MS} ms`);
    await assertStillServing();
  });

  it(`REST: ${REST_CASES} mutated bodies at :predict (JSON, msgpack, gzip), :regress and :classify`, async (t) => {
    const rng = new Prng(SEED, 'rest-fuzz');
    const bodies = [
      { path: ':predict', type: 'application/json', bytes: getFormat('json-rows').encode(req) },
      { path: ':predict', type: 'application/json', bytes: getFormat('json-columnar').encode(req) },
      { path: ':predict', type: 'application/msgpack', bytes: getFormat('msgpack-columnar').encode(req) },
      { path: ':regress', type: 'application/json', bytes: Buffer.from('{"signature_name":"regression","examples":[{"item_f32":1.5,"item_i64":[3]}],"context":{"ctx_f32":2}}') },
    ];
    const mut = new Mutator(rng, bodies.map((b) => b.bytes));
    const deepJson = (depth: number): Uint8Array => Buffer.from(`{"inputs":{"item_f32":${'['.repeat(depth)}1${']'.repeat(depth)}}}`);
    const cases = Array.from({ length: REST_CASES }, () => {
      const b = mut.pick(bodies);
      const r = rng.next();
      const bytes = r < 0.05 ? deepJson(mut.pick([1000, 100_000])) : mut.mutate(b.bytes);
      const gzip = rng.next() < 0.1;
      return { path: rng.next() < 0.1 ? mut.pick([':predict', ':regress', ':classify']) : b.path, type: b.type, bytes: gzip ? mut.flipBits(gzipSync(bytes)) : bytes, gzip };
    });
    const counts = new Map<number, number>();
    const ran = await pump(cases.length, async (i) => {
      const c = cases[i]!;
      const res = await fetch(`http://${server!.restAddress}/v1/models/ranker${c.path}`, {
        method: 'POST',
        body: c.bytes,
        headers: { 'content-type': c.type, ...(c.gzip ? { 'content-encoding': 'gzip' } : {}) },
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
      if (res.status !== 200) {
        assert.ok(res.status >= 400 && res.status < 600, `case ${i}: HTTP ${res.status}`);
        const body = JSON.parse(text) as { error?: unknown };
        assert.equal(typeof body.error, 'string', `case ${i}: ${text.slice(0, 100)}`);
        if (res.status === 500) {
          const key = `REST ${c.path}: ${String(body.error).replace(/\d+/g, 'N')}`;
          internal.set(key, (internal.get(key) ?? 0) + 1);
        }
      }
    });
    t.diagnostic(`REST cases run: ${ran}; HTTP statuses: ${JSON.stringify(Object.fromEntries(counts))}`);
    assert.ok(ran >= Math.min(REST_CASES, 300), `only ${ran} cases ran in ${BUDGET_MS} ms`);
    await assertStillServing();
    const ok = await fetch(`http://${server!.restAddress}/v1/models/ranker:predict`, { method: 'POST', body: getFormat('json-rows').encode(req) });
    assert.equal(ok.status, 200);
  });

  it('reports decoder exceptions that were not DecodeError (answered INTERNAL)', (t) => {
    // Not a failure of the server: it answered. These are decoder bugs to fix upstream.
    for (const [k, n] of internal) t.diagnostic(`INTERNAL x${n}: ${k.slice(0, 300)}`);
  });
});
