// The no-compression baseline: compress returns its input unchanged (no copy), so the
// benchmark's "identity" row costs nothing beyond the format itself.
import { checkLevel } from './levels.js';
import { outputTooLarge, resolveMaxOutputBytes } from './limits.js';
import type { Codec, CodecDescriptor } from './types.js';

const LEVELS = [0] as const;

export const identity: CodecDescriptor = {
  id: 'identity',
  description: 'no compression: the encoded bytes go on the wire as they are (baseline)',
  levels: LEVELS,
  defaultLevel: 0,
  implementation: 'none',
  create: createIdentityCodec,
};

/** The identity codec. Its outputs are its inputs (same array, not a copy). */
export function createIdentityCodec(level?: number): Codec {
  checkLevel('identity', LEVELS, 0, level);
  return {
    id: 'identity',
    level: 0,
    label: 'identity',
    implementation: 'none',
    compress: (bytes) => bytes,
    decompress(bytes, maxOutputBytes) {
      const max = resolveMaxOutputBytes('identity', maxOutputBytes);
      if (bytes.length > max) throw outputTooLarge('identity', max);
      return bytes;
    },
  };
}
