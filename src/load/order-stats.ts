// Percentiles of a latency sample as order statistics, with distribution-free confidence
// intervals: the number of samples below the true p-th percentile is Binomial(n, p / 100),
// so the interval between two order statistics covers it with a probability read off the
// binomial CDF (no assumption about the latency distribution). A percentile is reported
// only when the sample supports it: p needs at least 1 / (1 - p / 100) samples (p99: 100,
// p99.9: 1,000); below that the "p99" is just the maximum.

/** Confidence of the intervals. */
export const CI_LEVEL = 0.95;

/** Fewest samples for which percentile `p` (0..100) is reported: p50 2, p90 10, p99 100, p99.9 1,000. */
export function minSamplesFor(p: number): number {
  if (p <= 0) return 1;
  if (p >= 100) return Infinity;
  return Math.max(1, Math.round(100 / (100 - p)));
}

/** 1-based rank of the p-th percentile among n sorted values (nearest rank: ceil(p / 100 * n)). */
export function percentileRank(n: number, p: number): number {
  return Math.min(n, Math.max(1, Math.ceil((p / 100) * n - 1e-9)));
}

/**
 * 1-based ranks [low, high] of the order statistics bounding the p-th percentile with at least
 * `level` confidence (equal tails). low = 0: no sample bounds it from below; high = n + 1: none
 * from above (the sample is too small for that tail).
 */
export function percentileCiRanks(n: number, p: number, level = CI_LEVEL): { low: number; high: number } {
  const q = p / 100;
  const tail = (1 - level) / 2;
  if (n <= 0) return { low: 0, high: 1 };
  if (q <= 0) return { low: 0, high: 1 };
  if (q >= 1) return { low: n, high: n + 1 };
  // cdf(k) = P(B <= k), B ~ Binomial(n, q), summed in log space over mean +- 12 sd (the mass
  // outside is below 1e-30), so large samples cost a few thousand steps, not n.
  const sd = Math.sqrt(n * q * (1 - q));
  const from = Math.max(0, Math.floor(n * q - 12 * sd - 2));
  const to = Math.min(n, Math.ceil(n * q + 12 * sd + 2));
  const lq = Math.log(q);
  const l1q = Math.log1p(-q);
  const cdf = new Float64Array(to - from + 1);
  let sum = 0;
  for (let k = from; k <= to; k++) {
    sum += Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * lq + (n - k) * l1q);
    cdf[k - from] = sum;
  }
  const cdfAt = (k: number): number => (k < from ? 0 : k > to ? 1 : cdf[k - from]!);
  // P(X(low) <= true percentile <= X(high)) = P(low <= B <= high - 1) = cdf(high - 1) - cdf(low - 1).
  let low = 0;
  for (let l = Math.max(1, from); l <= n + 1 && cdfAt(l - 1) <= tail; l++) low = Math.min(l, n);
  let high = n + 1;
  for (let u = Math.max(1, from); u <= n; u++) {
    if (cdfAt(u - 1) >= 1 - tail) {
      high = u;
      break;
    }
  }
  return { low, high };
}

const LOG_FACTORIALS: number[] = [0];
for (let m = 1; m < 256; m++) LOG_FACTORIALS.push(LOG_FACTORIALS[m - 1]! + Math.log(m));

/** ln(m!): a table below 256, Stirling's series above (relative error below 1e-15). */
function logFactorial(m: number): number {
  if (m < 256) return LOG_FACTORIALS[m]!;
  const inv = 1 / m;
  const inv2 = inv * inv;
  return m * Math.log(m) - m + 0.5 * Math.log(2 * Math.PI * m) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

export interface OrderStatistic {
  /** Percentile, 0 < p < 100. */
  p: number;
  value: number;
  /** Confidence bounds; null where the sample cannot bound that side. */
  low: number | null;
  high: number | null;
  /** 1-based ranks of value, low and high (low 0 / high n + 1 when unbounded). */
  ranks: { value: number; low: number; high: number };
}

/** The p-th percentile of ascending `sorted` values with its confidence interval; undefined when the sample does not support p. */
export function orderStatistic(sorted: ArrayLike<number>, p: number, level = CI_LEVEL): OrderStatistic | undefined {
  const n = sorted.length;
  if (n === 0 || p <= 0 || p >= 100 || n < minSamplesFor(p)) return undefined;
  const rank = percentileRank(n, p);
  const { low, high } = percentileCiRanks(n, p, level);
  return {
    p,
    value: sorted[rank - 1]!,
    low: low >= 1 ? sorted[low - 1]! : null,
    high: high <= n ? sorted[high - 1]! : null,
    ranks: { value: rank, low, high },
  };
}
