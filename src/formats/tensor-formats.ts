// Shared builder of the four PredictRequest-of-tensors formats: one TensorProto
// per input, differing in numeric encoding, context-once and packing.
import type { Schema, RankingRequest } from '../tensors/feature-batch.js';
import { decodePredictRequest, encodePredictRequest } from '../wire/predict-request.js';
import type { NumericEncoding } from '../wire/tensor-proto.js';
import { assembleBatch, toNamedTensors } from './columnar.js';
import { DEFAULT_MODEL, type DecodedRequest, type EncodeOptions, type Format, type FormatId } from './types.js';

export interface TensorFormatOptions {
  id: FormatId;
  description: string;
  encoding: NumericEncoding;
  contextOnce: boolean;
  pack: boolean;
  signature: string;
}

export function tensorFormat(o: TensorFormatOptions): Format {
  return {
    id: o.id,
    description: o.description,
    transport: 'grpc',
    rpc: 'Predict',
    signature: o.signature,
    encode(req: RankingRequest, opts: EncodeOptions = {}): Uint8Array {
      const tensors = toNamedTensors(req, { contextOnce: o.contextOnce, pack: o.pack });
      let size = 1024;
      for (const t of tensors) size += Array.isArray(t.values) ? t.values.length * 16 : t.values.byteLength * 1.3 + 64;
      return encodePredictRequest(
        { name: opts.modelName ?? DEFAULT_MODEL, signatureName: opts.signatureName ?? o.signature },
        tensors,
        o.encoding,
        Math.ceil(size),
      );
    },
    decode(bytes: Uint8Array, schema: Schema): DecodedRequest {
      const { modelSpec, inputs } = decodePredictRequest(bytes);
      return { batch: assembleBatch(schema, inputs, o.pack), modelSpec };
    },
  };
}
