// Open Inference Protocol formats (oip-typed, oip-raw, oip-json, oip-binary): wire
// compatibility with protobufjs reading our own protos/inference/ (both directions), the
// binary tensor data extension's framing errors, and Triton-worded refusals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getFormat } from '../src/formats/index.js';
import { decodeModelInfer } from '../src/formats/oip-grpc.js';
import { decodeOipRest, encodeOipBinary, jsonHeaderLength } from '../src/formats/oip-rest.js';
import { oipTensors } from '../src/formats/oip-tensors.js';
import { generate, loadScenario } from '../src/scenario/index.js';
import { diffBatches, toFeatureBatch } from '../src/tensors/index.js';
import { encodeModelInferResponse, readInferResponseOutput } from '../src/wire/oip-infer-response.js';
import { toRaw } from '../src/wire/oip-raw.js';
import { oipType } from '../src/wire/oip-protos.js';
import { DecodeError } from '../src/wire/proto-reader.js';
import { testRequest } from './helpers.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const req = testRequest('tiny');
const want = toFeatureBatch(req);
const tensors = oipTensors(req);
const ModelInferRequest = oipType('ModelInferRequest');
const DATATYPE = { float32: 'FP32', int64: 'INT64', bytes: 'BYTES' } as const;

function contentsOf(t: (typeof tensors)[number]): Obj {
  const v = t.values;
  if (Array.isArray(v)) return { bytes_contents: v };
  if (v instanceof Float32Array) return { fp32_contents: Array.from(v) };
  return { int64_contents: Array.from(v, String) };
}

describe('OIP gRPC formats against protobufjs (protos/inference)', () => {
  it('oip-typed: protobufjs reads every input with the name, datatype, shape and typed contents we wrote', () => {
    const msg = ModelInferRequest.toObject(ModelInferRequest.decode(getFormat('oip-typed').encode(req)), {
      longs: String,
    }) as Obj;
    assert.equal(msg.model_name, 'ranker');
    assert.equal(msg.raw_input_contents, undefined);
    assert.equal(msg.inputs.length, tensors.length);
    msg.inputs.forEach((input: Obj, i: number) => {
      const t = tensors[i]!;
      assert.equal(input.name, t.name);
      assert.equal(input.datatype, DATATYPE[t.dtype]);
      assert.deepEqual(input.shape.map(Number), t.shape);
      const c = input.contents ?? {};
      if (Array.isArray(t.values))
        assert.deepEqual(
          (c.bytes_contents ?? []).map((b: Uint8Array) => Buffer.from(b).toString('hex')),
          t.values.map((b) => Buffer.from(b).toString('hex')),
          t.name,
        );
      else if (t.values instanceof Float32Array)
        assert.deepEqual(Float32Array.from(c.fp32_contents ?? []), t.values, t.name);
      else assert.deepEqual(c.int64_contents ?? [], Array.from(t.values, String), t.name);
    });
  });

  it('oip-raw: protobufjs reads one raw_input_contents entry per input, in input order, and no contents', () => {
    const msg = ModelInferRequest.toObject(ModelInferRequest.decode(getFormat('oip-raw').encode(req)), {
      longs: String,
    }) as Obj;
    assert.equal(msg.raw_input_contents.length, tensors.length);
    msg.inputs.forEach((input: Obj, i: number) => {
      assert.equal(input.contents, undefined);
      assert.equal(
        Buffer.from(msg.raw_input_contents[i]).toString('hex'),
        Buffer.from(toRaw(tensors[i]!.values)).toString('hex'),
        tensors[i]!.name,
      );
    });
  });

  for (const raw of [false, true]) {
    it(`we decode what protobufjs writes (${raw ? 'raw_input_contents' : 'typed contents'}, fields in a different order)`, () => {
      const inputs = [...tensors].reverse().map((t) => ({
        name: t.name,
        datatype: DATATYPE[t.dtype],
        shape: t.shape,
        ...(raw ? {} : { contents: contentsOf(t) }),
      }));
      const obj: Obj = {
        model_name: 'ranker',
        model_version: '1',
        id: 'req-7',
        inputs,
        parameters: { priority: { int64_param: '3' } },
      };
      if (raw) obj.raw_input_contents = [...tensors].reverse().map((t) => toRaw(t.values));
      const bytes = ModelInferRequest.encode(ModelInferRequest.fromObject(obj)).finish();
      const d = decodeModelInfer(bytes, req.schema);
      assert.equal(diffBatches(req.schema, want, d.batch), undefined);
      assert.equal(d.id, 'req-7');
      assert.equal(d.modelVersion, '1');
    });
  }

  it('the response codec: protobufjs reads our ModelInferResponse, we read protobufjs-written typed and raw ones', () => {
    const scores = Float32Array.from([0.25, -1.5, 3]);
    const R = oipType('ModelInferResponse');
    const ours = R.toObject(
      R.decode(encodeModelInferResponse({ modelName: 'ranker', modelVersion: '1', id: 'x' }, 'scores', scores)),
      { longs: Number },
    ) as Obj;
    assert.deepEqual(ours.outputs, [{ name: 'scores', datatype: 'FP32', shape: [3] }]);
    assert.deepEqual(new Float32Array(new Uint8Array(ours.raw_output_contents[0]).buffer), scores);
    const typed = R.encode(
      R.fromObject({
        outputs: [
          { name: 'other', datatype: 'INT64', shape: [1], contents: { int64_contents: [5] } },
          { name: 'scores', datatype: 'FP32', shape: [3], contents: { fp32_contents: Array.from(scores) } },
        ],
      }),
    ).finish();
    assert.deepEqual(readInferResponseOutput(typed, 'scores'), scores);
    assert.throws(() => readInferResponseOutput(typed, 'other'), /is INT64, expected FP32/);
  });
});

describe('OIP request checks, worded as Triton', () => {
  const typed = (mutate: (o: Obj) => void): Uint8Array => {
    const obj: Obj = {
      model_name: 'ranker',
      inputs: tensors.map((t) => ({
        name: t.name,
        datatype: DATATYPE[t.dtype],
        shape: t.shape,
        contents: contentsOf(t),
      })),
    };
    mutate(obj);
    return ModelInferRequest.encode(ModelInferRequest.fromObject(obj)).finish();
  };
  const refuses = (bytes: Uint8Array, re: RegExp): void => {
    assert.throws(
      () => decodeModelInfer(bytes, req.schema),
      (e: Error) => e instanceof DecodeError && re.test(e.message),
    );
  };

  it('missing, unknown and repeated inputs, wrong datatype, contents with raw, wrong element count', () => {
    refuses(
      typed((o) => o.inputs.pop()),
      /^expected \d+ inputs but got \d+ inputs for model 'ranker'\. .*missing required input\(s\) \['/,
    );
    refuses(
      typed((o) => o.inputs.push({ ...o.inputs[0], name: 'nope' })),
      /^unexpected inference input 'nope' for model 'ranker'$/,
    );
    refuses(
      typed((o) => o.inputs.push(o.inputs[0])),
      /already exists in request/,
    );
    const f = tensors.find((t) => t.dtype === 'float32')!;
    refuses(
      typed((o) => (o.inputs.find((i: Obj) => i.name === f.name).datatype = 'FP64')),
      new RegExp(`^inference input '${f.name}' data-type is 'FP64', but model 'ranker' expects 'FP32'$`),
    );
    refuses(
      typed((o) => (o.inputs.find((i: Obj) => i.name === f.name).datatype = 'FLOAT')),
      /invalid datatype 'FLOAT'/,
    );
    refuses(
      typed((o) => (o.raw_input_contents = tensors.map((t) => toRaw(t.values)))),
      /^contents field must not be specified when using raw_input_contents for '/,
    );
    refuses(
      typed((o) => o.inputs.find((i: Obj) => i.name === f.name).contents.fp32_contents.push(1)),
      /unexpected number of elements in fp32_contents/,
    );
    refuses(
      typed((o) => (o.inputs.find((i: Obj) => i.name === f.name).contents = { int64_contents: [1] })),
      /unexpected explicit tensor data .* int64_contents set, expected fp32_contents/,
    );
  });

  it('raw BYTES framing: a truncated length prefix and an element running past the end', () => {
    const bytesT = tensors
      .filter((t) => t.dtype === 'bytes')
      .sort((a, b) => toRaw(b.values).length - toRaw(a.values).length)[0]!;
    const raw = (cut: (b: Uint8Array) => Uint8Array): Uint8Array => {
      const rawList = tensors.map((t) => (t === bytesT ? cut(toRaw(t.values)) : toRaw(t.values)));
      return ModelInferRequest.encode(
        ModelInferRequest.fromObject({
          model_name: 'ranker',
          inputs: tensors.map((t) => ({ name: t.name, datatype: DATATYPE[t.dtype], shape: t.shape })),
          raw_input_contents: rawList,
        }),
      ).finish();
    };
    refuses(
      raw((b) => Buffer.concat([b, Buffer.from([1, 0])])),
      /incomplete string length indicator/,
    );
    refuses(
      raw((b) => Buffer.concat([Buffer.from([255, 255, 255, 0]), b.subarray(4)])),
      /element 0 .* claims 16777215 bytes, only \d+ remain/,
    );
    refuses(
      raw((b) => Buffer.concat([b, Buffer.from([0, 0, 0, 0])])),
      /unexpected number of string elements/,
    );
  });
});

describe('binary tensor data extension framing (oip-binary)', () => {
  const body = encodeOipBinary(req);
  const header = jsonHeaderLength(body);
  const text = Buffer.from(body.subarray(0, header)).toString();

  it('the header is the JSON object, binary_data_size per input adds up to the rest of the body', () => {
    const h = JSON.parse(text) as Obj;
    const total = h.inputs.reduce((a: number, i: Obj) => a + i.parameters.binary_data_size, 0);
    assert.equal(header + total, body.length);
    assert.equal(diffBatches(req.schema, want, decodeOipRest(body, req.schema, 'ranker', header).batch), undefined);
    assert.equal(decodeOipRest(body, req.schema, 'ranker', header).binaryOutput, true);
  });

  const refuses = (b: Uint8Array, h: number | undefined, re: RegExp): void => {
    assert.throws(
      () => decodeOipRest(b, req.schema, 'ranker', h),
      (e: Error) => e instanceof DecodeError && re.test(e.message),
      String(re),
    );
  };
  const withHeader = (json: string): Uint8Array => Buffer.concat([Buffer.from(json), body.subarray(header)]);

  it('header length beyond the body, negative, or cutting the JSON', () => {
    refuses(
      body,
      body.length + 1,
      new RegExp(`^inference header size should be in range \\(0, ${body.length}\\), got: ${body.length + 1}$`),
    );
    refuses(body, -1, /inference header size should be in range/);
    refuses(body, header - 1, /^failed to parse the request JSON buffer/);
  });

  it('sizes that do not add up: more than the body holds, bytes left over, a wrong size for the shape', () => {
    const first = JSON.parse(text).inputs[0] as Obj;
    const grow = text.replace(
      `"binary_data_size":${first.parameters.binary_data_size}}`,
      `"binary_data_size":${first.parameters.binary_data_size + body.length}}`,
    );
    refuses(
      withHeader(grow),
      grow.length,
      /^unexpected size for input '.+', expecting \d+ additional bytes for model 'ranker'$/,
    );
    refuses(Buffer.concat([body, Buffer.from([0])]), header, /^unexpected additional input data for model 'ranker'$/);
    const f = JSON.parse(text).inputs.find((i: Obj) => i.datatype === 'FP32') as Obj;
    const shrink = text.replace(
      `"name":"${f.name}","shape":[${f.shape.join(',')}]`,
      `"name":"${f.name}","shape":[${f.shape[0] + 1}${f.shape.length > 1 ? ',' + f.shape.slice(1).join(',') : ''}]`,
    );
    refuses(
      withHeader(shrink),
      shrink.length,
      new RegExp(`^input byte size mismatch for input '${f.name}' for model 'ranker'\\. Expected \\d+, got \\d+$`),
    );
  });

  it("a missing binary_data_size (and no data), both set, or binary data without the header's length", () => {
    const first = JSON.parse(text).inputs[0] as Obj;
    const params = `,"parameters":{"binary_data_size":${first.parameters.binary_data_size}}`;
    const none = text.replace(params, '');
    refuses(
      withHeader(none),
      none.length,
      /^Input must set only one of the following fields: 'data', 'binary_data_size' in 'parameters', 'shared_memory_region' in 'parameters'\. But no field is set/,
    );
    const both = text.replace(params, `${params},"data":[]`);
    refuses(withHeader(both), both.length, /But set 'data' 'binary_data_size'/);
    refuses(
      body,
      undefined,
      /^failed to parse the request JSON buffer: .*binary tensor data needs the Inference-Header-Content-Length header$/,
    );
  });
});

describe('OIP JSON refuses what JSON cannot carry, naming the input', () => {
  it('int64 beyond 2^53 at decode; NaN and invalid UTF-8 at encode (edge preset)', () => {
    const edge = generate(loadScenario('bench/scenarios/edge.json'));
    assert.throws(
      () => getFormat('oip-json').encode(edge),
      /oip-json: input ".+" element \d+ is (NaN|-?Infinity|not valid UTF-8)/,
    );
    const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'INT64', shape: [1], data: [2 ** 60] }] });
    const scenario = {
      features: [
        {
          name: 'x',
          dtype: 'int64' as const,
          scope: 'item' as const,
          shape: { kind: 'scalar' as const },
          dist: { kind: 'categorical' as const, cardinality: 5, skew: 1, offset: 0 },
        },
      ],
    };
    assert.throws(
      () => decodeOipRest(Buffer.from(body), scenario as never, 'ranker'),
      /input "x" data\[0\]: .*JSON numbers are exact only up to 2\^53/,
    );
  });
});
