// Seeded request generator: a feature's values depend only on (seed, its own spec).
import { Prng } from './prng.js';
import type { Distribution, FeatureSpec, Scenario } from './types.js';
import { allocValues, fixedWidth, type Column, type RankingRequest } from '../tensors/feature-batch.js';

const utf8 = new TextEncoder();
const SYLLABLES = [
  'ka',
  'ri',
  'to',
  'ne',
  'sa',
  'mo',
  'lu',
  'vi',
  'de',
  'po',
  'an',
  'el',
  'is',
  'or',
  'un',
  'ha',
  'bi',
  'zo',
  'che',
  'qua',
  'ñu',
  'zé',
];

/** The k-th word of the synthetic vocabulary: 1-4 syllables, stable for a given k. */
export function vocabularyWord(k: number): string {
  let s = '';
  let x = k + 1;
  do {
    s += SYLLABLES[x % SYLLABLES.length];
    x = Math.floor(x / SYLLABLES.length);
  } while (x > 0);
  return s;
}

/** Token for a categorical bytes value: short, like country codes or hashed ids. */
export function categoryToken(id: number): string {
  return id.toString(36);
}

/** Build the logical request of a scenario. Pure: same scenario, same request. */
export function generate(scenario: Scenario): RankingRequest {
  const columns = new Map<string, Column>();
  for (const spec of scenario.features) {
    columns.set(spec.name, generateColumn(spec, scenario.candidates, scenario.seed));
  }
  return { schema: { features: scenario.features }, candidates: scenario.candidates, columns };
}

/** One feature's column: 1 row for context features, `candidates` rows for item features. */
export function generateColumn(spec: FeatureSpec, candidates: number, seed: number): Column {
  const rng = new Prng(seed, spec.name);
  const rows = spec.scope === 'context' ? 1 : candidates;
  const width = fixedWidth(spec);
  let rowSplits: Int32Array | undefined;
  let total: number;
  if (width === undefined) {
    if (spec.shape.kind !== 'list') throw new Error('unreachable');
    const { min, max } = spec.shape;
    rowSplits = new Int32Array(rows + 1);
    // Lengths come from their own stream so changing a distribution keeps the shape.
    const lengths = new Prng(seed, `${spec.name}#lengths`);
    // Edge values: the first row at the maximum length, the second at the minimum (often empty).
    const edge = spec.dist.kind === 'edge';
    for (let r = 0; r < rows; r++) {
      const len = edge && r === 0 ? max : edge && r === 1 ? min : lengths.int(min, max);
      rowSplits[r + 1] = rowSplits[r]! + len;
    }
    total = rowSplits[rows]!;
  } else {
    total = rows * width;
  }
  const values = allocValues(spec.dtype, total);
  if (spec.dist.kind === 'edge') {
    fillEdge(values, rng);
    return rowSplits ? { values, rowSplits } : { values };
  }
  // Float32Array stores round to float32; drawers return doubles.
  const draw = drawer(spec.dist, rng);
  if (values instanceof Float32Array) {
    for (let i = 0; i < total; i++) values[i] = draw();
  } else if (values instanceof BigInt64Array) {
    // Counts drawn from a sparse distribution are magnitudes: never negative.
    const abs = spec.dist.kind === 'sparse';
    for (let i = 0; i < total; i++) {
      const x = Math.round(draw());
      values[i] = BigInt(abs ? Math.abs(x) : x);
    }
  } else {
    const text = textDrawer(spec.dist, rng);
    const cache = new Map<string, Uint8Array>();
    for (let i = 0; i < total; i++) {
      const s = text();
      let b = cache.get(s);
      if (!b) {
        b = utf8.encode(s);
        cache.set(s, b);
      }
      values[i] = b;
    }
  }
  return rowSplits ? { values, rowSplits } : { values };
}

/**
 * float32 edge values as bit patterns, so NaN payloads are exact: -0, +0, the canonical quiet
 * NaN, quiet NaNs with payloads (positive and negative), signaling NaNs (a float read into a JS
 * number comes back quieted, so a format must copy bits), ±Infinity, the smallest and largest
 * subnormals, the smallest normal, ±float32 max, and two ordinary values.
 */
export const EDGE_FLOAT32_BITS: readonly number[] = [
  0x80000000, 0x00000000, 0x7fc00000, 0x7fc12345, 0xffc00001, 0x7f800001, 0xff800abc, 0x7f800000, 0xff800000,
  0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0x3dcccccd,
];

/** int64 edge values: min, max, just beyond 2^53 both ways, 2^53, 2^53 - 1, 0, ±1, 2^32. */
export const EDGE_INT64: readonly bigint[] = [
  -(2n ** 63n),
  2n ** 63n - 1n,
  2n ** 53n + 1n,
  -(2n ** 53n + 1n),
  2n ** 53n,
  2n ** 53n - 1n,
  0n,
  -1n,
  1n,
  2n ** 32n,
];

/** bytes edge values: empty, invalid UTF-8 (stray byte, truncated sequence, surrogate), NUL, JSON specials, multi-byte UTF-8. */
export const EDGE_BYTES: readonly Uint8Array[] = [
  new Uint8Array(0),
  Uint8Array.of(0xff, 0xfe),
  Uint8Array.of(0x61, 0xc3),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0x00),
  utf8.encode('"quoted" \\ back\nslash'),
  utf8.encode('ñ€😀'),
  Uint8Array.of(0xef, 0xbb, 0xbf, 0x62, 0x6f, 0x6d),
];

/** Cycle a column through its dtype's edge table from a per-feature start, so every value occurs. */
function fillEdge(values: Float32Array | BigInt64Array | Uint8Array[], rng: Prng): void {
  if (values instanceof Float32Array) {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    const start = rng.int(0, EDGE_FLOAT32_BITS.length - 1);
    for (let i = 0; i < bits.length; i++) bits[i] = EDGE_FLOAT32_BITS[(start + i) % EDGE_FLOAT32_BITS.length]!;
  } else if (values instanceof BigInt64Array) {
    const start = rng.int(0, EDGE_INT64.length - 1);
    for (let i = 0; i < values.length; i++) values[i] = EDGE_INT64[(start + i) % EDGE_INT64.length]!;
  } else {
    const start = rng.int(0, EDGE_BYTES.length - 1);
    for (let i = 0; i < values.length; i++) values[i] = EDGE_BYTES[(start + i) % EDGE_BYTES.length]!;
  }
}

function drawer(dist: Distribution, rng: Prng): () => number {
  switch (dist.kind) {
    case 'continuous': {
      const { mean, std, lognormal } = dist;
      return lognormal ? () => Math.exp(mean + std * rng.normal()) : () => mean + std * rng.normal();
    }
    case 'quantized': {
      const { levels, min, max } = dist;
      const step = levels > 1 ? (max - min) / (levels - 1) : 0;
      return () => min + step * rng.int(0, levels - 1);
    }
    case 'categorical': {
      const { cardinality, skew, offset } = dist;
      return () => offset + rng.zipf(cardinality, skew);
    }
    case 'sparse': {
      const { zeroShare, mean, std } = dist;
      return () => (rng.next() < zeroShare ? 0 : mean + std * rng.normal());
    }
    case 'text':
      return () => rng.int(0, dist.vocabulary - 1);
    case 'edge':
      throw new Error('unreachable: edge columns are filled by fillEdge');
  }
}

function textDrawer(dist: Distribution, rng: Prng): () => string {
  if (dist.kind === 'categorical') {
    const { cardinality, skew, offset } = dist;
    return () => categoryToken(offset + rng.zipf(cardinality, skew));
  }
  if (dist.kind === 'text') {
    const { minWords, maxWords, vocabulary } = dist;
    return () => {
      const n = rng.int(minWords, maxWords);
      const words: string[] = [];
      for (let w = 0; w < n; w++) words.push(vocabularyWord(rng.zipf(vocabulary, 1.07)));
      return words.join(' ');
    };
  }
  throw new Error(`bytes features take a "categorical" or "text" distribution, not "${dist.kind}"`);
}
