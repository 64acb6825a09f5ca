// Infers a scenario from imported requests: feature names, dtypes, shapes, scope
// (a feature constant across all candidates of every request is context) and
// value distributions fitted from the data. The scenario holds only aggregate
// statistics, so a team can share it in place of data it cannot share.
import type { Distribution, DType, FeatureSpec, Scenario, Shape } from '../scenario/types.js';
import type { RawFeature, RawRequest } from './raw-example.js';
import { DataError } from './tfrecord.js';

const DTYPE: Record<RawFeature['kind'], DType> = { float: 'float32', int64: 'int64', bytes: 'bytes' };
const MAX_DISTINCT = 4096;

interface Acc {
  name: string;
  kind: RawFeature['kind'];
  minLen: number;
  maxLen: number;
  /** Constant across the candidates of every request seen so far. */
  constant: boolean;
  inContext: boolean;
  count: number;
  zeros: number;
  sum: number;
  sumSq: number;
  logSum: number;
  logSumSq: number;
  positive: boolean;
  min: number;
  max: number;
  nzSum: number;
  nzSumSq: number;
  distinct: Map<string, number>;
  distinctOverflow: boolean;
  words: { min: number; max: number; vocab: Set<string>; multi: boolean };
}

function newAcc(name: string, kind: RawFeature['kind']): Acc {
  return {
    name,
    kind,
    minLen: Infinity,
    maxLen: 0,
    constant: true,
    inContext: false,
    count: 0,
    zeros: 0,
    sum: 0,
    sumSq: 0,
    logSum: 0,
    logSumSq: 0,
    positive: true,
    min: Infinity,
    max: -Infinity,
    nzSum: 0,
    nzSumSq: 0,
    distinct: new Map(),
    distinctOverflow: false,
    words: { min: Infinity, max: 0, vocab: new Set(), multi: false },
  };
}

const text = new TextDecoder();

function observe(a: Acc, f: RawFeature): void {
  // An empty list (e.g. `[]` in JSON) carries no type: it only counts as a length.
  if (f.values.length > 0 && a.count === 0) a.kind = f.kind;
  if (f.kind !== a.kind && f.values.length > 0)
    throw new DataError(`feature "${a.name}" is ${a.kind} in one example and ${f.kind} in another`);
  const n = f.values.length;
  a.minLen = Math.min(a.minLen, n);
  a.maxLen = Math.max(a.maxLen, n);
  for (const raw of f.values) {
    let key: string;
    if (f.kind === 'bytes') {
      const s = text.decode(raw as Uint8Array);
      key = s;
      const words = s.split(' ').filter(Boolean);
      a.words.min = Math.min(a.words.min, words.length);
      a.words.max = Math.max(a.words.max, words.length);
      if (words.length !== 1) a.words.multi = true;
      if (a.words.vocab.size < 1_000_000) for (const w of words) a.words.vocab.add(w);
    } else {
      const x = typeof raw === 'bigint' ? Number(raw) : (raw as number);
      // NaN and ±Infinity (missing values in real logs) stay out of the fitted moments: one would make them all NaN.
      if (!Number.isFinite(x)) continue;
      key = String(raw);
      a.count++;
      a.sum += x;
      a.sumSq += x * x;
      if (x === 0) a.zeros++;
      else {
        a.nzSum += x;
        a.nzSumSq += x * x;
      }
      if (x > 0) {
        const l = Math.log(x);
        a.logSum += l;
        a.logSumSq += l * l;
      } else a.positive = false;
      a.min = Math.min(a.min, x);
      a.max = Math.max(a.max, x);
    }
    if (f.kind === 'bytes') a.count++;
    if (!a.distinctOverflow) {
      a.distinct.set(key, (a.distinct.get(key) ?? 0) + 1);
      if (a.distinct.size > MAX_DISTINCT) a.distinctOverflow = true;
    }
  }
}

function sameValues(x: RawFeature, y: RawFeature): boolean {
  if (x.values.length !== y.values.length) return false;
  for (let i = 0; i < x.values.length; i++) {
    const a = x.values[i];
    const b = y.values[i];
    if (a instanceof Uint8Array && b instanceof Uint8Array) {
      if (Buffer.compare(a, b) !== 0) return false;
    } else if (!Object.is(a, b)) return false;
  }
  return true;
}

export interface InferOptions {
  name: string;
  description?: string;
  seed?: number;
}

export function inferScenario(requests: readonly RawRequest[], opts: InferOptions): Scenario {
  const accs = new Map<string, Acc>();
  const order: string[] = [];
  const get = (name: string, kind: RawFeature['kind']) => {
    let a = accs.get(name);
    if (!a) {
      a = newAcc(name, kind);
      accs.set(name, a);
      order.push(name);
    }
    return a;
  };
  let multiCandidate = false;
  for (const req of requests) {
    if (req.context) {
      for (const [name, f] of req.context) {
        const a = get(name, f.kind);
        a.inContext = true;
        observe(a, f);
      }
    }
    if (req.examples.length > 1) multiCandidate = true;
    const first = req.examples[0];
    for (const [i, ex] of req.examples.entries()) {
      for (const [name, f] of ex) {
        const a = get(name, f.kind);
        // Item observations count every candidate, so value statistics match the wire.
        observe(a, f);
        if (i > 0 && a.constant && !(first?.get(name) && sameValues(first.get(name)!, f))) a.constant = false;
      }
    }
  }
  const features: FeatureSpec[] = order.map((name) => {
    const a = accs.get(name)!;
    const scope = a.inContext || (multiCandidate && a.constant) ? 'context' : 'item';
    const shape: Shape =
      a.minLen === a.maxLen
        ? a.minLen === 1
          ? { kind: 'scalar' }
          : { kind: 'vector', length: a.minLen }
        : { kind: 'list', min: a.minLen, max: a.maxLen };
    return { name, dtype: DTYPE[a.kind], scope, shape, dist: fitDistribution(a) };
  });
  if (features.some((f) => f.shape.kind === 'vector' && f.shape.length === 0)) {
    throw new DataError(
      `feature "${features.find((f) => f.shape.kind === 'vector' && f.shape.length === 0)!.name}" is always empty: nothing to infer`,
    );
  }
  const candidates = Math.max(1, Math.round(requests.reduce((s, r) => s + r.examples.length, 0) / requests.length));
  return {
    name: opts.name,
    description: opts.description ?? `Inferred from ${requests.length} recorded requests.`,
    candidates,
    seed: opts.seed ?? 1,
    features,
  };
}

function meanStd(sum: number, sumSq: number, n: number): [number, number] {
  if (n === 0) return [0, 0];
  const mean = sum / n;
  return [mean, Math.sqrt(Math.max(0, sumSq / n - mean * mean))];
}

const round = (x: number, digits = 6) => Number(x.toPrecision(digits));

/** Zipf exponent from the slope of log(frequency) over log(rank) among the top ranks. */
function fitSkew(a: Acc): number {
  const freqs = [...a.distinct.values()].sort((x, y) => y - x);
  if (freqs.length < 3 || (a.distinctOverflow && freqs[0]! <= 2)) return 0;
  const k = Math.min(freqs.length, 50);
  let sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let i = 0; i < k; i++) {
    const x = Math.log(i + 1);
    const y = Math.log(freqs[i]!);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
  return round(Math.min(3, Math.max(0, -slope)), 3);
}

function fitDistribution(a: Acc): Distribution {
  if (a.kind === 'bytes') {
    if (!a.words.multi) {
      return {
        kind: 'categorical',
        cardinality: Math.max(1, a.distinctOverflow ? a.count : a.distinct.size),
        skew: fitSkew(a),
        offset: 0,
      };
    }
    return {
      kind: 'text',
      minWords: Number.isFinite(a.words.min) ? a.words.min : 0,
      maxWords: Math.max(1, a.words.max),
      vocabulary: Math.max(1, a.words.vocab.size),
    };
  }
  const zeroShare = a.count ? a.zeros / a.count : 0;
  if (a.kind === 'int64') {
    if (zeroShare >= 0.3 && a.min >= 0) {
      const [mean, std] = meanStd(a.nzSum, a.nzSumSq, a.count - a.zeros);
      return { kind: 'sparse', zeroShare: round(zeroShare, 4), mean: round(mean), std: round(std) };
    }
    const lo = Number.isFinite(a.min) ? Math.max(0, a.min) : 0;
    return {
      kind: 'categorical',
      cardinality: Math.min(2 ** 52, Math.max(1, (Number.isFinite(a.max) ? a.max : 0) - lo + 1)),
      skew: fitSkew(a),
      offset: lo,
    };
  }
  // Few distinct values seen many times each: a bucketized feature (not just a small sample).
  if (
    !a.distinctOverflow &&
    a.distinct.size <= 64 &&
    a.distinct.size >= 2 &&
    a.count >= 8 * a.distinct.size &&
    zeroShare < 0.3
  ) {
    return { kind: 'quantized', levels: a.distinct.size, min: round(a.min), max: round(a.max) };
  }
  if (zeroShare >= 0.2) {
    const [mean, std] = meanStd(a.nzSum, a.nzSumSq, a.count - a.zeros);
    return { kind: 'sparse', zeroShare: round(zeroShare, 4), mean: round(mean), std: round(std) };
  }
  const [mean, std] = meanStd(a.sum, a.sumSq, a.count);
  if (a.positive && a.count > 0) {
    const [lm, ls] = meanStd(a.logSum, a.logSumSq, a.count);
    // Right-skewed positive data (prices, counts): log-normal fits better.
    if (mean > 1.2 * Math.exp(lm)) return { kind: 'continuous', mean: round(lm), std: round(ls), lognormal: true };
  }
  return { kind: 'continuous', mean: round(mean), std: round(std), lognormal: false };
}
