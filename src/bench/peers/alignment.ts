// How often a message's tensor_content can be viewed in place: a Float32Array needs its
// bytes 4-byte aligned, a BigInt64Array 8-byte aligned. Offsets are taken from the message
// start, as a transport hands the message over in a buffer of its own (grpc-js assembles
// each message into a fresh Buffer); where one is not aligned, decode makes one copy.
import { DT_FLOAT, DT_INT64 } from '../../wire/dtypes.js';
import { ProtoReader, readMapEntry } from '../../wire/proto-reader.js';

export interface Alignment {
  /** tensor_content fields of float32 or int64 tensors. */
  tensors: number;
  /** Of those, how many start at an offset their element size divides. */
  aligned: number;
}

/** Alignment of a PredictRequest's tensor_content fields; 0 of 0 for any other message. */
export function contentAlignment(bytes: Uint8Array): Alignment {
  const out = { tensors: 0, aligned: 0 };
  try {
    const r = new ProtoReader(bytes);
    while (!r.done()) {
      const t = r.tag();
      if (t !== ((2 << 3) | 2)) {
        r.skip(t & 7);
        continue;
      }
      const { value } = readMapEntry(r.sub());
      if (!value) continue;
      let dtype = 0;
      let offset = -1;
      while (!value.done()) {
        const u = value.tag();
        if (u === ((1 << 3) | 0)) dtype = value.uint32();
        else if (u === ((4 << 3) | 2)) {
          const b = value.bytes();
          if (b.length > 0) offset = b.byteOffset - bytes.byteOffset;
        } else value.skip(u & 7);
      }
      if (offset < 0 || (dtype !== DT_FLOAT && dtype !== DT_INT64)) continue;
      out.tensors++;
      if (offset % (dtype === DT_FLOAT ? 4 : 8) === 0) out.aligned++;
    }
  } catch {
    return { tensors: 0, aligned: 0 };
  }
  return out;
}
