// Timings compared as ratios measured within one run, never as absolute times:
// each op's median over the calibration workload timed in the same child process
// (src/bench/calibration.ts: fixed CPU-bound work), so a slower or busier machine
// scales both alike. The memcpy floor is a poor ruler for this: CPU steal on a shared
// runner slowed every format 1.4-1.7x here while memcpy did not move. (Results
// without calibration records fall back to the floor ratio, xFloor.) A
// regression needs the ratio to grow by more than the threshold AND its 95 % interval to
// exclude no change. The interval comes from between-process variation only: Welch's t over
// the per-round log ratios of both runs (each round is one child process), not from samples
// within a process, which share that process's luck. A figure whose interval is wider than the
// threshold is too noisy to judge (a regression that size could hide in it).
import type { MicroRecord, Results } from '../results/types.js';
import { rel } from './compare-sizes.js';
import type { CheckOptions, CheckRow } from './types.js';

/** Relative half-width of a record's uncertainty: margin of error and spread across rounds. */
export function uncertainty(m: MicroRecord): number {
  const rme = m.stats.rmePct / 100;
  const rounds = m.stats.roundMediansMs;
  let spread = 0;
  if (rounds.length >= 2) {
    const lo = Math.min(...rounds);
    const hi = Math.max(...rounds);
    spread = lo > 0 ? (hi - lo) / (2 * m.stats.medianMs) : 0;
  }
  return Math.max(rme, spread);
}

/**
 * The op/calibration ratio of a record from its per-round ratios (round i of both comes from
 * the same child process, so a round slowed by a busy machine moves both): the ratio is their
 * geometric mean, and `logs` the per-round log ratios the interval is computed from. Fewer
 * than two rounds: the pooled medians, and no between-process variation to judge by.
 */
export function calibratedRatio(op: MicroRecord, cal: MicroRecord): { ratio: number; logs: number[] } {
  const a = op.stats.roundMediansMs;
  const b = cal.stats.roundMediansMs;
  if (a.length < 2 || a.length !== b.length) return { ratio: op.stats.medianMs / cal.stats.medianMs, logs: [] };
  const logs = a.map((x, i) => Math.log(x / b[i]!));
  return { ratio: Math.exp(mean(logs)), logs };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function variance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}

/** Two-sided 95 % quantile of Student's t (0.975), df >= 1 (fractional df rounds down: wider). */
export function t975(df: number): number {
  const T = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
    2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
  ];
  const d = Math.max(1, Math.floor(df + 1e-9));
  return d <= 30 ? T[d - 1]! : 1.96 + 2.4 / d;
}

/**
 * 95 % interval of the ratio change current/baseline - 1, from between-process variation only:
 * Welch's t interval on the difference of the mean per-round log ratios (each round one child
 * process; Welch-Satterthwaite degrees of freedom), mapped back with exp. Undefined when a side
 * has fewer than two rounds (no between-process variation recorded).
 */
export function ratioChangeInterval(
  base: readonly number[],
  cur: readonly number[],
): { change: number; lower: number; upper: number; halfWidth: number; df: number } | undefined {
  if (base.length < 2 || cur.length < 2) return undefined;
  const d = mean(cur) - mean(base);
  const vb = variance(base) / base.length;
  const vc = variance(cur) / cur.length;
  const se = Math.sqrt(vb + vc);
  const df =
    se === 0
      ? base.length + cur.length - 2
      : (vb + vc) ** 2 / (vb ** 2 / (base.length - 1) + vc ** 2 / (cur.length - 1));
  const h = t975(df) * se;
  return {
    change: Math.exp(d) - 1,
    lower: Math.exp(d - h) - 1,
    upper: Math.exp(d + h) - 1,
    halfWidth: Math.exp(h) - 1,
    df,
  };
}

export function compareTimings(
  baseline: Results,
  current: Results,
  opts: CheckOptions,
): { rows: CheckRow[]; warnings: string[] } {
  const rows: CheckRow[] = [];
  const warnings: string[] = [];
  const key = (m: MicroRecord) => `${m.scenario}\u0000${m.format}\u0000${m.codec}\u0000${m.op}`;
  const base = new Map(baseline.micro.map((m) => [key(m), m]));
  let noisy = 0;
  const calib = (r: Results, m: MicroRecord) =>
    r.micro.find((x) => x.op === 'calibration' && x.scenario === m.scenario && x.format === m.format);
  for (const cur of current.micro) {
    if (!opts.ops.includes(cur.op)) continue;
    const b = base.get(key(cur));
    const cc = calib(current, cur);
    const bc = b ? calib(baseline, b) : undefined;
    const useCal = cc !== undefined && bc !== undefined;
    const ratio = (m: MicroRecord, c: MicroRecord | undefined) => (useCal ? calibratedRatio(m, c!).ratio : m.xFloor);
    const row: CheckRow = {
      kind: 'time-ratio',
      scenario: cur.scenario,
      format: cur.format,
      codec: cur.codec,
      metric: `${cur.op} ${useCal ? 'x calibration' : 'x floor'}`,
      baseline: b ? ratio(b, bc) : null,
      current: ratio(cur, cc),
      change: null,
      verdict: 'missing',
    };
    if (!b) {
      row.note = 'not in the baseline';
      rows.push(row);
      continue;
    }
    const change = rel(row.baseline!, row.current!);
    row.change = change;
    let lower: number;
    let upper: number;
    let u: number;
    let how: string;
    if (useCal) {
      // 95 % interval from the rounds' (child processes') variation: t over rounds, see ratioChangeInterval.
      const iv = ratioChangeInterval(calibratedRatio(b, bc!).logs, calibratedRatio(cur, cc!).logs);
      if (!iv) {
        row.verdict = 'noisy';
        row.note = 'fewer than 2 rounds on a side: no between-process interval to judge by';
        noisy++;
        rows.push(row);
        continue;
      }
      ({ lower, upper } = iv);
      u = iv.halfWidth;
      how = `95% interval (t over rounds, df ${iv.df.toFixed(1)})`;
    } else {
      // Older results without calibration: both runs' margins of error and round spreads.
      u = Math.hypot(uncertainty(b), uncertainty(cur));
      lower = (1 + change) * (1 - u) - 1;
      upper = (1 + change) * (1 + u) - 1;
      how = 'interval';
    }
    if (change > opts.threshold && lower > 0) {
      // Larger than the threshold and than the noise of both runs.
      row.verdict = 'regression';
      row.note = `${how} ${pct(lower)}..${pct(upper)}`;
    } else if (change < -opts.threshold && upper < 0) {
      row.verdict = 'improvement';
    } else if (u > opts.threshold) {
      // Rounds or runs disagree by more than the threshold: a regression that size could hide here.
      row.verdict = 'noisy';
      row.note = `${how} ${pct(lower)}..${pct(upper)}: half-width ${(u * 100).toFixed(1)}% exceeds the ${(opts.threshold * 100).toFixed(0)}% threshold`;
      noisy++;
    } else {
      row.verdict = 'pass';
    }
    rows.push(row);
  }
  if (noisy)
    warnings.push(
      `${noisy} timing figure(s) too noisy to judge (spread across rounds or margin of error above the threshold)`,
    );
  return { rows, warnings };
}

export function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}
