// Decompression limits and the two runtime errors every codec raises (corrupt input, output
// over the cap), worded once here so messages match across codecs.
import { CodecError, DEFAULT_MAX_OUTPUT_BYTES } from './types.js';

/** Validate the caller's cap; `undefined` means the 2 GiB default. */
export function resolveMaxOutputBytes(label: string, maxOutputBytes: number | undefined): number {
  if (maxOutputBytes === undefined) return DEFAULT_MAX_OUTPUT_BYTES;
  if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 0) {
    throw new CodecError(`codec ${label}: maxOutputBytes must be a non-negative integer, got ${maxOutputBytes}`);
  }
  return maxOutputBytes;
}

export function outputTooLarge(label: string, maxOutputBytes: number, detail?: string): CodecError {
  const why = detail === undefined ? '' : ` (${detail})`;
  return new CodecError(`codec ${label}: decompressed output exceeds maxOutputBytes ${maxOutputBytes}${why}`);
}

export function corruptInput(label: string, detail: string): CodecError {
  return new CodecError(`codec ${label}: corrupt or truncated input (${detail})`);
}

/** The message of whatever a native library threw, without its stack. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
