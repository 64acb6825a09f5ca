// Shared plumbing for the codecs built on node:zlib (gzip, deflate, brotli): runs a *Sync
// decompressor with the output cap enforced inside zlib (`maxOutputLength`), so a bomb stops
// after about maxOutputBytes, and turns zlib's errors into CodecError.
import { kMaxLength } from 'node:buffer';
import { corruptInput, errorText, outputTooLarge, resolveMaxOutputBytes } from './limits.js';

export const ZLIB_IMPLEMENTATION = `node:zlib (zlib ${process.versions.zlib ?? 'unknown'})`;
export const BROTLI_IMPLEMENTATION = `node:zlib (brotli ${process.versions.brotli ?? 'unknown'})`;

type SyncDecompressor = (bytes: Uint8Array, options: { maxOutputLength: number }) => Uint8Array;

export function zlibDecompress(
  label: string,
  run: SyncDecompressor,
  bytes: Uint8Array,
  maxOutputBytes: number | undefined,
): Uint8Array {
  const max = resolveMaxOutputBytes(label, maxOutputBytes);
  // zlib rejects a maxOutputLength of 0 or above buffer.kMaxLength; the check below covers 0.
  const maxOutputLength = Math.min(Math.max(max, 1), kMaxLength);
  let out: Uint8Array;
  try {
    out = run(bytes, { maxOutputLength });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw outputTooLarge(label, max);
    throw corruptInput(label, errorText(err));
  }
  if (out.length > max) throw outputTooLarge(label, max);
  return out;
}
