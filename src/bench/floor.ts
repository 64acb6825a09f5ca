// The scenario's floor, one for every format: copying the request's logical tensor bytes
// (what any format must deliver to the model, whatever it adds around it) into a fresh
// allocation. Formats are divided by the same number, so ×floor compares formats as the
// bytes and decode times do; a format's own payload size no longer sets its own yardstick.
//
// Measured twice in every child process (pooled over all formats and rounds by aggregate.ts):
// - warm: the same source every call, so it sits in cache as far as it fits;
// - cold: the source rotated through enough copies (>= COLD_POOL_BYTES together) that each
//   call reads memory the previous calls evicted, as a server reading a fresh request does.
// Both allocate the destination each call (a decode must produce new tensors), so the
// allocator's cost is in the floor, not hidden by a preallocated, cache-hot buffer.
import type { RankingRequest } from '../tensors/index.js';

/** Together the cold floor's sources exceed this, several times a server CPU's last-level cache. */
export const COLD_POOL_BYTES = 64 * 1024 * 1024;
/** At most this many copies (tiny requests then stay cache-resident; the table says how many). */
export const COLD_MAX_COPIES = 256;

/**
 * The request's logical tensor bytes, concatenated: every feature's values once per row it
 * has (context features once, not per candidate: no format is asked to repeat them), float32 as
 * 4 bytes, int64 as 8, byte strings as their bytes, plus each list's row splits as int64, as
 * a columnar signature takes them. Independent of the format by construction.
 */
export function logicalTensorBytes(req: RankingRequest): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const spec of req.schema.features) {
    const col = req.columns.get(spec.name);
    if (!col) throw new Error(`request has no column for feature "${spec.name}"`);
    const v = col.values;
    if (Array.isArray(v)) parts.push(...v);
    else parts.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    if (col.rowSplits) {
      const splits = new BigInt64Array(col.rowSplits.length);
      for (let i = 0; i < splits.length; i++) splits[i] = BigInt(col.rowSplits[i]!);
      parts.push(new Uint8Array(splits.buffer));
    }
  }
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Warm floor: copy `source` into a fresh allocation; returns the copy. */
export function warmCopyFloor(source: Uint8Array): () => Uint8Array {
  const src = new Uint8Array(source); // own buffer: the source may view a larger one
  return () => {
    const dst = new Uint8Array(src.length);
    dst.set(src);
    return dst;
  };
}

/** How many source copies the cold floor rotates through for `bytes` per copy. */
export function coldCopies(bytes: number): number {
  return Math.max(2, Math.min(COLD_MAX_COPIES, Math.ceil(COLD_POOL_BYTES / Math.max(1, bytes))));
}

/** Cold floor: like warmCopyFloor, each call from the next of coldCopies() copies of `source`. */
export function coldCopyFloor(source: Uint8Array): () => Uint8Array {
  const pool = Array.from({ length: coldCopies(source.length) }, () => new Uint8Array(source));
  let next = 0;
  return () => {
    const src = pool[next]!;
    next = next + 1 === pool.length ? 0 : next + 1;
    const dst = new Uint8Array(src.length);
    dst.set(src);
    return dst;
  };
}

/** How the floor is described in the config, tables and summary. */
export function floorDescription(bytes?: number): string {
  const size = bytes === undefined ? '' : ` (${bytes.toLocaleString('en-US')} bytes)`;
  return (
    `copy of the request's logical tensor bytes${size} (every feature's values, context once, list row splits as int64) ` +
    `into a fresh allocation; warm = same source each call, cold = source rotated through copies totalling >= 64 MiB ` +
    `(at most ${COLD_MAX_COPIES}); the same for every format of a scenario`
  );
}
