// Latency histograms: HDR histograms of integer microseconds (3 significant digits, 1 µs to
// 1 hour), summarised into the results' LatencySummary in milliseconds.
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../results/index.js';

/** Highest value tracked: one hour in microseconds (anything longer is clamped to it). */
const MAX_US = 3_600_000_000;

/** Percentiles kept as the curve for percentile charts. */
export const CURVE_PERCENTILES: readonly number[] = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 100];

export class LatencyHistogram {
  private readonly h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: MAX_US, numberOfSignificantValueDigits: 3, autoResize: false });

  /** Records one latency given in milliseconds (stored as whole microseconds, at least 1). */
  recordMs(ms: number): void {
    const us = Math.round(ms * 1000);
    this.h.recordValue(Math.min(MAX_US, Math.max(1, Number.isFinite(us) ? us : MAX_US)));
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Value at `p` percent, in milliseconds (0 when empty). */
  percentileMs(p: number): number {
    return this.count === 0 ? 0 : this.h.getValueAtPercentile(p) / 1000;
  }

  /** Share of recorded values above `ms` (0..1). */
  shareAboveMs(ms: number): number {
    if (this.count === 0) return 0;
    // Walk the percentile curve finely: exact enough for test assertions and reports.
    let lo = 0;
    let hi = 100;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (this.h.getValueAtPercentile(mid) / 1000 > ms) hi = mid;
      else lo = mid;
    }
    return 1 - lo / 100;
  }

  summary(): LatencySummary {
    const n = this.count;
    if (n === 0) return { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0, curve: [] };
    const ms = (us: number): number => Math.round(us) / 1000;
    // HDR reports the highest value equivalent to a bucket; never above the true maximum.
    const max = this.h.maxValue;
    const at = (p: number): number => ms(Math.min(max, this.h.getValueAtPercentile(p)));
    return {
      count: n,
      meanMs: ms(this.h.mean),
      p50Ms: at(50),
      p90Ms: at(90),
      p99Ms: at(99),
      p999Ms: at(99.9),
      maxMs: ms(max),
      curve: CURVE_PERCENTILES.map((p): [number, number] => [p, at(p)]),
    };
  }

  /** The whole histogram, HdrHistogram's compressed base64 form (for charts; decodable by any HDR port). */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.h);
  }

  destroy(): void {
    this.h.destroy();
  }
}
