// A named, typed, shaped tensor: what the columnar formats send and the wire layer writes
// as a TensorProto. Lives here, below both, so neither reaches into the other for it.
import type { DType } from './schema.js';
import type { Values } from './feature-batch.js';

/** A named, typed, shaped tensor: flat row-major values. */
export interface NamedTensor {
  name: string;
  dtype: DType;
  shape: number[];
  values: Values;
}
