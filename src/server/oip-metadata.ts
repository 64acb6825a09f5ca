// What the stub's model looks like through the Open Inference Protocol: ModelMetadata's
// inputs are the columnar signature's (one per feature, lists as values + row_splits;
// -1 for the candidate dimension, which context features may also send as 1), datatypes
// FP32 / INT64 / BYTES, and one output `scores` FP32 [-1]. Shared by gRPC and REST.
import { OIP_SCORES_OUTPUT } from '../formats/oip-tensors.js';
import { OIP_DATATYPE } from '../wire/oip-datatypes.js';
import type { Servable } from './servable.js';
import { DEFAULT_SIGNATURE } from './signatures.js';

export const OIP_SERVER_NAME = 'payload-bench-stub';
/** Protocol extensions the stub implements (ServerMetadata, GET /v2). */
export const OIP_EXTENSIONS = ['binary_tensor_data'];
/** The platform ModelMetadata reports. */
export const OIP_PLATFORM = 'payload-bench-stub';

export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export function oipModelMetadata(servable: Servable): ModelMetadata {
  const sig = servable.signatures.get(DEFAULT_SIGNATURE)!;
  return {
    name: servable.name,
    versions: [String(servable.version)],
    platform: OIP_PLATFORM,
    inputs: sig.inputs.map((t) => ({ name: t.name, datatype: OIP_DATATYPE[t.dtype], shape: t.shape })),
    outputs: [{ name: OIP_SCORES_OUTPUT, datatype: 'FP32', shape: [-1] }],
  };
}
