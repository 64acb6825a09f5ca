// Timings compared as ratios measured within one run, never as absolute times:
// each op's median over the calibration workload timed in the same child process
// (src/bench/calibration.ts: fixed CPU-bound work), so a slower or busier machine
// scales both alike. The memcpy floor is a poor ruler for this: CPU steal on a shared
// runner slowed every format 1.4-1.7x here while memcpy did not move. (Results
// without calibration records fall back to the floor ratio, xFloor.) A
// regression needs the ratio to grow by more than the threshold AND its 95 %
// interval (from both runs' margins of error and round-to-round spread) to exclude
// no change. A run whose rounds disagree by more than the threshold is too noisy to judge.
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

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The op/calibration ratio of a record and its relative uncertainty, from per-round
 * ratios (round i of both comes from the same child process, so a round slowed by a busy
 * machine moves both and its ratio stays put): the median ratio, and a robust spread of
 * the rounds (see below). The margin of error of the *mean* is not used: GC pauses inflate it
 * while barely moving medians. Fewer than two rounds: pooled medians and margins of error.
 */
export function calibratedRatio(op: MicroRecord, cal: MicroRecord): { ratio: number; u: number } {
  const a = op.stats.roundMediansMs;
  const b = cal.stats.roundMediansMs;
  if (a.length < 2 || a.length !== b.length) {
    return { ratio: op.stats.medianMs / cal.stats.medianMs, u: Math.hypot(op.stats.rmePct, cal.stats.rmePct) / 100 };
  }
  const ratios = a.map((x, i) => x / b[i]!);
  const ratio = median(ratios);
  const mad = median(ratios.map((r) => Math.abs(r - ratio)));
  // Both robust spreads, scaled to a standard deviation: the MAD ignores a lone odd round,
  // the interquartile range sees a second mode (processes here are sometimes 2-3x slower
  // on the same op), which the MAD alone would hide when it holds a quarter of the rounds.
  const sigma = Math.max(1.4826 * mad, (quantile(ratios, 0.75) - quantile(ratios, 0.25)) / 1.349);
  return { ratio, u: ratio > 0 ? sigma / ratio : 0 };
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((x, y) => x - y);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function compareTimings(baseline: Results, current: Results, opts: CheckOptions): { rows: CheckRow[]; warnings: string[] } {
  const rows: CheckRow[] = [];
  const warnings: string[] = [];
  const key = (m: MicroRecord) => `${m.scenario}\u0000${m.format}\u0000${m.codec}\u0000${m.op}`;
  const base = new Map(baseline.micro.map((m) => [key(m), m]));
  let noisy = 0;
  const calib = (r: Results, m: MicroRecord) => r.micro.find((x) => x.op === 'calibration' && x.scenario === m.scenario && x.format === m.format);
  for (const cur of current.micro) {
    if (!opts.ops.includes(cur.op)) continue;
    const b = base.get(key(cur));
    const cc = calib(current, cur);
    const bc = b ? calib(baseline, b) : undefined;
    const useCal = cc !== undefined && bc !== undefined;
    const ratio = (m: MicroRecord, c: MicroRecord | undefined) => (useCal ? calibratedRatio(m, c!).ratio : m.xFloor);
    const row: CheckRow = {
      kind: 'time-ratio', scenario: cur.scenario, format: cur.format, codec: cur.codec, metric: `${cur.op} ${useCal ? 'x calibration' : 'x floor'}`,
      baseline: b ? ratio(b, bc) : null, current: ratio(cur, cc), change: null, verdict: 'missing',
    };
    if (!b) {
      row.note = 'not in the baseline';
      rows.push(row);
      continue;
    }
    const change = rel(row.baseline!, row.current!);
    row.change = change;
    // Interval of the ratio change: combine both sides' relative uncertainties (and the rulers').
    const u = useCal ? Math.hypot(calibratedRatio(b, bc!).u, calibratedRatio(cur, cc!).u) : Math.hypot(uncertainty(b), uncertainty(cur));
    const lower = (1 + change) * (1 - u) - 1;
    const upper = (1 + change) * (1 + u) - 1;
    if (change > opts.threshold && lower > 0) {
      // Larger than the threshold and than the noise of both runs.
      row.verdict = 'regression';
      row.note = `interval ${pct(lower)}..${pct(upper)}`;
    } else if (change < -opts.threshold && upper < 0) {
      row.verdict = 'improvement';
    } else if (u > opts.threshold) {
      // Rounds or runs disagree by more than the threshold: a regression that size could hide here.
      row.verdict = 'noisy';
      row.note = `uncertainty +/-${(u * 100).toFixed(1)}% exceeds the ${(opts.threshold * 100).toFixed(0)}% threshold`;
      noisy++;
    } else {
      row.verdict = 'pass';
    }
    rows.push(row);
  }
  if (noisy) warnings.push(`${noisy} timing figure(s) too noisy to judge (spread across rounds or margin of error above the threshold)`);
  return { rows, warnings };
}

export function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}
