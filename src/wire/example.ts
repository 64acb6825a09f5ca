// tf.Example (tensorflow/core/example/{example,feature}.proto) writing, and a
// parser that does ParseExampleV2's job: walk every example, find each feature
// by name, check its type and length, and gather values straight into one
// typed array per feature (variable-length lists as values + row splits).
// Proto map semantics hold: a key repeated in one example (as when ELWC context
// and example bytes are concatenated) keeps its last value; keys the schema does
// not ask for are skipped, as ParseExample skips them.
import type { FeatureSpec } from '../scenario/types.js';
import { allocValues, fixedWidth, type Column, type RankingRequest } from '../tensors/feature-batch.js';
import { copyFloats, DecodeError, ProtoReader } from './proto-reader.js';
import { halvesOf, ProtoWriter, WIRE_LEN } from './proto-writer.js';

const utf8 = new TextEncoder();
const latin = new TextDecoder('utf-8');

/** Feature field number of the list kind for a dtype: bytes_list 1, float_list 2, int64_list 3. */
const KIND: Record<FeatureSpec['dtype'], number> = { bytes: 1, float32: 2, int64: 3 };
const KIND_NAME = ['', 'string', 'float', 'int64'];

/** What the writer needs per feature, built once per request. */
export interface FeatureSource {
  key: Uint8Array;
  spec: FeatureSpec;
  col: Column;
  width: number | undefined;
  halves: Int32Array | undefined;
}

export function featureSources(req: RankingRequest, specs: readonly FeatureSpec[]): FeatureSource[] {
  return specs.map((spec) => {
    const col = req.columns.get(spec.name)!;
    return {
      key: utf8.encode(spec.name),
      spec,
      col,
      width: fixedWidth(spec),
      halves: col.values instanceof BigInt64Array ? halvesOf(col.values) : undefined,
    };
  });
}

/** Writes an Example body (no tag/length) holding `sources` at `row` (context sources use row 0). */
export function writeExample(w: ProtoWriter, sources: readonly FeatureSource[], row: number): void {
  w.tag(1, WIRE_LEN);
  const features = w.begin();
  for (const s of sources) {
    const r = s.spec.scope === 'context' ? 0 : row;
    let from: number;
    let to: number;
    if (s.width !== undefined) {
      from = r * s.width;
      to = from + s.width;
    } else {
      from = s.col.rowSplits![r]!;
      to = s.col.rowSplits![r + 1]!;
    }
    w.tag(1, WIRE_LEN);
    const entry = w.begin();
    w.tag(1, WIRE_LEN);
    w.bytes(s.key);
    w.tag(2, WIRE_LEN);
    const feature = w.begin();
    w.tag(KIND[s.spec.dtype], WIRE_LEN);
    const list = w.begin();
    const v = s.col.values;
    if (to > from) {
      if (Array.isArray(v)) {
        for (let i = from; i < to; i++) {
          w.tag(1, WIRE_LEN);
          w.bytes(v[i]!);
        }
      } else if (v instanceof Float32Array) {
        w.tag(1, WIRE_LEN);
        w.uint32((to - from) * 4);
        w.floatsRaw(v, from, to);
      } else {
        w.tag(1, WIRE_LEN);
        const packed = w.begin();
        w.int64Halves(s.halves!, from, to);
        w.end(packed);
      }
    }
    w.end(list);
    w.end(feature);
    w.end(entry);
  }
  w.end(features);
}

interface Acc {
  spec: FeatureSpec;
  key: Uint8Array;
  kind: number;
  width: number | undefined;
  f32: Float32Array | undefined;
  /** f32's memory as 32-bit patterns. */
  bits: Int32Array | undefined;
  i64: BigInt64Array | undefined;
  halves: Int32Array | undefined;
  strs: Uint8Array[] | undefined;
  /** Values written so far (lists) */
  len: number;
  splits: Int32Array | undefined;
  /** Last row this feature was seen in. */
  seen: number;
}

/** Float lists up to this many values are copied value by value rather than with typed-array views. */
const SMALL_COPY = 32;

/** Gathers examples into per-feature columns; one instance per request. */
export class ExampleParser {
  private readonly accs: Acc[];
  private readonly byName = new Map<string, number>();
  private guess = 0;

  constructor(
    specs: readonly FeatureSpec[],
    private readonly rows: number,
  ) {
    this.accs = specs.map((spec, i) => {
      this.byName.set(spec.name, i);
      const width = fixedWidth(spec);
      const cap = width === undefined ? Math.max(16, rows * 4) : rows * width;
      const values = allocValues(spec.dtype, cap);
      const acc: Acc = {
        spec,
        key: utf8.encode(spec.name),
        kind: KIND[spec.dtype],
        width,
        f32: values instanceof Float32Array ? values : undefined,
        bits:
          values instanceof Float32Array ? new Int32Array(values.buffer, values.byteOffset, values.length) : undefined,
        i64: values instanceof BigInt64Array ? values : undefined,
        halves: values instanceof BigInt64Array ? halvesOf(values) : undefined,
        strs: Array.isArray(values) ? values : undefined,
        len: 0,
        splits: width === undefined ? new Int32Array(rows + 1) : undefined,
        seen: -1,
      };
      if (acc.strs) acc.strs.length = width === undefined ? 0 : cap;
      return acc;
    });
  }

  /** Parse one serialized Example (buf[start..end)) into `row`; may be called again for the same row (merge). */
  parseInto(buf: Uint8Array, start: number, end: number, row: number): void {
    const r = new ProtoReader(buf, start, end);
    while (!r.done()) {
      const t = r.tag();
      if (t !== ((1 << 3) | 2)) {
        r.skip(t & 7);
        continue;
      }
      const fend = r.len() + r.pos;
      while (r.pos < fend) {
        const u = r.tag();
        if (u !== ((1 << 3) | 2)) {
          r.skip(u & 7);
          continue;
        }
        const eend = r.len() + r.pos;
        this.parseEntry(r, eend, row);
        r.pos = eend;
      }
    }
  }

  private parseEntry(r: ProtoReader, eend: number, row: number): void {
    const saveEnd = r.end;
    r.end = eend;
    let acc: Acc | undefined;
    let keyFound = false;
    let valStart = -1;
    let valEnd = -1;
    while (!r.done()) {
      const t = r.tag();
      if (t === ((1 << 3) | 2)) {
        const n = r.len();
        acc = this.lookup(r.buf, r.pos, n);
        keyFound = true;
        r.pos += n;
      } else if (t === ((2 << 3) | 2)) {
        const n = r.len();
        valStart = r.pos;
        valEnd = r.pos + n;
        r.pos += n;
      } else r.skip(t & 7);
    }
    r.end = saveEnd;
    if (!keyFound || !acc) return; // not a feature the signature asks for
    if (valStart < 0) {
      valStart = valEnd = eend;
    }
    this.parseFeature(acc, r, valStart, valEnd, row);
  }

  private lookup(buf: Uint8Array, at: number, n: number): Acc | undefined {
    const accs = this.accs;
    const g = accs[this.guess];
    if (g && matches(g.key, buf, at, n)) {
      this.guess = this.guess + 1 < accs.length ? this.guess + 1 : 0;
      return g;
    }
    const i = this.byName.get(latin.decode(buf.subarray(at, at + n)));
    if (i === undefined) return undefined;
    this.guess = i + 1 < accs.length ? i + 1 : 0;
    return accs[i];
  }

  /**
   * Reads the Feature at buf[start..end) with the example's own reader `r` (bounds saved and
   * restored): no reader or view is allocated per feature, which at 270 features x 1,000
   * examples was most of the garbage this parser made.
   */
  private parseFeature(acc: Acc, r: ProtoReader, start: number, end: number, row: number): void {
    const saveEnd = r.end;
    r.pos = start;
    r.end = end;
    let kind = 0;
    let listStart = 0;
    let listEnd = 0;
    while (!r.done()) {
      const t = r.tag();
      const f = t >>> 3;
      if ((t & 7) === 2 && f >= 1 && f <= 3) {
        kind = f;
        const n = r.len();
        listStart = r.pos;
        listEnd = r.pos + n;
        r.pos = listEnd;
      } else r.skip(t & 7);
    }
    if (kind !== acc.kind) {
      throw new DecodeError(
        `Name: <unknown>, Key: ${acc.spec.name}, Index: ${row}.  Data types don't match. Expected type: ${KIND_NAME[acc.kind]}, Actual type: ${kind ? KIND_NAME[kind] : 'none'}`,
      );
    }
    // Proto map merge: a repeated key replaces this row's earlier value.
    const base = acc.width === undefined ? (acc.seen === row ? acc.splits![row]! : acc.len) : row * acc.width;
    let at = base;
    const lr = r;
    lr.pos = listStart;
    lr.end = listEnd;
    if (acc.f32) {
      while (!lr.done()) {
        const t = lr.tag();
        if (t === ((1 << 3) | 2)) {
          const n = lr.len();
          if (n % 4) throw new DecodeError(`Key: ${acc.spec.name}, Index: ${row}.  packed float list of ${n} bytes`);
          const c = n >>> 2;
          this.room(acc, at + c, row);
          if (c <= SMALL_COPY) {
            // A few floats: byte by byte into the 32-bit patterns (bit-exact, NaN payloads kept),
            // cheaper than the two typed-array views a bulk copy needs.
            const b = lr.buf;
            const bits = acc.bits!;
            let p = lr.pos;
            for (let i = 0; i < c; i++, p += 4)
              bits[at + i] = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
          } else copyFloats(lr.buf, lr.pos, c, acc.f32!, at);
          lr.pos += n;
          at += c;
        } else if (t === ((1 << 3) | 5)) {
          this.room(acc, at + 1, row);
          acc.f32![at++] = lr.float();
        } else lr.skip(t & 7);
      }
    } else if (acc.i64) {
      while (!lr.done()) {
        const t = lr.tag();
        if (t === ((1 << 3) | 2)) {
          const pend = lr.len() + lr.pos;
          const save = lr.end;
          lr.end = pend;
          while (!lr.done()) {
            this.room(acc, at + 1, row);
            lr.varint64Into(acc.halves!, at++);
          }
          lr.end = save;
        } else if (t === ((1 << 3) | 0)) {
          this.room(acc, at + 1, row);
          lr.varint64Into(acc.halves!, at++);
        } else lr.skip(t & 7);
      }
    } else {
      const strs = acc.strs!;
      while (!lr.done()) {
        const t = lr.tag();
        if (t === ((1 << 3) | 2)) {
          this.room(acc, at + 1, row);
          strs[at++] = lr.bytes();
        } else lr.skip(t & 7);
      }
    }
    r.end = saveEnd;
    const count = at - base;
    if (acc.width !== undefined) {
      if (count !== acc.width) {
        throw new DecodeError(
          `Name: <unknown>, Key: ${acc.spec.name}, Index: ${row}.  Number of ${KIND_NAME[acc.kind]} values != expected.  Values size: ${count} but output shape: [${acc.width}]`,
        );
      }
    } else {
      acc.len = at;
    }
    acc.seen = row;
  }

  /** Ensure capacity for `need` values; fixed-width features fail here when a row overflows. */
  private room(acc: Acc, need: number, row: number): void {
    if (acc.width !== undefined) {
      if (need > (row + 1) * acc.width) {
        throw new DecodeError(
          `Name: <unknown>, Key: ${acc.spec.name}, Index: ${row}.  Number of ${KIND_NAME[acc.kind]} values != expected.  Values size: more than ${acc.width} but output shape: [${acc.width}]`,
        );
      }
      return;
    }
    if (acc.strs) return; // JS arrays grow
    const cap = acc.f32 ? acc.f32.length : acc.i64!.length;
    if (need <= cap) return;
    // From at least 16: doubling a zero capacity would never reach `need`.
    let next = Math.max(cap * 2, 16);
    while (next < need) next *= 2;
    if (acc.f32) {
      const a = new Float32Array(next);
      const bits = new Int32Array(a.buffer);
      bits.set(acc.bits!); // the whole array (this row's values are past acc.len), as bit patterns
      acc.f32 = a;
      acc.bits = bits;
    } else {
      const a = new BigInt64Array(next);
      a.set(acc.i64!);
      acc.i64 = a;
      acc.halves = halvesOf(a);
    }
  }

  /** Close `row`: every feature must have been seen; list features record their split. */
  finishRow(row: number): void {
    for (const acc of this.accs) {
      if (acc.seen !== row) {
        throw new DecodeError(
          `Name: <unknown>, Feature: ${acc.spec.name} (data type: ${KIND_NAME[acc.kind]}) is required but could not be found.`,
        );
      }
      if (acc.splits) acc.splits[row + 1] = acc.len;
    }
  }

  /** The gathered columns (call after every row is finished). */
  columns(): Map<string, Column> {
    const out = new Map<string, Column>();
    for (const acc of this.accs) {
      const n = acc.width === undefined ? acc.len : this.rows * acc.width;
      const values = acc.f32 ? acc.f32.subarray(0, n) : acc.i64 ? acc.i64.subarray(0, n) : acc.strs!.slice(0, n);
      out.set(acc.spec.name, acc.splits ? { values, rowSplits: acc.splits } : { values });
    }
    return out;
  }
}

function matches(key: Uint8Array, buf: Uint8Array, at: number, n: number): boolean {
  if (key.length !== n) return false;
  for (let i = n - 1; i >= 0; i--) if (key[i] !== buf[at + i]) return false;
  return true;
}
