// deflate as gRPC and HTTP mean it: zlib-wrapped deflate (RFC 1950 header + Adler-32 around
// RFC 1951 data), which is what zlib.deflateSync writes; not raw deflate.
//
// Implementation choice: node:zlib over fflate 0.8.3 (zlibSync/unzlibSync), for the same
// reasons as gzip.ts. Same machine and 3,146,524-byte buffer, median of 15 runs, two runs each:
//   level  compress node / fflate   decompress node / fflate
//   1      29 / 57-79 ms            6.2-7.7 / 15.0-15.3 ms
//   6      92-95 / 96-112 ms        5.8-7.1 / 13.4-14.9 ms
//   9      253-260 / 126-127 ms     5.3-5.4 / 14.2-14.7 ms
// Output sizes match gzip's minus 12 bytes of framing (fflate's level 9 ~ node's level 6).
import { deflateSync, inflateSync } from 'node:zlib';
import { checkLevel, codecLabel, levelRange } from './levels.js';
import { ZLIB_IMPLEMENTATION, zlibDecompress } from './node-zlib.js';
import type { Codec, CodecDescriptor } from './types.js';

const LEVELS = levelRange(1, 9);
const DEFAULT_LEVEL = 6;

export const deflate: CodecDescriptor = {
  id: 'deflate',
  description: 'zlib-wrapped deflate (RFC 1950), the gRPC "deflate" encoding: gzip minus 12 bytes of framing',
  levels: LEVELS,
  defaultLevel: DEFAULT_LEVEL,
  implementation: ZLIB_IMPLEMENTATION,
  create: createDeflateCodec,
};

/** zlib-format deflate at `level` 1..9 (default 6, zlib's own default). */
export function createDeflateCodec(level?: number): Codec {
  const used = checkLevel('deflate', LEVELS, DEFAULT_LEVEL, level);
  const label = codecLabel('deflate', LEVELS, used);
  return {
    id: 'deflate',
    level: used,
    label,
    implementation: ZLIB_IMPLEMENTATION,
    compress: (bytes) => deflateSync(bytes, { level: used }),
    decompress: (bytes, maxOutputBytes) => zlibDecompress(label, inflateSync, bytes, maxOutputBytes),
  };
}
