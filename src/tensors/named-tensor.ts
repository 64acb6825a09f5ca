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

/**
 * A float32 tensor whose values are produced straight into the encoder's output: `fill`
 * writes all `shape` product values as 32-bit patterns (bits, so a signalling NaN stays
 * signalling). tensor-packed encodes its concatenated matrix this way instead of building
 * it and then copying it into the message.
 */
export interface FilledTensor {
  name: string;
  dtype: 'float32';
  shape: number[];
  fill(bits: Int32Array): void;
}

/** A tensor as an encoder takes it: values at hand, or filled in place. */
export type WireTensor = NamedTensor | FilledTensor;

export function isFilled(t: WireTensor): t is FilledTensor {
  return 'fill' in t;
}
