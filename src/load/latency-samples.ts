// Every latency of a measured phase, kept exactly (a phase holds at most a few hundred
// thousand values), summarised into the results' LatencySummary: percentiles as order
// statistics with 95 % confidence intervals, only those the sample supports. Nothing is
// censored: a search past its budget is timed to its answer; one cut at the hard cap is
// kept at the cap and counted, so percentiles over all searches stay honest lower bounds.
import type { LatencySummary, PercentileEstimate } from '../results/index.js';
import { minSamplesFor, orderStatistic } from './order-stats.js';

/** Percentiles summarised (the distribution chart's curve); each only when the sample supports it. */
export const CURVE_PERCENTILES: readonly number[] = [
  10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99,
];

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export class LatencySamples {
  private values = new Float64Array(256);
  private n = 0;
  private cappedCount = 0;
  private sorted: Float64Array | undefined;
  /** The values that were answered (not capped), kept apart once something was capped. */
  private answered: number[] | undefined;

  /** Records one latency in milliseconds. */
  record(ms: number): void {
    this.push(ms);
    this.answered?.push(ms);
  }

  /** Records a sample cut at the hard cap: its latency is at least `capMs`. */
  recordCapped(capMs: number): void {
    this.answered ??= Array.from(this.values.subarray(0, this.n));
    this.push(capMs);
    this.cappedCount++;
  }

  private push(ms: number): void {
    if (this.n === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.n++] = Number.isFinite(ms) ? Math.max(0, ms) : Number.MAX_VALUE;
    this.sorted = undefined;
  }

  get count(): number {
    return this.n;
  }

  get capped(): number {
    return this.cappedCount;
  }

  /** The values in ascending order. */
  ascending(): Float64Array {
    this.sorted ??= this.values.slice(0, this.n).sort();
    return this.sorted;
  }

  /** Value at percentile `p` (nearest rank; 0 when empty), whatever the sample size. */
  percentileMs(p: number): number {
    const s = this.ascending();
    if (s.length === 0) return 0;
    return s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length - 1e-9))) - 1]!;
  }

  /** How many values exceed `ms`. */
  countAbove(ms: number): number {
    const s = this.ascending();
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! > ms) hi = mid;
      else lo = mid + 1;
    }
    return s.length - lo;
  }

  /** The results' summary; `budgetMs` decides what counts as over budget. */
  summary(budgetMs: number): LatencySummary {
    const s = this.ascending();
    const n = s.length;
    if (n === 0) return { count: 0, capped: 0, overBudget: 0, minMs: 0, meanMs: 0, maxMs: 0, percentiles: [] };
    const answered = this.answered ? [...this.answered].sort((a, b) => a - b) : undefined;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += s[i]!;
    const percentiles: PercentileEstimate[] = [];
    for (const p of CURVE_PERCENTILES) {
      if (n < minSamplesFor(p)) break;
      const o = orderStatistic(s, p)!;
      percentiles.push({
        p,
        ms: round3(o.value),
        lowMs: o.low === null ? null : round3(o.low),
        highMs: o.high === null ? null : round3(o.high),
      });
    }
    return {
      count: n,
      capped: this.cappedCount,
      overBudget: this.countAbove(budgetMs),
      minMs: round3(s[0]!),
      meanMs: round3(sum / n),
      maxMs: round3(s[n - 1]!),
      percentiles,
      ...(answered
        ? {
            answered: answered.length,
            answeredMedianMs: answered.length ? round3(answered[Math.ceil(answered.length / 2) - 1]!) : null,
          }
        : {}),
    };
  }
}
