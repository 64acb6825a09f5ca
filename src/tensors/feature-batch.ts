// The logical request and the canonical decoded form every format must reproduce.
import type { DType, FeatureSpec } from './schema.js';

/** Flat values of one feature: float32, int64 or a list of byte strings. */
export type Values = Float32Array | BigInt64Array | Uint8Array[];

/**
 * One feature's values for a number of rows. Fixed shapes store `rows * width`
 * values row-major; variable-length lists add `rowSplits` (length rows + 1, as
 * tf.RaggedTensor's row_splits), row r owning values[rowSplits[r]..rowSplits[r+1]).
 */
export interface Column {
  values: Values;
  rowSplits?: Int32Array;
}

/** The schema a request is built from and a server parses against. */
export interface Schema {
  features: readonly FeatureSpec[];
}

/**
 * The logical ranking request: context features once (1 row), item features
 * per candidate (`candidates` rows). Formats encode this.
 */
export interface RankingRequest {
  schema: Schema;
  candidates: number;
  columns: Map<string, Column>;
}

/**
 * The canonical decoded form: every feature with `candidates` rows, context
 * features broadcast to every candidate. Every format's decode returns this.
 */
export interface FeatureBatch {
  candidates: number;
  tensors: Map<string, Column>;
}

/** Values per row for fixed shapes; undefined for variable-length lists. */
export function fixedWidth(spec: FeatureSpec): number | undefined {
  switch (spec.shape.kind) {
    case 'scalar':
      return 1;
    case 'vector':
      return spec.shape.length;
    case 'list':
      return undefined;
  }
}

export function allocValues(dtype: DType, n: number): Values {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'bytes':
      return new Array<Uint8Array>(n);
  }
}

/** Repeat a 1-row column `rows` times (what a server's broadcast does). */
export function broadcastColumn(col: Column, rows: number): Column {
  if (col.rowSplits) {
    const len = col.rowSplits[1]! - col.rowSplits[0]!;
    const splits = new Int32Array(rows + 1);
    for (let r = 0; r <= rows; r++) splits[r] = r * len;
    return { values: repeatValues(col.values, rows), rowSplits: splits };
  }
  return { values: repeatValues(col.values, rows) };
}

function repeatValues(v: Values, times: number): Values {
  if (Array.isArray(v)) {
    const out = new Array<Uint8Array>(v.length * times);
    for (let t = 0; t < times; t++) for (let i = 0; i < v.length; i++) out[t * v.length + i] = v[i]!;
    return out;
  }
  const total = v.length * times;
  const out = v instanceof Float32Array ? new Float32Array(total) : new BigInt64Array(total);
  if (total === 0) return out;
  (out as Float32Array).set(v as Float32Array, 0);
  repeatPrefix(out, v.length);
  return out;
}

/**
 * Fills all of `out` with repeats of its first `width` values (already in place), by doubling
 * copies: log2(repeats) memmoves instead of one small copy per repeat.
 */
export function repeatPrefix(out: Float32Array | BigInt64Array | Int32Array, width: number): void {
  const total = out.length;
  if (width <= 0) return;
  for (let filled = width; filled < total; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, total - filled));
}

/** The canonical batch of a logical request: context broadcast, item columns as they are. */
export function toFeatureBatch(req: RankingRequest): FeatureBatch {
  const tensors = new Map<string, Column>();
  for (const spec of req.schema.features) {
    const col = req.columns.get(spec.name);
    if (!col) throw new Error(`request has no column for feature "${spec.name}"`);
    tensors.set(spec.name, spec.scope === 'context' ? broadcastColumn(col, req.candidates) : col);
  }
  return { candidates: req.candidates, tensors };
}

/** Number of rows a column holds, given its spec. */
export function columnRows(spec: FeatureSpec, col: Column): number {
  if (col.rowSplits) return col.rowSplits.length - 1;
  return col.values.length / (fixedWidth(spec) ?? 1);
}

export interface DiffOptions {
  /**
   * Compare NaN payload bits too. False for formats that cannot carry them (JSON has one
   * NaN token): any NaN then equals any NaN, and every other float is still compared bit for bit.
   * @default true
   */
  nanPayloads?: boolean;
}

/**
 * First difference between two batches, or undefined when they are identical
 * value for value (floats compared bit for bit, NaN included).
 */
export function diffBatches(
  schema: Schema,
  a: FeatureBatch,
  b: FeatureBatch,
  opts: DiffOptions = {},
): string | undefined {
  if (a.candidates !== b.candidates) return `candidates: ${a.candidates} vs ${b.candidates}`;
  if (a.tensors.size !== b.tensors.size) return `tensor count: ${a.tensors.size} vs ${b.tensors.size}`;
  for (const spec of schema.features) {
    const x = a.tensors.get(spec.name);
    const y = b.tensors.get(spec.name);
    if (!x || !y) return `feature "${spec.name}" missing on the ${x ? 'right' : 'left'}`;
    const d = diffColumns(x, y, opts);
    if (d) return `feature "${spec.name}": ${d}`;
  }
  return undefined;
}

export function diffColumns(x: Column, y: Column, opts: DiffOptions = {}): string | undefined {
  if (!!x.rowSplits !== !!y.rowSplits) return 'one side is ragged, the other is not';
  if (x.rowSplits && y.rowSplits) {
    if (x.rowSplits.length !== y.rowSplits.length)
      return `row_splits length ${x.rowSplits.length} vs ${y.rowSplits.length}`;
    for (let i = 0; i < x.rowSplits.length; i++)
      if (x.rowSplits[i] !== y.rowSplits[i]) return `row_splits[${i}] ${x.rowSplits[i]} vs ${y.rowSplits[i]}`;
  }
  const u = x.values;
  const v = y.values;
  if (u.length !== v.length) return `value count ${u.length} vs ${v.length}`;
  if (Array.isArray(u) || Array.isArray(v)) {
    if (!Array.isArray(u) || !Array.isArray(v)) return 'dtype differs (bytes vs numeric)';
    for (let i = 0; i < u.length; i++) if (!bytesEqual(u[i]!, v[i]!)) return `bytes value ${i} differs`;
    return undefined;
  }
  if (u.constructor !== v.constructor) return `dtype differs (${u.constructor.name} vs ${v.constructor.name})`;
  const ub = new Uint8Array(u.buffer, u.byteOffset, u.byteLength);
  const vb = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (!bytesEqual(ub, vb)) {
    for (let i = 0; i < u.length; i++)
      if (!Object.is(u[i], v[i])) return `value ${i}: ${String(u[i])} vs ${String(v[i])}`;
    if (opts.nanPayloads === false && u instanceof Float32Array) {
      // Same values as numbers (NaN is NaN); only NaN payloads may differ, and -0 vs 0 was caught above.
      return undefined;
    }
    return firstBitDiff(ub, vb, u.BYTES_PER_ELEMENT);
  }
  return undefined;
}

function firstBitDiff(a: Uint8Array, b: Uint8Array, width: number): string {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      const at = Math.floor(i / width) * width;
      const hex = (x: Uint8Array): string =>
        Buffer.from(x.subarray(at, at + width))
          .reverse()
          .toString('hex');
      return `value ${at / width} differs bitwise (0x${hex(a)} vs 0x${hex(b)}, NaN payloads differ)`;
    }
  }
  return 'values differ bitwise';
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
