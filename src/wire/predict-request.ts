// PredictRequest (tensorflow_serving/apis/predict.proto): model_spec = 1,
// inputs = 2 (map<string, TensorProto>), output_filter = 3.
import { isFilled, type NamedTensor, type WireTensor } from '../tensors/named-tensor.js';
import { readModelSpec, writeModelSpec, type ModelSpec } from './model-spec.js';
import { DecodeError, ProtoReader, readMapEntry } from './proto-reader.js';
import { ProtoWriter, utf8Length, varintSize, WIRE_LEN } from './proto-writer.js';
import { shapeProduct } from './tensor-shape.js';
import { readTensorProto, tensorBodySize, valuesSize, writeTensorProto, type NumericEncoding } from './tensor-proto.js';

/**
 * Serializes a PredictRequest in one pass into a buffer of exactly its size: every length is
 * computed first (no nested field moved once its length is known, no final copy), and the
 * first tensor filled in place (tensor-packed's matrix) lands 8-byte aligned so it is written
 * straight into the message. `_sizeHint` is accepted for compatibility and no longer needed.
 */
export function encodePredictRequest(
  spec: ModelSpec,
  tensors: readonly WireTensor[],
  enc: NumericEncoding,
  _sizeHint?: number,
): Uint8Array {
  const head = new ProtoWriter(256);
  writeModelSpec(head, 1, spec);
  const header = head.finish();
  const k = tensors.length;
  const names = new Int32Array(k);
  const values = new Float64Array(k);
  const bodies = new Float64Array(k);
  const entries = new Float64Array(k);
  let size = header.length;
  let alignAt = 0;
  for (let i = 0; i < k; i++) {
    const t = tensors[i]!;
    names[i] = utf8Length(t.name);
    values[i] = valuesSize(t, enc);
    bodies[i] = tensorBodySize(t, values[i]!);
    entries[i] = 1 + varintSize(names[i]!) + names[i]! + 1 + varintSize(bodies[i]!) + bodies[i]!;
    size += 1 + varintSize(entries[i]!) + entries[i]!;
    // The values are the last bytes of the entry, so the first filled tensor's start at its end minus their size.
    if (alignAt === 0 && isFilled(t)) alignAt = size - shapeProduct(t.shape) * 4;
  }
  const w = ProtoWriter.sized(size, alignAt);
  w.raw(header);
  for (let i = 0; i < k; i++) {
    const t = tensors[i]!;
    w.tag(2, WIRE_LEN);
    w.uint32(entries[i]!);
    w.tag(1, WIRE_LEN);
    w.stringOfLength(t.name, names[i]!);
    w.tag(2, WIRE_LEN);
    w.uint32(bodies[i]!);
    writeTensorProto(w, t, enc, values[i]!);
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
