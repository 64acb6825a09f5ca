// The columnar plan shared by every tensor-per-feature format (tensor-*, json-columnar,
// msgpack-columnar): which named tensors a request becomes, and the server side's
// inverse, which checks names, dtypes and shapes the way a signature would and
// assembles the canonical FeatureBatch (broadcasting context sent once).
//
// Variable-length features travel as two inputs, the way a tf.RaggedTensor signature
// takes them: `<name>` holds the flat values (rank 1) and `<name>_row_splits` the int64
// row boundaries (rank 1, rows + 1 entries, starting at 0).
import type { DType, FeatureSpec } from '../scenario/types.js';
import { ROW_SPLITS_SUFFIX } from '../scenario/parse-scenario.js';
import {
  broadcastColumn,
  fixedWidth,
  type Column,
  type FeatureBatch,
  type RankingRequest,
  type Schema,
  type Values,
} from '../tensors/feature-batch.js';
import type { NamedTensor } from '../tensors/named-tensor.js';
import { DecodeError } from '../wire/proto-reader.js';
import { elementCount } from '../wire/tensor-shape.js';

export { elementCount };

export { ROW_SPLITS_SUFFIX };
export const PACKED_ITEM = 'packed_item_dense';
export const PACKED_CONTEXT = 'packed_context_dense';

export interface ColumnarOptions {
  /** Send context features once (leading dimension 1) instead of once per candidate. */
  contextOnce: boolean;
  /** Concatenate fixed-shape float32 features into one [rows, F] tensor per scope. */
  pack: boolean;
}

/** Float32 fixed-shape features of a scope, in schema order: what `pack` concatenates. */
export function packedFeatures(schema: Schema, scope: FeatureSpec['scope']): FeatureSpec[] {
  return schema.features.filter((f) => f.scope === scope && f.dtype === 'float32' && f.shape.kind !== 'list');
}

function splitsToInt64(splits: Int32Array): BigInt64Array {
  const out = new BigInt64Array(splits.length);
  for (let i = 0; i < splits.length; i++) out[i] = BigInt(splits[i]!);
  return out;
}

/** The tensors a request becomes. */
export function toNamedTensors(req: RankingRequest, opts: ColumnarOptions): NamedTensor[] {
  const out: NamedTensor[] = [];
  const n = req.candidates;
  const packed = new Set<string>();
  if (opts.pack) {
    for (const scope of ['item', 'context'] as const) {
      const specs = packedFeatures(req.schema, scope);
      if (specs.length === 0) continue;
      const rows = scope === 'item' ? n : 1;
      const widths = specs.map((s) => fixedWidth(s)!);
      const total = widths.reduce((a, b) => a + b, 0);
      const values = new Float32Array(rows * total);
      // Copied as 32-bit patterns: a float read into a JS number quiets a signaling NaN.
      const dst = bitsOf(values);
      const srcs = specs.map((s) => bitsOf(req.columns.get(s.name)!.values as Float32Array));
      transposeBlocked(srcs, Int32Array.from(widths), dst, rows, total, 'pack');
      for (const s of specs) packed.add(s.name);
      out.push({
        name: scope === 'item' ? PACKED_ITEM : PACKED_CONTEXT,
        dtype: 'float32',
        shape: [rows, total],
        values,
      });
    }
  }
  for (const spec of req.schema.features) {
    if (packed.has(spec.name)) continue;
    let col = req.columns.get(spec.name)!;
    let rows = spec.scope === 'item' ? n : 1;
    if (spec.scope === 'context' && !opts.contextOnce) {
      col = broadcastColumn(col, n);
      rows = n;
    }
    if (col.rowSplits) {
      out.push({ name: spec.name, dtype: spec.dtype, shape: [col.values.length], values: col.values });
      out.push({
        name: spec.name + ROW_SPLITS_SUFFIX,
        dtype: 'int64',
        shape: [rows + 1],
        values: splitsToInt64(col.rowSplits),
      });
    } else {
      const shape = spec.shape.kind === 'vector' ? [rows, spec.shape.length] : [rows];
      out.push({ name: spec.name, dtype: spec.dtype, shape, values: col.values });
    }
  }
  return out;
}

const shapeText = (s: readonly number[]): string => `[${s.join(',')}]`;

/** The input names a columnar signature expects for a schema. */
export function expectedInputs(schema: Schema, pack: boolean): string[] {
  const names: string[] = [];
  const packedNames = new Set<string>();
  if (pack) {
    for (const scope of ['item', 'context'] as const) {
      const specs = packedFeatures(schema, scope);
      if (specs.length) names.push(scope === 'item' ? PACKED_ITEM : PACKED_CONTEXT);
      for (const s of specs) packedNames.add(s.name);
    }
  }
  for (const f of schema.features) {
    if (packedNames.has(f.name)) continue;
    names.push(f.name);
    if (f.shape.kind === 'list') names.push(f.name + ROW_SPLITS_SUFFIX);
  }
  return names;
}

/**
 * Server side: check a request's named tensors against the signature the schema
 * implies and build the canonical batch. Context features may come with leading
 * dimension 1 (broadcast here) or with one row per candidate.
 */
export function assembleBatch(schema: Schema, inputs: Map<string, NamedTensor>, pack: boolean): FeatureBatch {
  const expected = expectedInputs(schema, pack);
  const expectedSet = new Set(expected);
  const extra: string[] = [];
  for (const k of inputs.keys()) if (!expectedSet.has(k)) extra.push(k);
  if (extra.length) {
    throw new DecodeError(
      `input tensor alias not found in signature: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ` (+${extra.length - 5} more)` : ''}. Inputs expected to be in the set {${preview(expected)}}.`,
    );
  }
  const missing: string[] = [];
  for (const k of expected) if (!inputs.has(k)) missing.push(k);
  if (missing.length)
    throw new DecodeError(
      `Request inputs do not match required inputs for the signature. Missing: {${preview(missing)}}`,
    );

  // Candidates: the leading dimension of any per-candidate input.
  let n = -1;
  const item = pack ? inputs.get(PACKED_ITEM) : undefined;
  if (item) n = item.shape[0] ?? -1;
  for (const f of schema.features) {
    if (n >= 0) break;
    if (f.scope !== 'item' || (pack && f.dtype === 'float32' && f.shape.kind !== 'list')) continue;
    const t = f.shape.kind === 'list' ? inputs.get(f.name + ROW_SPLITS_SUFFIX)! : inputs.get(f.name)!;
    n = f.shape.kind === 'list' ? (t.shape[0] ?? 0) - 1 : (t.shape[0] ?? -1);
  }
  if (n < 0) {
    // Only context features: the batch is as large as the largest leading dimension sent.
    n = 1;
    for (const t of inputs.values()) if (!t.name.endsWith(ROW_SPLITS_SUFFIX)) n = Math.max(n, t.shape[0] ?? 1);
  }

  const tensors = new Map<string, Column>();
  if (pack) unpack(schema, inputs, n, tensors);
  for (const f of schema.features) {
    if (tensors.has(f.name)) continue;
    const t = inputs.get(f.name)!;
    checkDtype(t, f.dtype);
    if (f.shape.kind === 'list') {
      const s = inputs.get(f.name + ROW_SPLITS_SUFFIX)!;
      checkDtype(s, 'int64');
      if (t.shape.length !== 1)
        throw new DecodeError(`input "${f.name}": ragged values must have rank 1, got shape ${shapeText(t.shape)}`);
      if (s.shape.length !== 1)
        throw new DecodeError(`input "${s.name}": row_splits must have rank 1, got shape ${shapeText(s.shape)}`);
      const rows = s.shape[0]! - 1;
      if (rows !== n && !(rows === 1 && f.scope === 'context')) {
        throw new DecodeError(
          `input "${s.name}": expected ${n + 1} row splits${f.scope === 'context' ? ' (or 2 for a context feature sent once)' : ''}, got ${rows + 1}`,
        );
      }
      const splits = checkSplits(s, t.values.length);
      const col: Column = { values: t.values, rowSplits: splits };
      tensors.set(f.name, rows === n ? col : broadcastColumn(col, n));
    } else {
      const want = f.shape.kind === 'vector' ? [n, f.shape.length] : [n];
      const ok1 = sameShape(t.shape, want);
      const okCtx = f.scope === 'context' && n !== 1 && sameShape(t.shape, [1, ...want.slice(1)]);
      if (!ok1 && !okCtx) {
        throw new DecodeError(
          `input "${f.name}": expected shape ${shapeText(want)}${f.scope === 'context' ? ` or ${shapeText([1, ...want.slice(1)])}` : ''}, got ${shapeText(t.shape)}`,
        );
      }
      tensors.set(f.name, ok1 ? { values: t.values } : broadcastColumn({ values: t.values }, n));
    }
  }
  return { candidates: n, tensors };
}

function unpack(schema: Schema, inputs: Map<string, NamedTensor>, n: number, tensors: Map<string, Column>): void {
  for (const scope of ['item', 'context'] as const) {
    const specs = packedFeatures(schema, scope);
    if (!specs.length) continue;
    const name = scope === 'item' ? PACKED_ITEM : PACKED_CONTEXT;
    const t = inputs.get(name)!;
    checkDtype(t, 'float32');
    const total = specs.reduce((a, s) => a + fixedWidth(s)!, 0);
    const rows = t.shape[0]!;
    const okRows = rows === n || (scope === 'context' && rows === 1);
    if (t.shape.length !== 2 || t.shape[1] !== total || !okRows) {
      throw new DecodeError(
        `input "${name}": expected shape [${scope === 'context' ? `1 or ${n}` : n},${total}], got ${shapeText(t.shape)}`,
      );
    }
    const src = bitsOf(t.values as Float32Array);
    const k = specs.length;
    const ws = new Int32Array(k);
    for (let f = 0; f < k; f++) ws[f] = fixedWidth(specs[f]!)!;
    // One allocation for every unpacked feature: feature f owns n * w_f values from n * off_f.
    const all = new Float32Array(n * total);
    const cols: Int32Array[] = [];
    let off = 0;
    for (let f = 0; f < k; f++) {
      cols.push(bitsOf(all.subarray(n * off, n * (off + ws[f]!))));
      off += ws[f]!;
    }
    if (rows === 1) {
      // Context sent once: every candidate's row is row 0.
      for (let f = 0, o = 0; f < k; f++) {
        const w = ws[f]!;
        for (let r = 0; r < n; r++) for (let j = 0; j < w; j++) cols[f]![r * w + j] = src[o + j]!;
        o += w;
      }
    } else transposeBlocked(cols, ws, src, n, total, 'unpack');
    for (let f = 0; f < k; f++)
      tensors.set(specs[f]!.name, { values: new Float32Array(cols[f]!.buffer, cols[f]!.byteOffset, cols[f]!.length) });
  }
}

/** Rows per block of the packed-matrix transpose: 16 rows of ~270 floats stay in L1 across all features. */
const BLOCK_ROWS = 16;

/**
 * Between the packed [rows, total] matrix and one column per feature (feature f: `ws[f]`
 * values per row), as 32-bit patterns. `pack` writes `matrix` from `cols`, `unpack` the
 * reverse. Blocked by rows: going feature by feature down all rows touched a new cache line
 * of the matrix per element (strides of ~1 kB), going row by row scattered the writes over
 * every column; a block of rows keeps both the matrix lines and each column's line in cache.
 */
function transposeBlocked(
  cols: Int32Array[],
  ws: Int32Array,
  matrix: Int32Array,
  rows: number,
  total: number,
  dir: 'pack' | 'unpack',
): void {
  const k = ws.length;
  for (let r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
    const r1 = Math.min(rows, r0 + BLOCK_ROWS);
    let off = 0;
    for (let f = 0; f < k; f++) {
      const w = ws[f]!;
      const col = cols[f]!;
      if (w === 1) {
        if (dir === 'pack') for (let r = r0; r < r1; r++) matrix[r * total + off] = col[r]!;
        else for (let r = r0; r < r1; r++) col[r] = matrix[r * total + off]!;
      } else {
        for (let r = r0; r < r1; r++) {
          const m = r * total + off;
          const c = r * w;
          if (dir === 'pack') for (let j = 0; j < w; j++) matrix[m + j] = col[c + j]!;
          else for (let j = 0; j < w; j++) col[c + j] = matrix[m + j]!;
        }
      }
      off += w;
    }
  }
}

/** The bit patterns of float32 values (same memory). */
function bitsOf(v: Float32Array): Int32Array {
  return new Int32Array(v.buffer, v.byteOffset, v.length);
}

function checkDtype(t: NamedTensor, want: DType): void {
  if (t.dtype !== want) throw new DecodeError(`input "${t.name}": expected dtype ${want}, got ${t.dtype}`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkSplits(s: NamedTensor, valueCount: number): Int32Array {
  const v = s.values as BigInt64Array;
  // Read the int64s as 32-bit halves (little-endian): no BigInt per entry. A split that does not
  // fit 31 bits (high half set, or low half negative) exceeds any value count and fails below.
  const h = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
  const out = new Int32Array(v.length);
  let prev = 0;
  for (let i = 0; i < v.length; i++) {
    const lo = h[2 * i]!;
    const x = h[2 * i + 1] === 0 && lo >= 0 ? lo : Number(v[i]);
    if ((i === 0 && x !== 0) || x < prev || x > valueCount) {
      throw new DecodeError(
        `input "${s.name}": row_splits must start at 0, never decrease and end at the value count ${valueCount}; entry ${i} is ${x}`,
      );
    }
    out[i] = prev = x;
  }
  if (prev !== valueCount)
    throw new DecodeError(`input "${s.name}": last row split is ${prev}, expected the value count ${valueCount}`);
  return out;
}

function preview(names: readonly string[]): string {
  return names.length > 12 ? `${names.slice(0, 12).join(', ')}, ... (${names.length} in all)` : names.join(', ');
}
