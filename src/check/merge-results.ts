// Merges several results files of the same suite into one baseline: each timing's ratio
// becomes the median over the runs, and its round medians are pooled, so the baseline's
// uncertainty shows the run-to-run spread (one lucky-fast run no longer sets the bar).
import type { MicroRecord, Results } from '../results/index.js';
import { CheckError } from './types.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function mergeResults(runs: readonly Results[]): Results {
  const first = runs[0];
  if (!first) throw new CheckError('no results to merge', 2);
  if (runs.length === 1) return first;
  const key = (m: MicroRecord) => `${m.scenario}\u0000${m.format}\u0000${m.codec}\u0000${m.op}`;
  const sizeKey = (s: Results['sizes'][number]) =>
    `${s.scenario}\u0000${s.format}\u0000${s.codec}\u0000${s.rawBytes}\u0000${s.compressedBytes}`;
  const firstSizes = new Set(first.sizes.map(sizeKey));
  for (const r of runs.slice(1)) {
    if (r.sizes.length !== first.sizes.length || r.sizes.some((s) => !firstSizes.has(sizeKey(s)))) {
      throw new CheckError(
        'the results to merge disagree on payload sizes: they are not runs of the same suite and code',
        2,
      );
    }
  }
  const micro = first.micro.map((m) => {
    const all = runs
      .map((r) => r.micro.find((x) => key(x) === key(m)))
      .filter((x): x is MicroRecord => x !== undefined);
    const rounds = all.flatMap((x) => x.stats.roundMediansMs);
    return {
      ...m,
      xFloor: median(all.map((x) => x.xFloor)),
      stats: {
        ...m.stats,
        medianMs: median(all.map((x) => x.stats.medianMs)),
        rmePct: Math.max(...all.map((x) => x.stats.rmePct)),
        samples: all.reduce((a, x) => a + x.stats.samples, 0),
        roundMediansMs: rounds,
      },
    };
  });
  return {
    ...first,
    micro,
    config: { ...first.config, mergedRuns: runs.map((r) => r.createdAt) },
    warnings: [
      ...first.warnings,
      `baseline merged from ${runs.length} runs: ratios are medians over the runs, round medians pooled`,
    ],
  };
}
