// The "views" half of a protobuf peer's tensor decode: a TensorProto's values as the typed
// array a model input needs, zero-copy over tensor_content when it is aligned (one copy when
// not), converted from the library's repeated-field arrays otherwise. No checks of shape
// against value count, dtype against the signature, or context broadcast: that is ours'.
import type { DType } from '../../scenario/types.js';
import type { NamedTensor, Values } from '../../tensors/index.js';
import { dtypeFromTf } from '../../wire/dtypes.js';
import { toBigInt } from './gather-examples.js';

/** A TensorProto's parts, whichever library decoded it. */
export interface TensorParts {
  dtype: number;
  dims: ArrayLike<unknown>;
  content: Uint8Array | undefined;
  floats: ArrayLike<number>;
  int64s: ArrayLike<unknown>;
  strings: Uint8Array[];
}

/** Little-endian values of a byte range as a typed array; a copy only when unaligned. */
export function contentView(content: Uint8Array, dtype: DType): Float32Array | BigInt64Array {
  const size = dtype === 'float32' ? 4 : 8;
  const n = Math.floor(content.length / size);
  const aligned = content.byteOffset % size === 0;
  // Uint8Array's slice copies (a Buffer's own slice would be another view).
  const src = aligned ? content : Uint8Array.prototype.slice.call(content, 0, n * size);
  return dtype === 'float32'
    ? new Float32Array(src.buffer, src.byteOffset, n)
    : new BigInt64Array(src.buffer, src.byteOffset, n);
}

export function toNamed(name: string, t: TensorParts): NamedTensor {
  const dtype = dtypeFromTf(t.dtype) ?? ('float32' as DType);
  const shape = Array.from(t.dims, (d) => Number(toBigInt(d ?? 0)));
  let values: Values;
  if (dtype === 'bytes') values = t.strings;
  else if (t.content && t.content.length > 0) values = contentView(t.content, dtype);
  else if (dtype === 'float32') values = Float32Array.from(t.floats);
  else {
    const out = new BigInt64Array(t.int64s.length);
    for (let i = 0; i < out.length; i++) out[i] = toBigInt(t.int64s[i]);
    values = out;
  }
  return { name, dtype, shape, values };
}
