// The values that break formats (the `edge` preset): -0, NaN payloads, ±Infinity, subnormals,
// float32 max, int64 extremes, invalid UTF-8, empty strings and lists, lists at their maximum
// length. Every format round-trips them bit for bit, or answers the documented refusal; the
// stub scores them identically whichever format carried them; 0 and 1 candidates work through
// the library API. JSON reads and writes NaN / Infinity / -Infinity as TF Serving does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FORMATS, getFormat, parseServingJsonText, type Format } from '../src/formats/index.js';
import { estimateExampleBytes } from '../src/formats/input-formats.js';
import { floatText, valuesText } from '../src/formats/json-values.js';
import { decodeScores } from '../src/load/decode-response.js';
import {
  EDGE_BYTES,
  EDGE_FLOAT32_BITS,
  EDGE_INT64,
  generate,
  loadScenario,
  Prng,
  type Scenario,
} from '../src/scenario/index.js';
import { createRawClient, RankingModel, startServer, type RawClient, type RunningServer } from '../src/server/index.js';
import { bytesEqual, toFeatureBatch, type RankingRequest } from '../src/tensors/index.js';
import { ProtoWriter } from '../src/wire/proto-writer.js';
import { beyondJsonInt64, checkRoundTrip, expectedRefusal } from './round-trip.js';

const edge = loadScenario('edge');
/** The edge preset without the int64 features that hold values beyond 2^53: what TF Serving's JSON can carry. */
function jsonSafe(s: Scenario): Scenario {
  const full = generate(s);
  const unsafe = new Set(beyondJsonInt64(full));
  return { ...s, features: s.features.filter((f) => !unsafe.has(f.name)) };
}
const TF_SERVING_FORMATS = FORMATS.filter((f) => !f.id.startsWith('oip-'));

describe('edge preset: the generator produces every edge value', () => {
  const req = generate(edge);
  const cols = [...req.columns.entries()];

  it('every float32 bit pattern, every int64 and every bytes value occurs', () => {
    const floats = new Set<number>();
    const ints = new Set<bigint>();
    const bytes: Uint8Array[] = [];
    for (const [, c] of cols) {
      if (c.values instanceof Float32Array)
        for (const b of new Uint32Array(c.values.buffer, c.values.byteOffset, c.values.length)) floats.add(b);
      else if (c.values instanceof BigInt64Array) for (const x of c.values) ints.add(x);
      else bytes.push(...c.values);
    }
    for (const b of EDGE_FLOAT32_BITS) assert.ok(floats.has(b), `float32 0x${b.toString(16)} never generated`);
    for (const x of EDGE_INT64) assert.ok(ints.has(x), `int64 ${x} never generated`);
    for (const e of EDGE_BYTES)
      assert.ok(
        bytes.some((b) => bytesEqual(b, e)),
        `bytes ${Buffer.from(e).toString('hex') || '(empty)'} never generated`,
      );
  });

  it('lists at their maximum length and empty lists; a context feature of every dtype', () => {
    for (const f of edge.features) {
      if (f.shape.kind !== 'list') continue;
      const splits = req.columns.get(f.name)!.rowSplits!;
      const lengths = Array.from({ length: splits.length - 1 }, (_, r) => splits[r + 1]! - splits[r]!);
      assert.ok(lengths.includes(f.shape.max), `${f.name}: no list of its maximum length ${f.shape.max}`);
      if (f.scope === 'item') assert.ok(lengths.includes(0), `${f.name}: no empty list`);
    }
    for (const dtype of ['float32', 'int64', 'bytes'] as const) {
      assert.ok(
        edge.features.some((f) => f.scope === 'context' && f.dtype === dtype),
        `no context ${dtype} feature`,
      );
    }
  });
});

describe('edge preset: round trip through every format (library API)', () => {
  for (const candidates of [16, 1, 0]) {
    it(`${candidates} candidates: bit for bit, or the documented refusal`, () => {
      const req = generate({ ...edge, candidates });
      const outcome = checkRoundTrip(req, `edge x${candidates}`);
      // The binary TF Serving formats carry everything (0 candidates: except the Input formats, as TF Serving).
      for (const id of [
        'tf-example',
        'tensor-typed',
        'tensor-content',
        'tensor-broadcast',
        'tensor-packed',
        'msgpack-columnar',
      ]) {
        assert.equal(outcome.get(id), 'ok', id);
      }
      if (candidates > 0) {
        assert.equal(outcome.get('json-rows'), 'refused', 'json-rows must refuse int64 beyond 2^53');
        assert.equal(outcome.get('example-list'), 'ok');
      }
    });
    it(`${candidates} candidates without the int64 extremes: the JSON formats carry -0, NaN, ±Infinity, subnormals, float32 max, invalid UTF-8`, () => {
      const req = generate({ ...jsonSafe(edge), candidates });
      const outcome = checkRoundTrip(req, `edge (JSON-safe) x${candidates}`);
      assert.equal(outcome.get('json-columnar'), 'ok');
      if (candidates > 0) assert.equal(outcome.get('json-rows'), 'ok');
    });
  }

  it('JSON formats decode every NaN as the canonical quiet NaN; binary formats keep payloads (the diff would say otherwise)', () => {
    const req = generate(jsonSafe(edge));
    const want = toFeatureBatch(req).tensors.get('item_f32')!.values as Float32Array;
    const payloads = new Uint32Array(want.buffer, want.byteOffset, want.length).filter(
      (b) => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0,
    );
    assert.ok(
      payloads.some((b) => b !== 0x7fc00000),
      'the fixture must hold a non-canonical NaN',
    );
    for (const id of ['json-rows', 'json-columnar']) {
      const f = getFormat(id);
      const got = f.decode(f.encode(req), req.schema).batch.tensors.get('item_f32')!.values as Float32Array;
      const bits = new Uint32Array(got.buffer, got.byteOffset, got.length);
      for (let i = 0; i < got.length; i++)
        if (Number.isNaN(got[i])) assert.equal(bits[i], 0x7fc00000, `${id} value ${i}`);
      assert.equal(f.nanPayloads, false, id);
    }
  });
});

describe('every writer makes progress for any size (zero candidates used to hang tf-example encode)', () => {
  it('ProtoWriter grows from a zero, NaN or negative size hint', () => {
    for (const hint of [0, Number.NaN, -5, 0.5, 1]) {
      const w = new ProtoWriter(hint);
      w.raw(new Uint8Array(1000).fill(7));
      w.string('x'.repeat(300));
      assert.equal(w.finish().length, 1000 + 2 + 300, `hint ${hint}`);
    }
  });

  it('the size estimate of a zero-candidate request is a finite number', () => {
    const r = generate({ ...edge, candidates: 0 });
    assert.ok(Number.isFinite(estimateExampleBytes(r)));
  });
});

describe("JSON numbers as TF Serving's REST API writes and reads them", () => {
  it('floatText: -0, NaN, ±Infinity, float32 max (below FLT_MAX as a double), subnormals', () => {
    assert.equal(floatText(-0), '-0');
    assert.equal(floatText(0), '0');
    assert.equal(floatText(NaN), 'NaN');
    assert.equal(floatText(Infinity), 'Infinity');
    assert.equal(floatText(-Infinity), '-Infinity');
    const max = new Float32Array(new Uint32Array([0x7f7fffff]).buffer)[0]!;
    assert.ok(Number(floatText(max)) <= 3.4028234663852886e38 && Math.fround(Number(floatText(max))) === max);
    assert.ok(Number(floatText(-max)) >= -3.4028234663852886e38);
    const sub = new Float32Array(new Uint32Array([1, 0x807fffff]).buffer);
    for (const x of sub) assert.ok(Object.is(Math.fround(Number(floatText(x))), x), `subnormal ${x}`);
  });

  it('parses the tokens rapidjson takes with kParseNanAndInfFlag, outside strings only', () => {
    const v = parseServingJsonText(
      '{"a":[NaN,-NaN,Infinity,-Infinity,Inf,-Inf,-0,1e-45],"s":"NaN Infinity","t":[ NaN , 2 ]}',
    ) as Record<string, unknown[]>;
    assert.ok(Number.isNaN(v.a![0]) && Number.isNaN(v.a![1]));
    assert.deepEqual(v.a!.slice(2, 6), [Infinity, -Infinity, Infinity, -Infinity]);
    assert.ok(Object.is(v.a![6], -0));
    assert.equal(v.a![7], 1e-45);
    assert.equal(v.s, 'NaN Infinity');
    assert.ok(Number.isNaN(v.t![0]) && v.t![1] === 2);
    for (const bad of [
      '[nan]',
      '[infinity]',
      '[NaNa]',
      '[Infinit]',
      '[Infinityy]',
      '[Infi]',
      '[-]',
      '[+1]',
      '[01]',
      '{"a":NaN',
      '["\\x"]',
      '[1,]',
      '{"a" 1}',
    ]) {
      assert.throws(() => parseServingJsonText(bad), /^JsonSyntaxError: JSON Parse error: .* at offset \d+/, bad);
    }
  });

  it('the slow path reads every number exactly as JSON.parse does, and "__proto__" as an own key', () => {
    const rng = new Prng(5, 'json-numbers');
    const f32 = new Float32Array(1);
    const bits = new Uint32Array(f32.buffer);
    const texts = [
      '0',
      '-0',
      '1e22',
      '1e23',
      '123456789012345',
      '1234567890123456',
      '9007199254740993',
      '1.5e-300',
      '4.9e-324',
      '1e-400',
      '1e400',
      '100e-2',
      '0.30000000000000004',
      '12345678901234567890e-10',
    ];
    for (let i = 0; i < 5000; i++) {
      bits[0] = rng.u32();
      const x = f32[0]!;
      if (Number.isFinite(x))
        texts.push(x.toPrecision(9), String(x), x.toExponential(), (rng.next() * 1e6).toFixed(rng.int(0, 12)));
    }
    // A leading NaN makes JSON.parse refuse the text, so the lenient parser reads all of it.
    const got = parseServingJsonText(`[NaN,${texts.join(',')}]`) as number[];
    texts.forEach((t, i) => assert.ok(Object.is(got[i + 1], JSON.parse(t)), `${t}: ${got[i + 1]}`));
    const o = parseServingJsonText('{"__proto__":{"x":1},"a":NaN}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(o), ['__proto__', 'a']);
    assert.equal(Object.getPrototypeOf(o), Object.prototype);
  });

  it('the float32 range check: a finite JSON number beyond float32 is refused as TF Serving does, Infinity is not', () => {
    const s: Scenario = {
      name: 'one',
      description: '',
      candidates: 1,
      seed: 1,
      features: [{ name: 'x', dtype: 'float32', scope: 'item', shape: { kind: 'scalar' }, dist: { kind: 'edge' } }],
    };
    const f = getFormat('json-columnar');
    assert.throws(
      () => f.decode(Buffer.from('{"inputs":{"x":[1e39]}}'), s),
      /inputs\["x"\]\[0\]: Cannot convert JSON value: 1e\+39 to float without loss of precision\./,
    );
    assert.equal(
      (f.decode(Buffer.from('{"inputs":{"x":[-Infinity]}}'), s).batch.tensors.get('x')!.values as Float32Array)[0],
      -Infinity,
    );
  });
});

describe('edge preset on the stub: identical scores from every format that carries it', () => {
  let server: RunningServer | undefined;
  let client: RawClient | undefined;
  const scenario = edge;
  before(async () => {
    server = await startServer({ port: 0, restPort: 0, scenario });
    client = createRawClient(server.grpcAddress);
  });
  after(async () => {
    client?.close();
    await server?.close();
  });

  async function send(
    f: Format,
    req: RankingRequest,
  ): Promise<{ ok: true; scores: Float32Array } | { ok: false; status: number; text: string }> {
    const bytes = f.encode(req);
    if (f.transport === 'grpc') {
      const r = await client!.call(f.rpc as 'Predict', bytes);
      if (r.code !== 0) return { ok: false, status: r.code, text: r.details };
      return { ok: true, scores: Float32Array.from(decodeScores(f, r.response!)) };
    }
    const res = await fetch(`http://${server!.restAddress}/v1/models/ranker:predict`, {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': f.contentType! },
    });
    const body = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200) return { ok: false, status: res.status, text: Buffer.from(body).toString() };
    return { ok: true, scores: Float32Array.from(decodeScores(f, body)) };
  }

  for (const [label, sc] of [
    ['full', edge],
    ['JSON-safe', jsonSafe(edge)],
  ] as const) {
    for (const candidates of [16, 1]) {
      it(`${label}, ${candidates} candidates`, async () => {
        const req = generate({ ...sc, candidates });
        // The server's schema is the full preset: serve the JSON-safe request through a server of its own schema.
        const srv = sc === edge ? undefined : await startServer({ port: 0, restPort: 0, scenario: sc });
        const c = srv ? createRawClient(srv.grpcAddress) : undefined;
        const [saveServer, saveClient] = [server, client];
        if (srv) [server, client] = [srv, c];
        try {
          const want = new RankingModel(req.schema).score(toFeatureBatch(req));
          assert.ok(
            want.every((x) => Number.isFinite(x)),
            'the model scores edge values finitely',
          );
          for (const f of TF_SERVING_FORMATS) {
            const r = await send(f, req);
            const refusal = expectedRefusal(f, req);
            if (refusal) {
              assert.ok(
                !r.ok && r.status === 400 && refusal.test(new Error((JSON.parse(r.text) as { error: string }).error)),
                `${f.id}: expected 400 with ${refusal.what}, got ${JSON.stringify(r).slice(0, 300)}`,
              );
              continue;
            }
            assert.ok(r.ok, `${f.id}: ${JSON.stringify(r).slice(0, 300)}`);
            assert.deepEqual(
              [...new Uint32Array(r.scores.buffer)],
              [...new Uint32Array(want.buffer)],
              `${f.id}: scores differ bitwise`,
            );
          }
        } finally {
          if (srv) {
            c!.close();
            await srv.close();
            [server, client] = [saveServer, saveClient];
          }
        }
      });
    }
  }

  it(':regress and :classify examples carry NaN, ±Infinity, -0 and b64 bytes as TF Serving reads them: same scores as gRPC', async () => {
    const sc = jsonSafe(edge);
    const r = generate(sc);
    const srv = await startServer({ port: 0, restPort: 0, scenario: sc });
    try {
      const text = (f: (typeof sc.features)[number], row: number): string => {
        const col = r.columns.get(f.name)!;
        if (col.rowSplits) return `[${valuesText(col.values, col.rowSplits[row]!, col.rowSplits[row + 1]!)}]`;
        const w = f.shape.kind === 'vector' ? f.shape.length : 1;
        const body = valuesText(col.values, row * w, row * w + w);
        return f.shape.kind === 'vector' ? `[${body}]` : body;
      };
      const ctx = sc.features.filter((f) => f.scope === 'context');
      const items = sc.features.filter((f) => f.scope === 'item');
      const context = `{${ctx.map((f) => `${JSON.stringify(f.name)}:${text(f, 0)}`).join(',')}}`;
      const examples = Array.from(
        { length: r.candidates },
        (_, i) => `{${items.map((f) => `${JSON.stringify(f.name)}:${text(f, i)}`).join(',')}}`,
      );
      assert.match(examples.join(','), /NaN/);
      assert.match(examples.join(','), /-Infinity/);
      const want = new RankingModel(r.schema).score(toFeatureBatch(r));
      for (const verb of ['regress', 'classify']) {
        const sig = verb === 'regress' ? 'regression' : 'classification';
        const res = await fetch(`http://${srv.restAddress}/v1/models/ranker:${verb}`, {
          method: 'POST',
          body: `{"signature_name":"${sig}","context":${context},"examples":[${examples.join(',')}]}`,
        });
        const body = await res.text();
        assert.equal(res.status, 200, body.slice(0, 300));
        const results = (parseServingJsonText(body) as { results: unknown[] }).results;
        const got = Float32Array.from(results, (x) =>
          verb === 'regress' ? (x as number) : (x as [[string, number]])[0][1],
        );
        assert.deepEqual(
          [...new Uint32Array(got.buffer)],
          [...new Uint32Array(want.buffer)],
          `${verb}: scores differ bitwise`,
        );
      }
    } finally {
      await srv.close();
    }
  });

  it('NaN and Infinity scores come back through the REST response decoder', () => {
    const f = getFormat('json-rows');
    const got = decodeScores(f, Buffer.from('{"predictions":[NaN,Infinity,-Infinity,-0,0.5]}'));
    assert.ok(Number.isNaN(got[0]));
    assert.deepEqual([...got].slice(1), [Infinity, -Infinity, -0, 0.5]);
  });
});
