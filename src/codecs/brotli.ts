// Brotli (RFC 7932) via node:zlib: the `br` HTTP Content-Encoding, for the REST formats.
//
// Default quality 4, not zlib's 11: on the 3,146,524-byte tf.Example-like buffer used for
// gzip.ts, quality 4 took 44 ms for 1,368,339 bytes (zstd:3 territory), 5 took 120 ms,
// 6 took 252 ms and 11 took 4.7 s, far too slow to compress per request.
// BROTLI_PARAM_SIZE_HINT is the input length, so small payloads get small windows.
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { checkLevel, codecLabel, levelRange } from './levels.js';
import { BROTLI_IMPLEMENTATION, zlibDecompress } from './node-zlib.js';
import type { Codec, CodecDescriptor } from './types.js';

const LEVELS = levelRange(0, 11);
const DEFAULT_LEVEL = 4;

export const brotli: CodecDescriptor = {
  id: 'brotli',
  description: 'Brotli (RFC 7932), the HTTP "br" encoding; quality 4 by default (11 is too slow per request)',
  levels: LEVELS,
  defaultLevel: DEFAULT_LEVEL,
  implementation: BROTLI_IMPLEMENTATION,
  create: createBrotliCodec,
};

/** Brotli at quality `level` 0..11 (default 4). */
export function createBrotliCodec(level?: number): Codec {
  const used = checkLevel('brotli', LEVELS, DEFAULT_LEVEL, level);
  const label = codecLabel('brotli', LEVELS, used);
  return {
    id: 'brotli',
    level: used,
    label,
    implementation: BROTLI_IMPLEMENTATION,
    compress: (bytes) =>
      brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: used,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }),
    decompress: (bytes, maxOutputBytes) => zlibDecompress(label, brotliDecompressSync, bytes, maxOutputBytes),
  };
}
