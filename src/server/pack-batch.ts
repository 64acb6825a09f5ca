// A decoded FeatureBatch as one contiguous ArrayBuffer, so it crosses between threads by
// transfer (no copy) instead of by structured clone: cloning a batch of a few hundred small
// columns costs about as much as decoding it, packing is one memcpy per column. Layout, in
// the schema's feature order, each part 8-byte aligned:
//   Int32 header: candidates, then per feature [values length, row_splits length (0: none), bytes length]
//   per feature: values (float32 / int64, or byte strings concatenated + Int32 offsets), row_splits
import type { Column, FeatureBatch, Schema } from '../tensors/feature-batch.js';

const align8 = (n: number): number => (n + 7) & ~7;

export function packBatch(schema: Schema, batch: FeatureBatch): ArrayBuffer {
  const feats = schema.features;
  const cols = feats.map((f) => {
    const c = batch.tensors.get(f.name);
    if (!c) throw new Error(`batch has no tensor for feature "${f.name}"`);
    return c;
  });
  let size = align8(4 * (1 + 3 * feats.length));
  for (const c of cols) {
    const v = c.values;
    if (Array.isArray(v)) size += align8(4 * (v.length + 1)) + align8(v.reduce((a, b) => a + b.length, 0));
    else size += align8(v.byteLength);
    if (c.rowSplits) size += align8(c.rowSplits.byteLength);
  }
  const buf = new ArrayBuffer(size);
  const header = new Int32Array(buf, 0, 1 + 3 * feats.length);
  header[0] = batch.candidates;
  const bytes = new Uint8Array(buf);
  let at = align8(header.byteLength);
  cols.forEach((c, k) => {
    const v = c.values;
    header[1 + 3 * k] = v.length;
    header[2 + 3 * k] = c.rowSplits ? c.rowSplits.length : 0;
    if (Array.isArray(v)) {
      const offsets = new Int32Array(buf, at, v.length + 1);
      at += align8(offsets.byteLength);
      let o = 0;
      for (let i = 0; i < v.length; i++) {
        bytes.set(v[i]!, at + o);
        o += v[i]!.length;
        offsets[i + 1] = o;
      }
      header[3 + 3 * k] = o;
      at += align8(o);
    } else {
      bytes.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
      header[3 + 3 * k] = 0;
      at += align8(v.byteLength);
    }
    if (c.rowSplits) {
      bytes.set(new Uint8Array(c.rowSplits.buffer, c.rowSplits.byteOffset, c.rowSplits.byteLength), at);
      at += align8(c.rowSplits.byteLength);
    }
  });
  return buf;
}

/** Views over a packed batch (no copy). */
export function unpackBatch(schema: Schema, buf: ArrayBuffer): FeatureBatch {
  const feats = schema.features;
  const header = new Int32Array(buf, 0, 1 + 3 * feats.length);
  const tensors = new Map<string, Column>();
  let at = align8(header.byteLength);
  feats.forEach((f, k) => {
    const n = header[1 + 3 * k]!;
    const splits = header[2 + 3 * k]!;
    let values: Column['values'];
    if (f.dtype === 'bytes') {
      const offsets = new Int32Array(buf, at, n + 1);
      at += align8(offsets.byteLength);
      const strs = new Array<Uint8Array>(n);
      for (let i = 0; i < n; i++) strs[i] = new Uint8Array(buf, at + offsets[i]!, offsets[i + 1]! - offsets[i]!);
      values = strs;
      at += align8(header[3 + 3 * k]!);
    } else if (f.dtype === 'int64') {
      values = new BigInt64Array(buf, at, n);
      at += align8(n * 8);
    } else {
      values = new Float32Array(buf, at, n);
      at += align8(n * 4);
    }
    const col: Column = { values };
    if (splits > 0) {
      col.rowSplits = new Int32Array(buf, at, splits);
      at += align8(splits * 4);
    }
    tensors.set(f.name, col);
  });
  return { candidates: header[0]!, tensors };
}
