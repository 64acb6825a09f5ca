// The one-pass PredictRequest encoder: every length computed up front, tensors filled in place.
// Checked byte for byte against the plain growing writer (lengths patched after each body),
// on the awkward cases: multi-byte and lone-surrogate names, int64 extremes, empty values,
// zero dimensions, large dimensions, and filled tensors landing aligned and unaligned.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toNamedTensors } from '../src/formats/columnar.js';
import { getFormat } from '../src/formats/index.js';
import { generate, loadScenario } from '../src/scenario/index.js';
import type { FilledTensor, NamedTensor, WireTensor } from '../src/tensors/index.js';
import { diffBatches, toFeatureBatch } from '../src/tensors/index.js';
import { writeModelSpec, type ModelSpec } from '../src/wire/model-spec.js';
import { decodePredictRequest, encodePredictRequest } from '../src/wire/predict-request.js';
import { ProtoWriter, utf8Length, varint64Size, WIRE_LEN } from '../src/wire/proto-writer.js';
import { writeTensorProto, type NumericEncoding } from '../src/wire/tensor-proto.js';

/** The reference: a growing writer that learns each length after writing the body. */
function reference(spec: ModelSpec, tensors: readonly WireTensor[], enc: NumericEncoding): Uint8Array {
  const w = new ProtoWriter(16);
  writeModelSpec(w, 1, spec);
  for (const t of tensors) {
    w.tag(2, WIRE_LEN);
    const entry = w.begin();
    w.tag(1, WIRE_LEN);
    w.string(t.name);
    w.tag(2, WIRE_LEN);
    const body = w.begin();
    writeTensorProto(w, t, enc);
    w.end(body);
    w.end(entry);
  }
  return w.finish();
}

const SPEC: ModelSpec = { name: 'model', signatureName: 'serving_default' };
const utf8 = new TextEncoder();
const bytes = (s: string): Uint8Array => utf8.encode(s);

function filled(name: string, rows: number, cols: number, seed: number): FilledTensor {
  return {
    name,
    dtype: 'float32',
    shape: [rows, cols],
    fill: (bits) => {
      for (let i = 0; i < bits.length; i++) bits[i] = (i * 2654435761 + seed) | 0;
    },
  };
}

function cases(): { label: string; tensors: WireTensor[] }[] {
  const int64 = BigInt64Array.from([0n, 1n, -1n, 127n, 128n, 2n ** 32n, 2n ** 63n - 1n, -(2n ** 63n), 300n]);
  const floats = Float32Array.from([0, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -3e38]);
  return [
    { label: 'no tensors', tensors: [] },
    {
      label: 'every dtype, names of 1-4 byte characters, a lone surrogate and 200 characters',
      tensors: [
        { name: 'a', dtype: 'float32', shape: [2, 3], values: floats },
        { name: 'ü名', dtype: 'int64', shape: [int64.length], values: int64 },
        { name: '😀', dtype: 'bytes', shape: [3], values: [bytes(''), bytes('x'.repeat(200)), bytes('ok')] },
        { name: '\ud800x', dtype: 'float32', shape: [1], values: Float32Array.from([7]) },
        { name: 'n'.repeat(200), dtype: 'int64', shape: [1], values: BigInt64Array.from([-5n]) },
      ],
    },
    {
      label: 'empty values, zero and large dimensions, an empty name',
      tensors: [
        { name: '', dtype: 'float32', shape: [0], values: new Float32Array(0) },
        { name: 'e64', dtype: 'int64', shape: [0, 3], values: new BigInt64Array(0) },
        { name: 'es', dtype: 'bytes', shape: [0], values: [] },
        { name: 'big', dtype: 'float32', shape: [2 ** 33, 0], values: new Float32Array(0) },
        filled('f0', 0, 5, 1),
      ],
    },
    {
      // The first filled tensor lands aligned and is written in place; the later ones are
      // offset by 1-3 bytes (names of odd length) and go through the scratch copy.
      label: 'filled tensors, aligned and not',
      tensors: [
        filled('packed', 17, 33, 3),
        { name: 'x', dtype: 'int64', shape: [2], values: BigInt64Array.from([1n, 2n]) },
        filled('p1', 3, 5, 4),
        filled('p22', 4, 4, 5),
        filled('p333', 1, 1000, 6),
      ],
    },
    {
      label: 'a message over 2 MB (lengths of 3-4 varint bytes)',
      tensors: [
        { name: 'wide', dtype: 'float32', shape: [600_000], values: new Float32Array(600_000).fill(0.25) },
        filled('after', 1000, 300, 7),
      ],
    },
  ];
}

describe('one-pass PredictRequest encoder', () => {
  for (const enc of ['content', 'typed'] as const) {
    for (const c of cases()) {
      it(`writes the reference bytes (${enc}): ${c.label}`, () => {
        const got = encodePredictRequest(SPEC, c.tensors, enc);
        assert.ok(got instanceof Uint8Array && !(got instanceof Buffer), 'a plain Uint8Array');
        assert.deepEqual(new Uint8Array(got), reference(SPEC, c.tensors, enc));
      });
    }
  }

  it('never grows its buffer: the message owns at most its size plus the fixed slack and shift', () => {
    // A typed int64 tensor last: reserving the worst case (10 bytes a value) used to grow and copy.
    const ids = BigInt64Array.from({ length: 1000 }, (_, i) => BigInt(i));
    for (const tensors of [
      [{ name: 'ids', dtype: 'int64' as const, shape: [1000], values: ids }],
      cases()[1]!.tensors,
    ]) {
      const out = encodePredictRequest(SPEC, tensors, 'typed');
      assert.ok(out.buffer.byteLength - out.byteLength <= 24, `${out.buffer.byteLength} for ${out.byteLength}`);
    }
  });

  it('places the first filled tensor 8-byte aligned in its buffer and fills it in place', () => {
    for (const pad of ['', 'm', 'mo', 'mod', 'mode', 'model12']) {
      let seen: Int32Array | undefined;
      const t = filled('packed_item_dense', 10, 7, 9);
      const probe: FilledTensor = {
        ...t,
        fill: (b) => {
          seen = b;
          t.fill(b);
        },
      };
      const out = encodePredictRequest({ name: pad, signatureName: '' }, [probe], 'content');
      assert.ok(seen);
      assert.equal(seen.buffer, out.buffer, `model name ${JSON.stringify(pad)}: filled in the output itself`);
      assert.equal(seen.byteOffset % 8, 0);
    }
  });

  it('decodes what it wrote, 64-bit extremes and float bit patterns included', () => {
    const [, c] = cases();
    const { inputs } = decodePredictRequest(encodePredictRequest(SPEC, c!.tensors, 'typed'));
    for (const t of c!.tensors as NamedTensor[]) {
      // A lone surrogate goes out as U+FFFD, as TextEncoder writes it.
      const got = inputs.get(new TextDecoder().decode(utf8.encode(t.name)))!;
      assert.deepEqual(got.shape, t.shape);
      const bits = (v: Float32Array): Uint32Array => new Uint32Array(v.buffer, v.byteOffset, v.length);
      if (t.values instanceof Float32Array) assert.deepEqual(bits(got.values as Float32Array), bits(t.values));
      else assert.deepEqual(got.values, t.values);
    }
  });

  it('sizes UTF-8 and varints as the writer writes them', () => {
    for (const s of [
      '',
      'abc',
      'é',
      '名前',
      '😀',
      '\ud800',
      '\udc00',
      'a\ud83d',
      '\ud83d\ude00\ud83d',
      'x'.repeat(300),
    ])
      assert.equal(utf8Length(s), utf8.encode(s).length, JSON.stringify(s));
    const halves = new Int32Array(2);
    for (const v of [
      0n,
      1n,
      127n,
      128n,
      2n ** 28n - 1n,
      2n ** 28n,
      2n ** 32n - 1n,
      2n ** 32n,
      2n ** 35n,
      2n ** 63n,
      2n ** 64n - 1n,
    ]) {
      halves[0] = Number(BigInt.asIntN(32, v));
      halves[1] = Number(BigInt.asIntN(32, v >> 32n));
      const w = new ProtoWriter(16);
      w.varint64(halves[0]!, halves[1]!);
      assert.equal(varint64Size(halves[0]!, halves[1]!), w.finish().length, String(v));
    }
  });
});

describe('tensor-packed encode fills its matrix in place', () => {
  for (const preset of ['etsy-search', 'edge']) {
    it(`gives the bytes of the materialized matrix and decodes to the request (${preset})`, () => {
      const req = generate(loadScenario(preset, { candidates: 37 }));
      const format = getFormat('tensor-packed');
      const got = format.encode(req);
      const materialized = toNamedTensors(req, { contextOnce: true, pack: true });
      assert.deepEqual(
        new Uint8Array(got),
        reference({ name: 'ranker', signatureName: format.signature }, materialized, 'content'),
      );
      const { batch } = format.decode(got, req.schema);
      assert.equal(diffBatches(req.schema, batch, toFeatureBatch(req)), undefined);
    });
  }
});
