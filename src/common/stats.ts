// Order statistics used across the tool (bench aggregation, the check's ratios, reports):
// one median and one quantile, so every table agrees on what "median" means.

/**
 * Quantile `q` (0..1) of values already sorted ascending, interpolating linearly between
 * order statistics (numpy's default). NaN for no values.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Quantile `q` of values in any order (sorts a copy). */
export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
}

/** Median of values in any order: the middle one, or the mean of the middle two. NaN for none. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
