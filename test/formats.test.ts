// Every format carries the same information: decode(encode(r)) equals the canonical
// tensors of r, value for value, for every preset and several seeds; the wire bytes
// agree with an independent protobufjs decode of our own .proto files.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORMATS, FormatError, getFormat, parseFormatList, formatIds, methodLabel } from '../src/formats/index.js';
import { decodeTfExampleWithProtobufjs } from './reference/protobufjs-tf-example.js';
import { presetNames } from '../src/scenario/index.js';
import {
  diffBatches,
  toFeatureBatch,
  type FeatureBatch,
  type RankingRequest,
  type Schema,
} from '../src/tensors/index.js';
import { DecodeError } from '../src/wire/proto-reader.js';
import { protoType } from '../src/wire/protos.js';
import { testRequest } from './helpers.js';
import { checkRoundTrip } from './round-trip.js';

describe('round trip: every format decodes to the canonical tensors', () => {
  for (const preset of presetNames()) {
    for (const seed of [1, 2, 31337]) {
      it(`${preset} seed ${seed}`, () => {
        checkRoundTrip(testRequest(preset, seed), `${preset} seed ${seed}`);
      });
    }
  }

  it('decoding into a copy of the bytes gives the same batch (no reliance on buffer identity)', () => {
    const req = testRequest('tiny');
    for (const f of FORMATS) {
      const bytes = f.encode(req);
      const shifted = new Uint8Array(bytes.length + 3).subarray(3);
      shifted.set(bytes);
      assert.equal(diffBatches(req.schema, toFeatureBatch(req), f.decode(shifted, req.schema).batch), undefined, f.id);
    }
  });

  it('gRPC formats carry the model spec; signature names match the format', () => {
    const req = testRequest('tiny');
    for (const f of FORMATS.filter((x) => x.transport === 'grpc')) {
      const d = f.decode(f.encode(req, { modelName: 'm1' }), req.schema);
      assert.equal(d.modelSpec?.name, 'm1', f.id);
      assert.equal(d.modelSpec?.signatureName, f.signature, f.id);
    }
  });
});

describe('wire compatibility with the .proto files (protobufjs as an independent decoder)', () => {
  const req = testRequest('tiny');
  const want = toFeatureBatch(req);

  it('tf-example: protobufjs decode-then-gather equals our parser', () => {
    const bytes = getFormat('tf-example').encode(req);
    assert.equal(diffBatches(req.schema, want, decodeTfExampleWithProtobufjs(bytes, req.schema)), undefined);
  });

  it('tensor formats: protobufjs reads every TensorProto with the dtype, shape and values we wrote', () => {
    const Predict = protoType('tensorflow.serving.PredictRequest');
    for (const id of ['tensor-typed', 'tensor-content', 'tensor-broadcast', 'tensor-packed']) {
      const msg = Predict.toObject(Predict.decode(getFormat(id).encode(req)), { longs: String, bytes: Array }) as {
        model_spec: { name: string; signature_name: string };
        inputs: Record<
          string,
          {
            dtype: number;
            tensor_shape: { dim: { size?: string }[] };
            float_val?: number[];
            int64_val?: string[];
            string_val?: number[][];
            tensor_content?: number[];
          }
        >;
      };
      assert.equal(msg.model_spec.name, 'ranker');
      const dims = (name: string): number[] => msg.inputs[name]!.tensor_shape.dim.map((d) => Number(d.size ?? 0));
      if (id === 'tensor-packed') {
        assert.equal(msg.inputs.item_f32, undefined);
        // item_f32 (1) + item_f32_vec (4) per candidate; ctx_f32 (1) + ctx_f32_vec (3) once.
        assert.deepEqual(dims('packed_item_dense'), [req.candidates, 5]);
        assert.deepEqual(dims('packed_context_dense'), [1, 4]);
        const packed = new Float32Array(Uint8Array.from(msg.inputs.packed_item_dense!.tensor_content!).buffer);
        assert.deepEqual(
          [0, 1, 2, 3].map((r) => packed[r * 5]),
          [...(want.tensors.get('item_f32')!.values as Float32Array)],
        );
      } else {
        const f32 = msg.inputs.item_f32!;
        assert.equal(f32.dtype, 1, `${id} item_f32 dtype`);
        assert.deepEqual(dims('item_f32'), [req.candidates]);
        const values =
          id === 'tensor-typed'
            ? Float32Array.from(f32.float_val!)
            : new Float32Array(Uint8Array.from(f32.tensor_content!).buffer);
        assert.deepEqual([...values], [...(want.tensors.get('item_f32')!.values as Float32Array)], id);
        assert.deepEqual(dims('ctx_f32_vec'), id === 'tensor-broadcast' ? [1, 3] : [req.candidates, 3]);
      }
      const ids = msg.inputs.item_i64_vec!;
      assert.equal(ids.dtype, 9);
      const idValues =
        id === 'tensor-typed'
          ? ids.int64_val!.map(BigInt)
          : [...new BigInt64Array(Uint8Array.from(ids.tensor_content!).buffer)];
      assert.deepEqual(idValues, [...(want.tensors.get('item_i64_vec')!.values as BigInt64Array)], id);
      const splits = msg.inputs.item_i64_list_row_splits!;
      assert.equal(splits.dtype, 9);
      const s = msg.inputs.item_bytes!;
      assert.equal(s.dtype, 7);
      assert.deepEqual(
        s.string_val!.map((b) => Buffer.from(b).toString()),
        (want.tensors.get('item_bytes')!.values as Uint8Array[]).map((b) => Buffer.from(b).toString()),
      );
    }
  });

  it('example-list and elwc: protobufjs reads the RegressionRequest Input', () => {
    const Regression = protoType('tensorflow.serving.RegressionRequest');
    const list = Regression.toObject(Regression.decode(getFormat('example-list').encode(req))) as {
      input: { example_list: { examples: unknown[] } };
    };
    assert.equal(list.input.example_list.examples.length, req.candidates);
    const elwc = Regression.toObject(Regression.decode(getFormat('elwc').encode(req))) as {
      input: {
        example_list_with_context: {
          examples: { features: { feature: Record<string, unknown> } }[];
          context: { features: { feature: Record<string, unknown> } };
        };
      };
    };
    const e = elwc.input.example_list_with_context;
    assert.equal(e.examples.length, req.candidates);
    const ctxNames = req.schema.features
      .filter((f) => f.scope === 'context')
      .map((f) => f.name)
      .sort();
    assert.deepEqual(Object.keys(e.context.features.feature).sort(), ctxNames);
    assert.ok(Object.keys(e.examples[0]!.features.feature).every((k) => !ctxNames.includes(k)));
  });

  it('our decoder reads messages protobufjs encodes (typed values, unpacked-compatible)', () => {
    const Predict = protoType('tensorflow.serving.PredictRequest');
    const schema: Schema = {
      features: [
        {
          name: 'x',
          dtype: 'float32',
          scope: 'item',
          shape: { kind: 'scalar' },
          dist: { kind: 'continuous', mean: 0, std: 1, lognormal: false },
        },
      ],
    };
    const bytes = Predict.encode(
      Predict.fromObject({
        model_spec: { name: 'ranker', signature_name: 'serving_default' },
        inputs: { x: { dtype: 1, tensor_shape: { dim: [{ size: 3 }] }, float_val: [1.5, -2, 0.25] } },
      }),
    ).finish();
    const got = getFormat('tensor-typed').decode(bytes, schema).batch;
    assert.deepEqual([...(got.tensors.get('x')!.values as Float32Array)], [1.5, -2, 0.25]);
  });
});

describe('determinism', () => {
  it('same scenario and seed give byte-identical payloads whatever order formats are built in', () => {
    const a = testRequest('etsy-search');
    const b = testRequest('etsy-search');
    const forward = FORMATS.map((f) => f.encode(a));
    const backward = [...FORMATS]
      .reverse()
      .map((f) => f.encode(b))
      .reverse();
    forward.forEach((bytes, i) => assert.deepEqual(bytes, backward[i], FORMATS[i]!.id));
  });

  it('different seeds give different payloads', () => {
    const a = getFormat('tensor-content').encode(testRequest('tiny', 1));
    const b = getFormat('tensor-content').encode(testRequest('tiny', 2));
    assert.notDeepEqual(a, b);
  });
});

describe('format registry', () => {
  it('lists the ten formats of the design, in order', () => {
    assert.deepEqual(formatIds(), [
      'json-rows',
      'json-columnar',
      'tf-example',
      'example-list',
      'elwc',
      'tensor-typed',
      'tensor-content',
      'tensor-broadcast',
      'tensor-packed',
      'msgpack-columnar',
      'oip-typed',
      'oip-raw',
      'oip-json',
      'oip-binary',
    ]);
  });
  it('unknown ids name the bad value and the allowed ones', () => {
    assert.throws(
      () => getFormat('protobuf'),
      (e: Error) => e instanceof FormatError && /unknown format "protobuf" \(formats: json-rows, /.test(e.message),
    );
    assert.throws(() => parseFormatList('tf-example,nope'), /unknown format "nope"/);
    assert.throws(() => parseFormatList('elwc,elwc'), /listed twice/);
    assert.equal(parseFormatList('all').length, 14);
  });
  it('method labels', () => {
    assert.equal(methodLabel(getFormat('tensor-content')), '/tensorflow.serving.PredictionService/Predict');
    assert.equal(methodLabel(getFormat('oip-raw')), '/inference.GRPCInferenceService/ModelInfer');
    assert.equal(methodLabel(getFormat('oip-binary'), 'my model'), 'POST /v2/models/my%20model/infer');
    assert.equal(methodLabel(getFormat('elwc')), '/tensorflow.serving.PredictionService/Regress');
    assert.equal(methodLabel(getFormat('json-rows')), 'POST /v1/models/ranker:predict');
  });
});

describe('decoders reject bad bytes with DecodeError, never another exception', () => {
  const req = testRequest('tiny');
  for (const f of FORMATS) {
    it(f.id, () => {
      const good = f.encode(req);
      let rejected = 0;
      // Every truncation point of a small message, and seeded single-byte corruptions.
      const cases: Uint8Array[] = [];
      for (let cut = 0; cut < good.length; cut += Math.max(1, Math.floor(good.length / 200)))
        cases.push(good.subarray(0, cut));
      let s = 12345;
      for (let k = 0; k < 300; k++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        const copy = good.slice();
        copy[s % copy.length] ^= 1 << ((s >>> 8) & 7);
        cases.push(copy);
      }
      for (const c of cases) {
        try {
          const d: FeatureBatch = f.decode(c, req.schema).batch;
          assert.ok(d.candidates >= 0);
        } catch (err) {
          assert.ok(err instanceof DecodeError, `${f.id}: ${(err as Error).name}: ${(err as Error).message}`);
          rejected++;
        }
      }
      assert.ok(rejected > 0, `${f.id} rejected nothing`);
    });
  }

  it('missing and extra inputs, wrong dtypes and lengths are named', () => {
    const tiny = testRequest('tiny');
    const other = { features: tiny.schema.features.filter((f) => f.name !== 'item_f32') };
    assert.throws(
      () => getFormat('tensor-content').decode(getFormat('tensor-content').encode(tiny), other),
      /input tensor alias not found in signature: item_f32/,
    );
    const more: Schema = {
      features: [...tiny.schema.features, { ...tiny.schema.features[0]!, name: 'extra_feature' }],
    };
    assert.throws(
      () => getFormat('tensor-content').decode(getFormat('tensor-content').encode(tiny), more),
      /Missing: \{extra_feature\}/,
    );
    assert.throws(
      () => getFormat('tf-example').decode(getFormat('tf-example').encode(tiny), more),
      /Feature: extra_feature \(data type: float\) is required but could not be found/,
    );
    const retyped: Schema = {
      features: tiny.schema.features.map((f) => (f.name === 'item_f32' ? { ...f, dtype: 'int64' as const } : f)),
    };
    assert.throws(
      () => getFormat('elwc').decode(getFormat('elwc').encode(tiny), retyped),
      /Key: item_f32, Index: 0.  Data types don't match. Expected type: int64, Actual type: float/,
    );
    assert.throws(
      () => getFormat('json-columnar').decode(getFormat('json-columnar').encode(tiny), retyped),
      /item_f32/,
    );
    const widened: Schema = {
      features: tiny.schema.features.map((f) =>
        f.name === 'item_f32_vec' ? { ...f, shape: { kind: 'vector' as const, length: 5 } } : f,
      ),
    };
    assert.throws(
      () => getFormat('tensor-typed').decode(getFormat('tensor-typed').encode(tiny), widened),
      /input "item_f32_vec": expected shape \[4,5\]/,
    );
    assert.throws(
      () => getFormat('example-list').decode(getFormat('example-list').encode(tiny), widened),
      /Number of float values != expected.  Values size: 4 but output shape: \[5\]/,
    );
    assert.throws(
      () => getFormat('json-rows').decode(getFormat('json-rows').encode(tiny), widened),
      /expected a list of 5 values/,
    );
  });
});

describe('hostile JSON and tensors are refused before allocating', () => {
  const req = testRequest('tiny');
  const td = new TextEncoder();
  it('json-columnar: very deep nesting is a DecodeError, not a stack overflow', () => {
    const body = td.encode(`{"inputs":{"item_f32":${'['.repeat(100_000)}1${']'.repeat(100_000)}}}`);
    assert.throws(
      () => getFormat('json-columnar').decode(body, req.schema),
      (e: Error) => e instanceof DecodeError && /deeper than rank/.test(e.message),
    );
  });
  it('json-columnar: first rows that imply a huge shape are a DecodeError', () => {
    const row = `[${Array.from({ length: 1000 }, () => '1').join(',')}]`;
    const body = td.encode(`{"inputs":{"item_f32":[${row}${',[]'.repeat(999)}]}}`);
    assert.throws(
      () => getFormat('json-columnar').decode(body, req.schema),
      (e: Error) => e instanceof DecodeError && /ragged nested list/.test(e.message),
    );
  });
  it('tensor int64 values are counted before the shape is allocated', () => {
    const Predict = protoType('tensorflow.serving.PredictRequest');
    const bytes = Predict.encode(
      Predict.fromObject({
        inputs: { item_i64: { dtype: 9, tensor_shape: { dim: [{ size: 2 ** 31 }] }, int64_val: [5] } },
      }),
    ).finish();
    assert.throws(
      () => getFormat('tensor-typed').decode(bytes, req.schema),
      (e: Error) => e instanceof DecodeError && /tensor parsing error: item_i64/.test(e.message),
    );
  });
});
