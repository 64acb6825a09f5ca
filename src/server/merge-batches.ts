// Batching's data movement: concatenate row ranges of several decoded requests along
// dimension 0 into one FeatureBatch for a single model call, padded up to an allowed batch
// size by repeating the first row of the last piece (what TF Serving's MergeInputTensors
// does: an extra copy proportional to the requests' size). Ragged features (row_splits)
// are concatenated with their splits rebased, so no shape padding is ever needed.
import { fixedWidth, type Column, type FeatureBatch, type Schema } from '../tensors/feature-batch.js';

/** Rows [start, end) of a decoded request. */
export interface BatchSegment {
  batch: FeatureBatch;
  start: number;
  end: number;
}

/** One batch of `paddedRows` rows (>= the segments' total) out of `segments`, in order. */
export function mergeSegments(schema: Schema, segments: readonly BatchSegment[], paddedRows: number): FeatureBatch {
  if (segments.length === 0) throw new Error('mergeSegments: no segments');
  const rows = segments.reduce((a, s) => a + (s.end - s.start), 0);
  if (paddedRows < rows) throw new Error(`mergeSegments: padded size ${paddedRows} is below the ${rows} rows to merge`);
  const only = segments[0]!;
  if (segments.length === 1 && paddedRows === rows && only.start === 0 && only.end === only.batch.candidates)
    return only.batch;
  // Padding repeats one row: the first row of the last segment.
  const pieces = segments.slice();
  const last = segments[segments.length - 1]!;
  for (let i = rows; i < paddedRows; i++) pieces.push({ batch: last.batch, start: last.start, end: last.start + 1 });
  const tensors = new Map<string, Column>();
  for (const spec of schema.features) {
    const cols = pieces.map((p) => {
      const c = p.batch.tensors.get(spec.name);
      if (!c) throw new Error(`batch has no tensor for feature "${spec.name}"`);
      return c;
    });
    tensors.set(
      spec.name,
      cols[0]!.rowSplits ? mergeRagged(pieces, cols) : mergeFixed(pieces, cols, fixedWidth(spec) ?? 1),
    );
  }
  return { candidates: paddedRows, tensors };
}

function mergeFixed(pieces: readonly BatchSegment[], cols: Column[], width: number): Column {
  const total = pieces.reduce((a, p) => a + (p.end - p.start), 0) * width;
  const first = cols[0]!.values;
  if (Array.isArray(first)) {
    const out = new Array<Uint8Array>(total);
    let o = 0;
    pieces.forEach((p, k) => {
      const v = cols[k]!.values as Uint8Array[];
      for (let i = p.start * width; i < p.end * width; i++) out[o++] = v[i]!;
    });
    return { values: out };
  }
  const out = first instanceof Float32Array ? new Float32Array(total) : new BigInt64Array(total);
  let o = 0;
  pieces.forEach((p, k) => {
    const v = cols[k]!.values as Float32Array;
    const part = v.subarray(p.start * width, p.end * width);
    (out as Float32Array).set(part, o);
    o += part.length;
  });
  return { values: out };
}

function mergeRagged(pieces: readonly BatchSegment[], cols: Column[]): Column {
  const rows = pieces.reduce((a, p) => a + (p.end - p.start), 0);
  const splits = new Int32Array(rows + 1);
  let total = 0;
  pieces.forEach((p, k) => {
    const s = cols[k]!.rowSplits!;
    total += s[p.end]! - s[p.start]!;
  });
  const first = cols[0]!.values;
  const out: Float32Array | BigInt64Array | Uint8Array[] = Array.isArray(first)
    ? new Array<Uint8Array>(total)
    : first instanceof Float32Array
      ? new Float32Array(total)
      : new BigInt64Array(total);
  let r = 0;
  let o = 0;
  pieces.forEach((p, k) => {
    const c = cols[k]!;
    const s = c.rowSplits!;
    const a = s[p.start]!;
    const b = s[p.end]!;
    for (let i = p.start; i < p.end; i++) splits[++r] = o + (s[i + 1]! - a);
    if (Array.isArray(out)) {
      const v = c.values as Uint8Array[];
      for (let i = a; i < b; i++) out[o + i - a] = v[i]!;
    } else {
      (out as Float32Array).set((c.values as Float32Array).subarray(a, b), o);
    }
    o += b - a;
  });
  return { values: out, rowSplits: splits };
}

/** The typed arrays' buffers of a batch, once each: what a postMessage can transfer instead of copy. */
export function batchBuffers(batch: FeatureBatch, into: Set<ArrayBuffer> = new Set()): Set<ArrayBuffer> {
  for (const c of batch.tensors.values()) {
    if (c.rowSplits) addBuffer(into, c.rowSplits.buffer);
    if (Array.isArray(c.values)) for (const v of c.values) addBuffer(into, v.buffer);
    else addBuffer(into, c.values.buffer);
  }
  return into;
}

function addBuffer(into: Set<ArrayBuffer>, b: ArrayBufferLike): void {
  if (b instanceof ArrayBuffer) into.add(b);
}
