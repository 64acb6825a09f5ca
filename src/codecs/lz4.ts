// LZ4 via lz4-napi (lz4_flex), for comparison only: no gRPC or HTTP stack negotiates lz4.
// Not automatically the fastest: on the 3,146,524-byte buffer of gzip.ts it compressed in
// 11.3 ms to 1,759,524 bytes (decompress 2.1 ms), while zstd:-1 took 5.9 ms for 1,668,610
// (decompress 1.8 ms); the benchmark should show that rather than assume it.
//
// Wire format is lz4-napi's compressSync output: a 4-byte little-endian uncompressed length
// followed by one LZ4 block; not the LZ4 frame format, so other lz4 tools cannot read it.
// lz4_flex has no compression levels, so the codec has none (`lz4`, level 0).
// uncompressSync cannot be capped, so decompress checks the declared length against
// maxOutputBytes before calling it, then checks the output has exactly that length: memory
// stays bounded by the cap. The format has no checksum, so damage inside the block can go
// unnoticed; truncation and bad offsets are detected.
import { compressSync, uncompressSync } from 'lz4-napi';
import { checkLevel } from './levels.js';
import { corruptInput, errorText, outputTooLarge, resolveMaxOutputBytes } from './limits.js';
import { packageVersion } from './package-version.js';
import type { Codec, CodecDescriptor } from './types.js';

const LEVELS = [0] as const;
const IMPLEMENTATION = `lz4-napi ${packageVersion('lz4-napi')}`;
const PREFIX_BYTES = 4;

export const lz4: CodecDescriptor = {
  id: 'lz4',
  description: 'LZ4 block with a 4-byte length prefix (lz4_flex): low ratio, fast decode, no levels',
  levels: LEVELS,
  defaultLevel: 0,
  implementation: IMPLEMENTATION,
  create: createLz4Codec,
};

/** The lz4 codec; it takes no level (only 0 is accepted). */
export function createLz4Codec(level?: number): Codec {
  checkLevel('lz4', LEVELS, 0, level);
  return {
    id: 'lz4',
    level: 0,
    label: 'lz4',
    implementation: IMPLEMENTATION,
    compress: (bytes) => compressSync(asBuffer(bytes)),
    decompress(bytes, maxOutputBytes) {
      const max = resolveMaxOutputBytes('lz4', maxOutputBytes);
      if (bytes.length < PREFIX_BYTES)
        throw corruptInput('lz4', `${bytes.length} bytes, shorter than the length prefix`);
      const declared = asBuffer(bytes).readUInt32LE(0);
      if (declared > max) throw outputTooLarge('lz4', max, `length prefix declares ${declared} bytes`);
      let out: Uint8Array;
      try {
        out = uncompressSync(bytes);
      } catch (err) {
        throw corruptInput('lz4', errorText(err));
      }
      if (out.length !== declared)
        throw corruptInput('lz4', `length prefix declares ${declared} bytes, block holds ${out.length}`);
      return out;
    },
  };
}

/** A Buffer view of `bytes` without copying (lz4-napi's compressSync only takes Buffers). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
