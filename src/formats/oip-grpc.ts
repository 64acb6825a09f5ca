// Shared builder of the two gRPC Open Inference Protocol formats (oip-typed, oip-raw):
// one ModelInferRequest on GRPCInferenceService/ModelInfer, inputs as tensor-broadcast's,
// values in typed InferTensorContents or in raw_input_contents.
import type { RankingRequest, Schema } from '../tensors/feature-batch.js';
import {
  decodeModelInferRequest,
  encodeModelInferRequest,
  readContents,
  type OipEncoding,
} from '../wire/oip-infer-request.js';
import { readRaw } from '../wire/oip-raw.js';
import { DecodeError } from '../wire/proto-reader.js';
import { assembleOip, oipTensors, type OipInput } from './oip-tensors.js';
import { DEFAULT_MODEL, type DecodedRequest, type EncodeOptions, type Format, type FormatId } from './types.js';

export interface OipGrpcFormatOptions {
  id: FormatId;
  description: string;
  encoding: OipEncoding;
}

/** Decodes a ModelInferRequest of either encoding (what the stub's ModelInfer runs). */
export function decodeModelInfer(
  bytes: Uint8Array,
  schema: Schema,
  /** Called with the model name and version before any input is read (the server's model lookup). */
  checkModel?: (name: string, version: string) => void,
): DecodedRequest & { id: string; modelVersion: string } {
  const req = decodeModelInferRequest(bytes);
  const model = req.modelName;
  checkModel?.(model, req.modelVersion);
  const raw = req.rawInputContents;
  if (raw.length) {
    for (const i of req.inputs) {
      if (i.contents)
        throw new DecodeError(
          `contents field must not be specified when using raw_input_contents for '${i.name}' for model '${model}'`,
        );
    }
    if (raw.length !== req.inputs.length) {
      throw new DecodeError(
        `raw_input_contents holds ${raw.length} entries for ${req.inputs.length} inputs of model '${model}': expected one per input, in input order`,
      );
    }
  }
  const inputs: OipInput[] = req.inputs.map((w, k) => ({
    name: w.name,
    datatype: w.datatype,
    shape: w.shape,
    read(dtype, count) {
      if (raw.length) return readRaw(raw[k]!, dtype, count, w.name, model);
      if (w.contents) return readContents(w.contents, dtype, count, w.name, model);
      if (count === 0) return readRaw(new Uint8Array(0), dtype, 0, w.name, model);
      throw new DecodeError(`unable to find data for input tensor '${w.name}' for model '${model}' in request.`);
    },
  }));
  return {
    batch: assembleOip(schema, inputs, model),
    modelSpec: { name: model, signatureName: '', ...(req.modelVersion ? { version: Number(req.modelVersion) } : {}) },
    id: req.id,
    modelVersion: req.modelVersion,
  };
}

export function oipGrpcFormat(o: OipGrpcFormatOptions): Format {
  return {
    id: o.id,
    description: o.description,
    protocol: 'oip',
    transport: 'grpc',
    rpc: 'ModelInfer',
    signature: '',
    encode(req: RankingRequest, opts: EncodeOptions = {}): Uint8Array {
      const tensors = oipTensors(req);
      let size = 1024;
      for (const t of tensors)
        size += 64 + t.name.length + (Array.isArray(t.values) ? t.values.length * 24 : t.values.byteLength * 1.3);
      return encodeModelInferRequest(
        { modelName: opts.modelName ?? DEFAULT_MODEL },
        tensors,
        o.encoding,
        Math.ceil(size),
      );
    },
    decode(bytes: Uint8Array, schema: Schema): DecodedRequest {
      const { batch, modelSpec } = decodeModelInfer(bytes, schema);
      return { batch, modelSpec };
    },
  };
}
