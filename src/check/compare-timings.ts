// Timings compared as ratios measured within one run, never as absolute times:
// each op's median over the in-run memcpy floor of the same bytes (xFloor). A
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

export function compareTimings(baseline: Results, current: Results, opts: CheckOptions): { rows: CheckRow[]; warnings: string[] } {
  const rows: CheckRow[] = [];
  const warnings: string[] = [];
  const key = (m: MicroRecord) => `${m.scenario}\u0000${m.format}\u0000${m.codec}\u0000${m.op}`;
  const base = new Map(baseline.micro.map((m) => [key(m), m]));
  let noisy = 0;
  for (const cur of current.micro) {
    if (!opts.ops.includes(cur.op)) continue;
    const b = base.get(key(cur));
    const row: CheckRow = {
      kind: 'time-ratio', scenario: cur.scenario, format: cur.format, codec: cur.codec, metric: `${cur.op} x floor`,
      baseline: b ? b.xFloor : null, current: cur.xFloor, change: null, verdict: 'missing',
    };
    if (!b) {
      row.note = 'not in the baseline';
      rows.push(row);
      continue;
    }
    const change = rel(b.xFloor, cur.xFloor);
    row.change = change;
    // Interval of the ratio change: combine both sides' relative uncertainties.
    const u = Math.hypot(uncertainty(b), uncertainty(cur));
    const lower = (1 + change) * (1 - u) - 1;
    const upper = (1 + change) * (1 + u) - 1;
    if (u > opts.threshold) {
      row.verdict = 'noisy';
      row.note = `uncertainty +/-${pct(u)} exceeds the ${pct(opts.threshold)} threshold`;
      noisy++;
    } else if (change > opts.threshold && lower > 0) {
      row.verdict = 'regression';
      row.note = `interval ${pct(lower)}..${pct(upper)}`;
    } else if (change < -opts.threshold && upper < 0) {
      row.verdict = 'improvement';
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
