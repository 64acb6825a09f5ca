// Raw tensor bytes of the Open Inference Protocol, shared by gRPC raw_input_contents
// and the REST binary tensor data extension: numeric data little-endian and
// row-major without padding; BYTES as a 4-byte little-endian length then the bytes,
// per element. Errors are worded as Triton words them.
import type { DType } from '../scenario/types.js';
import type { Values } from '../tensors/feature-batch.js';
import { DecodeError, floatsView, int64View } from './proto-reader.js';

/** Byte length of a tensor's raw form. */
export function rawByteLength(v: Values): number {
  if (!Array.isArray(v)) return v.byteLength;
  let n = 4 * v.length;
  for (const b of v) n += b.length;
  return n;
}

/** Writes the raw form of `v` into out[at..] and returns the end offset. */
export function writeRaw(v: Values, out: Uint8Array, at: number): number {
  if (!Array.isArray(v)) {
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
    return at + v.byteLength;
  }
  for (const b of v) {
    const n = b.length;
    out[at] = n & 255;
    out[at + 1] = (n >>> 8) & 255;
    out[at + 2] = (n >>> 16) & 255;
    out[at + 3] = (n >>> 24) & 255;
    out.set(b, at + 4);
    at += 4 + n;
  }
  return at;
}

/** The raw form of `v` as one buffer (numeric data: a view, no copy). */
export function toRaw(v: Values): Uint8Array {
  if (!Array.isArray(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const out = new Uint8Array(rawByteLength(v));
  writeRaw(v, out, 0);
  return out;
}

/**
 * Reads `count` elements of `dtype` from raw bytes (views when aligned). `input` and
 * `model` name the tensor in errors.
 */
export function readRaw(bytes: Uint8Array, dtype: DType, count: number, input: string, model: string): Values {
  if (dtype !== 'bytes') {
    const size = dtype === 'float32' ? 4 : 8;
    if (bytes.length !== count * size) {
      throw new DecodeError(
        `input byte size mismatch for input '${input}' for model '${model}'. Expected ${count * size}, got ${bytes.length}`,
      );
    }
    return dtype === 'float32' ? floatsView(bytes) : int64View(bytes);
  }
  // Every element takes at least its 4-byte length: refuse a count the bytes cannot hold before allocating.
  if (count > bytes.length / 4) {
    throw new DecodeError(
      `expected ${count} string elements for inference input '${input}' for model '${model}', got at most ${Math.floor(bytes.length / 4)} in ${bytes.length} bytes`,
    );
  }
  const out = new Array<Uint8Array>(count);
  let p = 0;
  let i = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (p < bytes.length) {
    if (bytes.length - p < 4) {
      throw new DecodeError(
        `incomplete string length indicator for inference input '${input}' for model '${model}', expecting 4 bytes but only ${bytes.length - p} bytes available`,
      );
    }
    const n = view.getUint32(p, true);
    p += 4;
    if (i >= count)
      throw new DecodeError(
        `unexpected number of string elements ${i + 1} for inference input '${input}' for model '${model}', expecting ${count}`,
      );
    if (n > bytes.length - p) {
      throw new DecodeError(
        `string element ${i} of inference input '${input}' for model '${model}' claims ${n} bytes, only ${bytes.length - p} remain`,
      );
    }
    out[i++] = bytes.subarray(p, p + n);
    p += n;
  }
  if (i !== count)
    throw new DecodeError(
      `expected ${count} string elements for inference input '${input}' for model '${model}', got ${i}`,
    );
  return out;
}
