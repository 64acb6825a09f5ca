// The model's signatures, derived from the scenario's schema: what each signature key
// takes and returns, which decoder serves it, and the SignatureDefMap that
// GetModelMetadata returns (packed in google.protobuf.Any with TF Serving's type URL).
import { EXAMPLES_INPUT, PACKED_CONTEXT, PACKED_ITEM, ROW_SPLITS_SUFFIX, packedFeatures } from '../formats/index.js';
import type { DType } from '../scenario/types.js';
import { fixedWidth, type Schema } from '../tensors/feature-batch.js';
import { TF_DTYPE } from '../wire/dtypes.js';

export const PREDICT_METHOD = 'tensorflow/serving/predict';
export const CLASSIFY_METHOD = 'tensorflow/serving/classify';
export const REGRESS_METHOD = 'tensorflow/serving/regress';
export const DEFAULT_SIGNATURE = 'serving_default';
export const SIGNATURE_DEF_MAP_TYPE_URL = 'type.googleapis.com/tensorflow.serving.SignatureDefMap';
/** The only metadata field TF Serving knows. */
export const SIGNATURE_DEF_FIELD = 'signature_def';
/** Output name of the Predict signatures. */
export const SCORES_OUTPUT = 'scores';

/**
 * How a signature's requests are decoded:
 * - `columnar`: one tensor per feature (tensor-typed / tensor-content / tensor-broadcast; json-* and msgpack over REST)
 * - `packed`: tensor-packed's concatenated float32 tensors
 * - `examples`: serialized tf.Example strings in input `examples` (tf-example)
 * - `regression` / `classification`: Input (example_list or ELWC) on Regress / Classify / MultiInference
 */
export type SignatureKind = 'columnar' | 'packed' | 'examples' | 'regression' | 'classification';

/** A tensor a signature takes or returns; -1 is an unknown dimension. */
export interface TensorSpec {
  name: string;
  dtype: DType;
  shape: number[];
}

export interface Signature {
  key: string;
  kind: SignatureKind;
  methodName: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export const SIGNATURE_KEYS: Record<SignatureKind, string> = {
  columnar: DEFAULT_SIGNATURE,
  packed: 'packed',
  examples: 'examples',
  regression: 'regression',
  classification: 'classification',
};

function columnarInputs(schema: Schema, pack: boolean): TensorSpec[] {
  const out: TensorSpec[] = [];
  const packed = new Set<string>();
  if (pack) {
    for (const scope of ['item', 'context'] as const) {
      const specs = packedFeatures(schema, scope);
      if (!specs.length) continue;
      const width = specs.reduce((a, s) => a + fixedWidth(s)!, 0);
      out.push({ name: scope === 'item' ? PACKED_ITEM : PACKED_CONTEXT, dtype: 'float32', shape: [-1, width] });
      for (const s of specs) packed.add(s.name);
    }
  }
  for (const f of schema.features) {
    if (packed.has(f.name)) continue;
    if (f.shape.kind === 'list') {
      out.push({ name: f.name, dtype: f.dtype, shape: [-1] });
      out.push({ name: f.name + ROW_SPLITS_SUFFIX, dtype: 'int64', shape: [-1] });
    } else {
      out.push({ name: f.name, dtype: f.dtype, shape: f.shape.kind === 'vector' ? [-1, f.shape.length] : [-1] });
    }
  }
  return out;
}

/** Every signature of the stub model, by key. */
export function buildSignatures(schema: Schema): Map<string, Signature> {
  const scores: TensorSpec[] = [{ name: SCORES_OUTPUT, dtype: 'float32', shape: [-1] }];
  const serialized: TensorSpec[] = [{ name: 'inputs', dtype: 'bytes', shape: [-1] }];
  const list: Signature[] = [
    {
      key: SIGNATURE_KEYS.columnar,
      kind: 'columnar',
      methodName: PREDICT_METHOD,
      inputs: columnarInputs(schema, false),
      outputs: scores,
    },
    {
      key: SIGNATURE_KEYS.packed,
      kind: 'packed',
      methodName: PREDICT_METHOD,
      inputs: columnarInputs(schema, true),
      outputs: scores,
    },
    {
      key: SIGNATURE_KEYS.examples,
      kind: 'examples',
      methodName: PREDICT_METHOD,
      inputs: [{ name: EXAMPLES_INPUT, dtype: 'bytes', shape: [-1] }],
      outputs: scores,
    },
    {
      key: SIGNATURE_KEYS.regression,
      kind: 'regression',
      methodName: REGRESS_METHOD,
      inputs: serialized,
      outputs: [{ name: 'outputs', dtype: 'float32', shape: [-1, 1] }],
    },
    {
      key: SIGNATURE_KEYS.classification,
      kind: 'classification',
      methodName: CLASSIFY_METHOD,
      inputs: serialized,
      outputs: [{ name: 'scores', dtype: 'float32', shape: [-1, 1] }],
    },
  ];
  return new Map(list.map((s) => [s.key, s]));
}

/** Plain object of a tensorflow.TensorInfo (protobufjs, keepCase field names). */
function tensorInfo(sigKey: string, t: TensorSpec): Record<string, unknown> {
  return {
    name: `${sigKey}_${t.name}:0`,
    dtype: TF_DTYPE[t.dtype],
    tensor_shape: { dim: t.shape.map((size) => ({ size })) },
  };
}

/** Plain object of a tensorflow.serving.SignatureDefMap, for protobufjs `fromObject`. */
export function signatureDefMapObject(signatures: Map<string, Signature>): Record<string, unknown> {
  const signature_def: Record<string, unknown> = {};
  for (const s of signatures.values()) {
    signature_def[s.key] = {
      inputs: Object.fromEntries(s.inputs.map((t) => [t.name, tensorInfo(s.key, t)])),
      outputs: Object.fromEntries(s.outputs.map((t) => [t.name, tensorInfo(s.key, t)])),
      method_name: s.methodName,
    };
  }
  return { signature_def };
}
