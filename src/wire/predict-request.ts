// PredictRequest (tensorflow_serving/apis/predict.proto): model_spec = 1,
// inputs = 2 (map<string, TensorProto>), output_filter = 3.
import type { NamedTensor } from '../tensors/named-tensor.js';
import { readModelSpec, writeModelSpec, type ModelSpec } from './model-spec.js';
import { DecodeError, ProtoReader, readMapEntry } from './proto-reader.js';
import { ProtoWriter, WIRE_LEN } from './proto-writer.js';
import { readTensorProto, writeTensorProto, type NumericEncoding } from './tensor-proto.js';

export function encodePredictRequest(
  spec: ModelSpec,
  tensors: readonly NamedTensor[],
  enc: NumericEncoding,
  sizeHint = 1 << 16,
): Uint8Array {
  const w = new ProtoWriter(sizeHint);
  writeModelSpec(w, 1, spec);
  for (const t of tensors) {
    w.tag(2, WIRE_LEN);
    const entry = w.begin();
    w.tag(1, WIRE_LEN);
    w.string(t.name);
    w.tag(2, WIRE_LEN);
    const tp = w.begin();
    writeTensorProto(w, t, enc);
    w.end(tp);
    w.end(entry);
  }
  return w.finish();
}

export interface DecodedPredictRequest {
  modelSpec: ModelSpec;
  inputs: Map<string, NamedTensor>;
  outputFilter: string[];
}

export function decodePredictRequest(bytes: Uint8Array): DecodedPredictRequest {
  const r = new ProtoReader(bytes);
  let modelSpec: ModelSpec = { name: '', signatureName: '' };
  const inputs = new Map<string, NamedTensor>();
  const outputFilter: string[] = [];
  while (!r.done()) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | 2:
        modelSpec = readModelSpec(r.sub());
        break;
      case (2 << 3) | 2: {
        const { key, value } = readMapEntry(r.sub());
        // A map entry without a value is an empty TensorProto (DT_INVALID), which fails parsing below.
        inputs.set(key, readTensorProto(value ?? new ProtoReader(new Uint8Array(0)), key));
        break;
      }
      case (3 << 3) | 2:
        outputFilter.push(r.string());
        break;
      default:
        r.skip(t & 7);
    }
  }
  return { modelSpec, inputs, outputFilter };
}

export { DecodeError };
