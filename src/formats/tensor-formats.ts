// Shared builder of the four PredictRequest-of-tensors formats: one TensorProto
// per input, differing in numeric encoding, context-once and packing.
import type { Schema, RankingRequest } from '../tensors/feature-batch.js';
import { decodePredictRequest, encodePredictRequest } from '../wire/predict-request.js';
import type { NumericEncoding } from '../wire/tensor-proto.js';
import { assembleBatch, toWireTensors } from './columnar.js';
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
      const tensors = toWireTensors(req, { contextOnce: o.contextOnce, pack: o.pack });
      return encodePredictRequest(
        { name: opts.modelName ?? DEFAULT_MODEL, signatureName: opts.signatureName ?? o.signature },
        tensors,
        o.encoding,
      );
    },
    decode(bytes: Uint8Array, schema: Schema): DecodedRequest {
      const { modelSpec, inputs } = decodePredictRequest(bytes);
      return { batch: assembleBatch(schema, inputs, o.pack), modelSpec };
    },
  };
}
