// Zstandard (RFC 8878) via zstd-napi, since Node 20's zlib has no zstd. On the 3,146,524-byte
// buffer of gzip.ts, zstd:1 compressed in 6.5 ms to 1,465,944 bytes (gzip:1: 34 ms, 1,504,359)
// and decompressed in 2.5 ms; levels -5..-1 trade ratio for speed, 19 is the slow maximum.
//
// Frames carry their content size (single-shot compression always writes it) and a
// checksum (as the zstd CLI and Go's klauspost encoder do), so corruption is detected.
// Decompression never trusts the library's own sizing: a frame that declares its size is
// checked against maxOutputBytes before anything is allocated and decoded in one call;
// a frame without one is streamed in 128 KiB chunks and stopped once output passes the cap.
// Streaming also lets libzstd reserve a window of up to 128 MiB (its default windowLogMax 27).
import binding from 'zstd-napi/binding.js';
import { Compressor } from 'zstd-napi';
import { checkLevel, codecLabel, levelRange } from './levels.js';
import { corruptInput, errorText, outputTooLarge, resolveMaxOutputBytes } from './limits.js';
import { packageVersion } from './package-version.js';
import { CodecError, type Codec, type CodecDescriptor } from './types.js';

const LEVELS = [...levelRange(-5, -1), ...levelRange(1, 19)];
const DEFAULT_LEVEL = 3;
const IMPLEMENTATION = `zstd-napi ${packageVersion('zstd-napi')} (libzstd ${binding.versionString()})`;
const STREAM_CHUNK = binding.dStreamOutSize();

export const zstd: CodecDescriptor = {
  id: 'zstd',
  description: 'Zstandard (RFC 8878), the fast modern choice; negative levels are faster still',
  levels: LEVELS,
  defaultLevel: DEFAULT_LEVEL,
  implementation: IMPLEMENTATION,
  create: createZstdCodec,
};

/** Zstandard at `level` -5..-1 or 1..19 (default 3, libzstd's own default). */
export function createZstdCodec(level?: number): Codec {
  const used = checkLevel('zstd', LEVELS, DEFAULT_LEVEL, level);
  const label = codecLabel('zstd', LEVELS, used);
  // One context per codec instance: parameters are sticky, each call writes a fresh frame.
  const compressor = new Compressor();
  compressor.setParameters({ compressionLevel: used, checksumFlag: true, contentSizeFlag: true });
  const dctx = new binding.DCtx();
  return {
    id: 'zstd',
    level: used,
    label,
    implementation: IMPLEMENTATION,
    compress: (bytes) => compressor.compress(bytes),
    decompress(bytes, maxOutputBytes) {
      const max = resolveMaxOutputBytes(label, maxOutputBytes);
      try {
        return decompressCapped(dctx, bytes, max, label);
      } catch (err) {
        if (err instanceof CodecError) throw err;
        throw corruptInput(label, errorText(err));
      } finally {
        // A failed or partial stream leaves state behind; the next call must start clean.
        dctx.reset(binding.ResetDirective.sessionOnly);
      }
    },
  };
}

function decompressCapped(dctx: binding.DCtx, bytes: Uint8Array, max: number, label: string): Uint8Array {
  if (bytes.length === 0) throw corruptInput(label, 'empty input');
  const declared = declaredContentSize(bytes);
  if (declared === null) return streamCapped(dctx, bytes, max, label);
  if (declared > max) throw outputTooLarge(label, max, `frames declare ${declared} bytes`);
  const out = Buffer.allocUnsafe(declared);
  const written = dctx.decompress(out, bytes);
  if (written !== declared) throw corruptInput(label, `frames declare ${declared} bytes but hold ${written}`);
  return out;
}

/** Sum of the content sizes of all frames, or null if any frame omits its size. */
function declaredContentSize(bytes: Uint8Array): number | null {
  let total = 0;
  let rest = bytes;
  while (rest.length > 0) {
    const size = binding.getFrameContentSize(rest);
    if (size === null) return null;
    total += size;
    rest = rest.subarray(binding.findFrameCompressedSize(rest));
  }
  return total;
}

function streamCapped(dctx: binding.DCtx, bytes: Uint8Array, max: number, label: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let rest = bytes;
  let frameOpen = true;
  for (;;) {
    const chunk = Buffer.allocUnsafe(STREAM_CHUNK);
    const [hint, produced, consumed] = dctx.decompressStream(chunk, rest);
    if (produced === 0 && consumed === 0) {
      if (rest.length === 0) break;
      throw corruptInput(label, 'decoder made no progress');
    }
    rest = rest.subarray(consumed);
    frameOpen = hint !== 0;
    total += produced;
    if (total > max) throw outputTooLarge(label, max);
    if (produced > 0) chunks.push(chunk.subarray(0, produced));
    if (rest.length === 0 && produced < chunk.length) break;
  }
  if (frameOpen) throw corruptInput(label, 'input ends inside a frame');
  return Buffer.concat(chunks, total);
}
