// The feature schema: dtype, shape, scope and value distribution of each feature. The
// lowest layer: the tensors, the scenario generator and every format are built on it.

/** Element type of a feature, as TensorFlow sees it (DT_FLOAT, DT_INT64, DT_STRING). */
export type DType = 'float32' | 'int64' | 'bytes';

/** `context`: one value for the whole request (user, query, device). `item`: one per candidate. */
export type Scope = 'context' | 'item';

/** Shape of one candidate's value. */
export type Shape =
  | { kind: 'scalar' }
  | { kind: 'vector'; length: number }
  | { kind: 'list'; min: number; max: number };

/** How values are drawn; chosen so compression ratios look like real traffic. */
export type Distribution =
  /** Normal(mean, std), or log-normal when `lognormal` (prices, counts of views). */
  | { kind: 'continuous'; mean: number; std: number; lognormal: boolean }
  /** One of `levels` evenly spaced values in [min, max] (bucketized, rounded scores). */
  | { kind: 'quantized'; levels: number; min: number; max: number }
  /** Zipf-skewed ids in [offset, offset + cardinality). For bytes: tokens named by id. */
  | { kind: 'categorical'; cardinality: number; skew: number; offset: number }
  /** `zeroShare` of values are exactly 0, the rest Normal(mean, std) (int64: rounded |x|). */
  | { kind: 'sparse'; zeroShare: number; mean: number; std: number }
  /** Words from a vocabulary of `vocabulary` words, `minWords`..`maxWords` per value. */
  | { kind: 'text'; minWords: number; maxWords: number; vocabulary: number }
  /**
   * The values that break formats, cycled so every one occurs (see EDGE_* in generate.ts):
   * float32 -0, NaNs with payloads, ±Infinity, subnormals, ±float32 max; int64 min/max and
   * beyond 2^53; bytes that are empty, not UTF-8, NUL, quotes. Lists alternate max and min length.
   */
  | { kind: 'edge' };

export interface FeatureSpec {
  name: string;
  dtype: DType;
  scope: Scope;
  shape: Shape;
  dist: Distribution;
}
