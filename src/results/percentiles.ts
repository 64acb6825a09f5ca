// Reading percentiles back out of a LatencySummary: a percentile the sample did not support
// is absent, and readers must say so (`n/a (n=…)`) instead of showing a number.
import type { LatencySummary, PercentileEstimate } from './e2e.js';

/** The estimate of percentile `p`, or undefined when the sample was too small for it. */
export function percentileOf(l: LatencySummary, p: number): PercentileEstimate | undefined {
  return l.percentiles.find((e) => e.p === p);
}
