// The codec interface: one synchronous compress/decompress pair per (algorithm, level), so
// a benchmark times CPU work only, plus the error type every codec throws.

/** Codec ids are part of the public interface (CLI specs, results files). */
export type CodecId = 'identity' | 'gzip' | 'deflate' | 'zstd' | 'brotli' | 'lz4';

/** A configured codec: one algorithm at one level. Stateless per call. */
export interface Codec {
  id: CodecId;
  /** The level actually used (codecs without levels: 0). */
  level: number;
  /** Stable display name, e.g. `gzip:6`, `zstd:-1`, `identity`, `lz4`. */
  label: string;
  /** Library and version doing the work, e.g. `zstd-napi 0.0.13 (libzstd 1.5.7)`. */
  implementation: string;
  /** Compress `bytes`. Deterministic: the same input always gives the same output. */
  compress(bytes: Uint8Array): Uint8Array;
  /**
   * Decompress `bytes`.
   * @param maxOutputBytes largest output accepted (decompression-bomb guard)
   * @default 2 GiB ({@link DEFAULT_MAX_OUTPUT_BYTES})
   * @throws CodecError if the input is corrupt or truncated, or the output would exceed `maxOutputBytes`
   */
  decompress(bytes: Uint8Array, maxOutputBytes?: number): Uint8Array;
}

/** What the registry knows about a codec id before a level is chosen. */
export interface CodecInfo {
  id: CodecId;
  /** One line for `--help` and reports. */
  description: string;
  /** Every accepted level, ascending. Codecs without levels accept only 0. */
  levels: readonly number[];
  defaultLevel: number;
  implementation: string;
}

/** A codec id with its factory; `create` throws CodecError on a level outside `levels`. */
export interface CodecDescriptor extends CodecInfo {
  create(level?: number): Codec;
}

/** Thrown for bad specs, bad levels, corrupt input and outputs over the cap. */
export class CodecError extends Error {
  override name = 'CodecError';
}

/** Default decompression cap: 2 GiB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 2 * 1024 * 1024 * 1024;
