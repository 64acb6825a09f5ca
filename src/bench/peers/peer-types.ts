// What a peer is: another JavaScript implementation of one format's wire work, timed in the
// same child process as ours on the same bytes. The timed decode does the library's parse
// plus the least it takes to reach the tensors (typed-array views or arrays per input, or
// every example gathered per feature); turning that into the canonical batch for the
// equality test (toBatch) is not timed.
import type { Column, FeatureBatch, Schema } from '../../tensors/index.js';

export interface PeerCodec {
  /** Package name as results show it: `protobufjs`, `protobuf-es`, `JSON`, `msgpackr`. */
  impl: string;
  /** The timed decode: bytes in, the library's message plus views or gathered columns out. */
  decode(bytes: Uint8Array, schema: Schema): unknown;
  /** Untimed: decode()'s output as the canonical batch (the equality test compares it with ours). */
  toBatch(decoded: unknown, schema: Schema): FeatureBatch;
  /** In words: what decode() does, and where it does less than ours. */
  decodeWork: string;
  /** Untimed setup: the library's own message built from `bytes`; returns the timed encode of it. */
  prebuiltEncode(bytes: Uint8Array): () => Uint8Array;
  /** In words: what the timed encode does. */
  encodeWork: string;
}

/**
 * The batch with every float32 passed through a JS number, as a peer that exposes floats as
 * `number[]` (float_val, FloatList) does: signalling NaNs come back quiet (0x7f800001 becomes
 * 0x7fc00001). Ours keeps every bit; a peer is accepted when it matches either exactly or
 * this, and the report says that it does not keep NaN payloads.
 */
export function quietNaNs(b: FeatureBatch): FeatureBatch {
  const tensors = new Map<string, Column>();
  for (const [name, col] of b.tensors) {
    if (!(col.values instanceof Float32Array)) {
      tensors.set(name, col);
      continue;
    }
    const v = col.values;
    const out = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = Number(v[i]);
    tensors.set(name, { ...col, values: out });
  }
  return { candidates: b.candidates, tensors };
}
