// Seeded request generator: a feature's values depend only on (seed, its own spec).
import { Prng } from './prng.js';
import type { Distribution, FeatureSpec, Scenario } from './types.js';
import { allocValues, fixedWidth, type Column, type RankingRequest } from '../tensors/feature-batch.js';

const utf8 = new TextEncoder();
const SYLLABLES = ['ka', 'ri', 'to', 'ne', 'sa', 'mo', 'lu', 'vi', 'de', 'po', 'an', 'el', 'is', 'or', 'un', 'ha', 'bi', 'zo', 'che', 'qua', 'ñu', 'zé'];

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
    for (let r = 0; r < rows; r++) rowSplits[r + 1] = rowSplits[r]! + lengths.int(min, max);
    total = rowSplits[rows]!;
  } else {
    total = rows * width;
  }
  const values = allocValues(spec.dtype, total);
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
