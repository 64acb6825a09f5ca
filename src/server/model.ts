// The stub model: a deterministic scorer over the canonical tensors. Every feature
// gets fixed pseudo-random weights derived from its name: float32 values pass through a
// softsign and a weight per position; int64 ids and byte strings are hashed into
// buckets with a pseudo-random weight each; variable-length lists are mean-pooled (plus
// a length term). The same FeatureBatch always gets bit-identical scores, whichever
// format carried it. `cost` adds a real dense layer per candidate for a heavier model.
import { fixedWidth, type Column, type FeatureBatch, type Schema } from '../tensors/feature-batch.js';
import { hashString } from '../scenario/prng.js';
import type { FeatureSpec } from '../scenario/types.js';

export interface ModelOptions {
  /**
   * Hidden units of an extra dense layer (16 inputs, tanh) evaluated per candidate:
   * about 34 * cost floating-point operations per candidate. 0 = off.
   * @default 0
   */
  cost?: number;
}

const SLOTS = 16;
const TABLE = 4096;
const BUCKETS = 1 << 20;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A hash as a weight in [-1, 1). */
const unit = (h: number): number => fmix(h) / 2147483648 - 1;

/** Softsign x / (1 + |x|): bounded, cheap, NaN as 0; heavy-tailed features cannot swamp the score. */
function squash(x: number): number {
  if (x > 0) return x < 1e300 ? x / (1 + x) : 1;
  if (x < 0) return x > -1e300 ? x / (1 - x) : -1;
  return 0;
}

interface FeatureModel {
  spec: FeatureSpec;
  seed: number;
  slot: number;
  width: number | undefined;
  /** Per-position weights (fixed shapes) or one pooled weight (lists). */
  weights: Float64Array;
  lengthWeight: number;
}

export class RankingModel {
  private readonly features: FeatureModel[];
  private readonly cost: number;
  private readonly w1: Float64Array;
  private readonly w2: Float64Array;
  private readonly scale: number;

  constructor(
    readonly schema: Schema,
    opts: ModelOptions = {},
  ) {
    const cost = opts.cost ?? 0;
    if (!Number.isSafeInteger(cost) || cost < 0)
      throw new Error(`model cost must be a non-negative integer, got ${cost}`);
    this.cost = cost;
    this.features = schema.features.map((spec) => {
      const seed = hashString(spec.name, 0x5eed);
      const width = fixedWidth(spec);
      const n = width ?? 1;
      const weights = new Float64Array(n);
      for (let j = 0; j < n; j++) weights[j] = unit(seed + Math.imul(j + 1, 0x9e3779b9)) / Math.sqrt(n);
      return { spec, seed, slot: seed % SLOTS, width, weights, lengthWeight: 0.1 * unit(seed ^ 0x1e47) };
    });
    this.scale = 1 / Math.sqrt(Math.max(1, this.features.length));
    this.w1 = new Float64Array(cost > 0 ? TABLE * SLOTS : 0);
    this.w2 = new Float64Array(cost > 0 ? TABLE : 0);
    for (let i = 0; i < this.w1.length; i++) this.w1[i] = unit(0xc0ffee + i) * 0.5;
    for (let i = 0; i < this.w2.length; i++) this.w2[i] = unit(0xbeef00 + i);
  }

  /** One score in (0, 1) per candidate. */
  score(batch: FeatureBatch): Float32Array {
    const n = batch.candidates;
    const acc = new Float64Array(n);
    const hidden = this.cost > 0 ? new Float64Array(n * SLOTS) : undefined;
    const c = new Float64Array(n);
    for (const f of this.features) {
      const col = batch.tensors.get(f.spec.name);
      if (!col) throw new Error(`batch has no tensor for feature "${f.spec.name}"`);
      c.fill(0);
      contributions(f, col, n, c);
      for (let i = 0; i < n; i++) acc[i] += c[i]!;
      if (hidden) for (let i = 0; i < n; i++) hidden[i * SLOTS + f.slot] += c[i]!;
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let z = acc[i]! * this.scale;
      if (hidden) z += this.dense(hidden, i * SLOTS);
      out[i] = 1 / (1 + Math.exp(-z));
    }
    return out;
  }

  private dense(h: Float64Array, at: number): number {
    const { w1, w2, cost } = this;
    let t = 0;
    for (let k = 0; k < cost; k++) {
      const base = (k & (TABLE - 1)) * SLOTS;
      let a = 0;
      for (let s = 0; s < SLOTS; s++) a += w1[base + s]! * h[at + s]!;
      t += w2[k & (TABLE - 1)]! * Math.tanh(a);
    }
    return t / Math.sqrt(cost);
  }
}

/** Adds feature `f`'s contribution for every row to c[row]. */
function contributions(f: FeatureModel, col: Column, n: number, c: Float64Array): void {
  const v = col.values;
  const w = f.weights;
  const splits = col.rowSplits;
  if (v instanceof Float32Array) {
    if (splits) {
      for (let i = 0; i < n; i++) {
        const a = splits[i]!;
        const b = splits[i + 1]!;
        let s = 0;
        for (let p = a; p < b; p++) s += squash(v[p]!);
        c[i] = (b > a ? (w[0]! * s) / (b - a) : 0) + f.lengthWeight * Math.log1p(b - a);
      }
    } else {
      const width = f.width!;
      for (let i = 0; i < n; i++) {
        let s = 0;
        const o = i * width;
        for (let j = 0; j < width; j++) s += w[j]! * squash(v[o + j]!);
        c[i] = s;
      }
    }
    return;
  }
  if (v instanceof BigInt64Array) {
    const halves = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
    const id = (p: number, pos: number): number =>
      unit(
        (fmix(
          (f.seed + Math.imul(pos + 1, 0x9e3779b9)) ^ fmix(halves[2 * p]!) ^ Math.imul(halves[2 * p + 1]!, 0x27d4eb2f),
        ) &
          (BUCKETS - 1)) ^
          f.seed,
      );
    pooled(f, n, c, splits, id);
    return;
  }
  const strs = v as Uint8Array[];
  const id = (p: number, pos: number): number => {
    const b = strs[p]!;
    let h = (0x811c9dc5 ^ f.seed ^ Math.imul(pos + 1, 0x9e3779b9)) >>> 0;
    for (let k = 0; k < b.length; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
    return unit((fmix(h) & (BUCKETS - 1)) ^ f.seed);
  };
  pooled(f, n, c, splits, id);
}

/** Hashed-bucket features: sum over positions (fixed shapes) or mean over a list. */
function pooled(
  f: FeatureModel,
  n: number,
  c: Float64Array,
  splits: Int32Array | undefined,
  id: (p: number, pos: number) => number,
): void {
  const w = f.weights;
  if (splits) {
    for (let i = 0; i < n; i++) {
      const a = splits[i]!;
      const b = splits[i + 1]!;
      let s = 0;
      for (let p = a; p < b; p++) s += id(p, 0);
      c[i] = (b > a ? (w[0]! * s) / (b - a) : 0) + f.lengthWeight * Math.log1p(b - a);
    }
    return;
  }
  const width = f.width!;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < width; j++) s += w[j]! * id(i * width + j, j);
    c[i] = s;
  }
}
