// The straightforward way to decode the tf-example format in JavaScript: protobufjs
// decodes the PredictRequest and every tf.Example into objects, then a second pass
// gathers values per feature. An independent oracle for the tests (test-only: the
// timed comparison with protobufjs is `payload-bench bench --peers`).
import protobuf from 'protobufjs';
import {
  allocValues,
  fixedWidth,
  type Column,
  type FeatureBatch,
  type Schema,
} from '../../src/tensors/feature-batch.js';
import { protoType } from '../../src/wire/protos.js';

interface FeatureObj {
  bytes_list?: { value?: Uint8Array[] };
  float_list?: { value?: number[] };
  int64_list?: { value?: (number | protobuf.Long)[] };
}

function toBigInt(x: number | protobuf.Long): bigint {
  if (typeof x === 'number') return BigInt(x);
  return (BigInt(x.high) << 32n) | BigInt(x.low >>> 0);
}

export function decodeTfExampleWithProtobufjs(bytes: Uint8Array, schema: Schema): FeatureBatch {
  const Predict = protoType('tensorflow.serving.PredictRequest');
  const Example = protoType('tensorflow.Example');
  const req = Predict.decode(bytes) as unknown as { inputs: Record<string, { string_val: Uint8Array[] }> };
  const serialized = req.inputs.examples!.string_val;
  const examples = serialized.map(
    (b) => Example.decode(b) as unknown as { features: { feature: Record<string, FeatureObj> } },
  );
  const n = examples.length;
  const tensors = new Map<string, Column>();
  for (const spec of schema.features) {
    const lists = examples.map((e, i) => {
      const f = e.features.feature[spec.name];
      if (!f) throw new Error(`example ${i}: feature ${spec.name} missing`);
      return (
        (spec.dtype === 'float32'
          ? f.float_list?.value
          : spec.dtype === 'int64'
            ? f.int64_list?.value
            : f.bytes_list?.value) ?? []
      );
    });
    const w = fixedWidth(spec);
    const splits = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      if (w !== undefined && lists[i]!.length !== w)
        throw new Error(`example ${i}: feature ${spec.name} has ${lists[i]!.length} values, expected ${w}`);
      splits[i + 1] = splits[i]! + lists[i]!.length;
    }
    const values = allocValues(spec.dtype, splits[n]!);
    let at = 0;
    for (const l of lists) {
      for (const x of l) {
        if (values instanceof BigInt64Array) values[at++] = toBigInt(x as number | protobuf.Long);
        else (values as unknown[])[at++] = x;
      }
    }
    tensors.set(spec.name, w === undefined ? { values, rowSplits: splits } : { values });
  }
  return { candidates: n, tensors };
}
