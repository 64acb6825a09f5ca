// Statistics: what a child sends per timed op and round (RoundSample), pooling rounds into
// one Stats record, and the derived `total` of several ops. Pure functions.
import type { Stats } from '../results/index.js';

/** Samples kept per op and round. Sub-microsecond ops (identity, small floors) produce
 * hundreds of thousands of samples; evenly spaced order statistics of at most this many
 * travel to the parent instead, each standing for `count / points.length` samples. */
export const MAX_POINTS = 4096;

/** One op measured in one child process. Times in ms. */
export interface RoundSample {
  count: number;
  mean: number;
  /** Sample variance (n - 1). */
  variance: number;
  min: number;
  max: number;
  /** Sorted ascending; all samples when count <= MAX_POINTS, else evenly spaced order statistics. */
  points: number[];
}

/** Summarise sorted samples (ascending) into a RoundSample. */
export function summarize(sorted: readonly number[]): RoundSample {
  const n = sorted.length;
  if (n === 0) throw new Error('summarize: no samples');
  let sum = 0;
  for (const x of sorted) sum += x;
  const mean = sum / n;
  let ss = 0;
  for (const x of sorted) ss += (x - mean) ** 2;
  return {
    count: n,
    mean,
    variance: n > 1 ? ss / (n - 1) : 0,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    points: downsample(sorted, MAX_POINTS),
  };
}

/** At most `k` evenly spaced order statistics of a sorted array, first and last included. */
export function downsample(sorted: readonly number[], k: number): number[] {
  const n = sorted.length;
  if (n <= k) return [...sorted];
  const out = new Array<number>(k);
  for (let i = 0; i < k; i++) out[i] = sorted[Math.round((i * (n - 1)) / (k - 1))]!;
  return out;
}

/** Quantile `q` of sorted values, linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Quantile of pooled rounds. When every round kept all its samples, this is the exact
 * interpolated quantile of all samples; otherwise each point weighs `count / points` and
 * the weighted nearest-rank quantile is returned.
 */
export function pooledQuantile(rounds: readonly RoundSample[], q: number): number {
  if (rounds.every((r) => r.points.length === r.count)) {
    return quantile(
      rounds.flatMap((r) => r.points).sort((a, b) => a - b),
      q,
    );
  }
  const weighted = rounds
    .flatMap((r) => r.points.map((v) => [v, r.count / r.points.length] as const))
    .sort((a, b) => a[0] - b[0]);
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  const target = q * total;
  let acc = 0;
  for (const [v, w] of weighted) {
    acc += w;
    if (acc >= target) return v;
  }
  return weighted[weighted.length - 1]![0];
}

/** Two-sided 95 % critical value of Student's t for `df` degrees of freedom. */
export function tCritical95(df: number): number {
  const TABLE = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
    2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
  ];
  if (df < 1) return NaN;
  if (df <= TABLE.length) return TABLE[df - 1]!;
  // Beyond 30: the first terms of the Cornish-Fisher expansion around the normal 1.96.
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

/**
 * Pool the rounds of one op into Stats: median and p99 over all samples of all rounds, plus
 * each round's own median. Rounds are sampled for the same time budget, so a round slowed by
 * a noisy neighbour contributes fewer samples and moves the pooled median less than it would
 * move a median of round medians; its disagreement stays visible in roundMediansMs.
 *
 * The margin of error comes from between-process variation only: samples inside one process
 * are autocorrelated (same heap, same JIT state, same neighbour), so treating thousands of
 * them as independent made the interval look ~50x tighter than rerunning the bench shows.
 * See roundsRmePct.
 */
export function poolRounds(rounds: readonly RoundSample[]): Stats {
  if (rounds.length === 0) throw new Error('poolRounds: no rounds');
  const n = rounds.reduce((s, r) => s + r.count, 0);
  const mean = rounds.reduce((s, r) => s + r.count * r.mean, 0) / n;
  const roundMediansMs = rounds.map((r) => pooledQuantile([r], 0.5));
  return {
    medianMs: pooledQuantile(rounds, 0.5),
    meanMs: mean,
    p99Ms: pooledQuantile(rounds, 0.99),
    minMs: Math.min(...rounds.map((r) => r.min)),
    maxMs: Math.max(...rounds.map((r) => r.max)),
    rmePct: roundsRmePct(roundMediansMs),
    samples: n,
    roundMediansMs,
  };
}

/**
 * Relative half-width (percent) of the 95 % confidence interval of the mean of per-round
 * medians: Student's t with (rounds - 1) degrees of freedom times the standard error of the
 * round medians, over their mean. Each round is one child process, the unit that repeats
 * independently. 0 with fewer than two rounds: one process gives no between-process
 * interval, and renderers show `n/a` there (see hasInterval).
 */
export function roundsRmePct(roundMedians: readonly number[]): number {
  const k = roundMedians.length;
  if (k < 2) return 0;
  const mean = roundMedians.reduce((a, b) => a + b, 0) / k;
  if (mean <= 0) return 0;
  const variance = roundMedians.reduce((a, x) => a + (x - mean) ** 2, 0) / (k - 1);
  return (100 * tCritical95(k - 1) * Math.sqrt(variance / k)) / mean;
}

/** Whether a Stats carries a between-process interval (two rounds or more). */
export function hasInterval(s: Stats): boolean {
  return s.roundMediansMs.length >= 2;
}

/** Fewest samples for which a p99 is shown: below it the "p99" is the maximum or next to it. */
export const P99_MIN_SAMPLES = 100;

/** Whether `s.p99Ms` is backed by enough samples to be shown (and was measured at all). */
export function hasP99(s: Stats): boolean {
  return s.p99Ms !== undefined && s.samples >= P99_MIN_SAMPLES;
}

/**
 * A request's total CPU (encode + compress + decompress + decode) from its parts, which are
 * timed separately: the SUM OF THE PARTS' MEDIANS (not the median of a sum, which was never
 * timed), labelled so wherever it is shown. Means add exactly; the sums of minima and maxima
 * are only bounds (the minimum of a sum is at least the sum of minima); no p99 is given, because
 * a sum of p99s says nothing about the p99 of the sum. Round r's sum uses round r of every
 * part (same child process), so the interval is over per-round sums like any other op's.
 * `samples` is the smallest part's count.
 */
export function sumOfMedians(parts: readonly Stats[]): Stats {
  if (parts.length === 0) throw new Error('sumOfMedians: no parts');
  const sum = (f: (s: Stats) => number): number => parts.reduce((a, s) => a + f(s), 0);
  const rounds = Math.min(...parts.map((s) => s.roundMediansMs.length));
  const roundMediansMs: number[] = [];
  for (let r = 0; r < rounds; r++) roundMediansMs.push(sum((s) => s.roundMediansMs[r]!));
  return {
    medianMs: sum((s) => s.medianMs),
    meanMs: sum((s) => s.meanMs),
    minMs: sum((s) => s.minMs),
    maxMs: sum((s) => s.maxMs),
    rmePct: roundsRmePct(roundMediansMs),
    samples: Math.min(...parts.map((s) => s.samples)),
    roundMediansMs,
  };
}

/** (max - min) / median of round medians, in percent; 0 with fewer than two rounds. */
export function roundSpreadPct(stats: Stats): number {
  const m = stats.roundMediansMs;
  if (m.length < 2 || stats.medianMs <= 0) return 0;
  return (100 * (Math.max(...m) - Math.min(...m))) / stats.medianMs;
}
