// Markdown table of every compared figure (baseline, current, change, verdict): pure.
import type { CheckReport, CheckRow } from './types.js';

const VERDICT: Record<CheckRow['verdict'], string> = {
  pass: 'ok',
  regression: '**REGRESSION**',
  improvement: 'improved',
  changed: '**CHANGED**',
  noisy: 'noisy',
  'not-compared': 'not compared',
  missing: 'new',
};

function num(x: number | null, kind: CheckRow['kind']): string {
  if (x === null) return '-';
  return kind === 'time-ratio' ? x.toFixed(1) : x.toLocaleString('en-US');
}

function change(r: CheckRow): string {
  if (r.change === null) return '-';
  if (r.kind === 'instructions') {
    const d = (r.current ?? 0) - (r.baseline ?? 0);
    return `${d > 0 ? '+' : ''}${d.toLocaleString('en-US')} (${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(2)}%)`;
  }
  if (r.kind !== 'time-ratio') {
    const d = (r.current ?? 0) - (r.baseline ?? 0);
    return d === 0
      ? '0'
      : `${d > 0 ? '+' : ''}${d.toLocaleString('en-US')} (${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(2)}%)`;
  }
  return `${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(1)}%`;
}

/** Failing rows first, then the rest in input order. */
export function renderCheckMarkdown(report: CheckReport): string {
  const order = (r: CheckRow) =>
    r.verdict === 'regression' || r.verdict === 'changed' ? 0 : r.verdict === 'noisy' ? 1 : 2;
  const rows = report.rows
    .map((r, i) => [r, i] as const)
    .sort((a, b) => order(a[0]) - order(b[0]) || a[1] - b[1])
    .map(([r]) => r);
  const lines = [
    `### payload-bench check: ${report.headline}`,
    '',
    ...report.warnings.map((w) => `> ${w}`),
    ...(report.warnings.length ? [''] : []),
    '| scenario | format | codec | figure | baseline | current | change | verdict |',
    '|---|---|---|---|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.format} | ${r.codec} | ${r.metric} | ${num(r.baseline, r.kind)} | ${num(r.current, r.kind)} | ${change(r)} | ${VERDICT[r.verdict]}${r.note ? ` (${r.note})` : ''} |`,
    ),
    '',
    ...(report.rows.some((r) => r.kind === 'instructions')
      ? [
          'Instructions are counted, not timed: one call of each op under valgrind (callgrind), in a fresh Node with fixed seeds and no optimising compiler; a count is deterministic, so it fails when it grows more than the threshold (default 2%), with no re-measure.',
          '',
        ]
      : []),
    'Bytes are compared exactly. Timings are compared as ratios measured inside one process: each figure over a fixed calibration workload timed next to it (x calibration; older results: over the memcpy floor, x floor), so machines of different speed or load compare. A regression needs a change above the threshold whose 95 % interval (Student t over the per-round ratios, i.e. between child processes) excludes no change, confirmed by a re-measure.',
    '',
  ];
  return lines.join('\n');
}
