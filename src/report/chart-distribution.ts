// Chart 8: latency distribution: the percentile curve of search latency per format, with
// the x axis stretched toward the tail (x = log10(1 / (1 - p))), as HdrHistogram plots do.
// A curve has only the percentiles its sample supports, and a band (thin dashed lines) for
// their 95 % confidence intervals.
import type { ChartConfiguration } from 'chart.js';
import type { Results } from '../results/index.js';
import {
  BASE_OPTIONS,
  LEGEND_TOP,
  scaled,
  scenarioLabel,
  timeUnit,
  tickLabelsOf,
  titlePlugins,
  valueAxis,
} from './chart-common.js';
import { formatColor } from './palette.js';
import { headlineE2e, primaryScenario } from './select.js';
import type { ChartResult } from './types.js';

const TITLE = 'Search latency distribution';

/** Percentile ticks of the tail axis. */
const TAIL_TICKS: [number, string][] = [
  [0, 'p0'],
  [50, 'p50'],
  [90, 'p90'],
  [99, 'p99'],
  [99.9, 'p99.9'],
  [99.99, 'p99.99'],
  [99.999, 'p99.999'],
];

/** x position of percentile p (0..100) on the tail axis. */
export function tailX(p: number): number {
  return Math.log10(100 / (100 - p));
}

function percentileLabel(p: number): string {
  return `p${Number(p.toPrecision(6))}`;
}

export function chartDistribution(r: Results, scenario = primaryScenario(r)): ChartResult {
  const slice = scenario === undefined ? undefined : headlineE2e(r, scenario);
  if (scenario === undefined || !slice) {
    return { state: 'skipped', id: 'distribution', title: TITLE, reason: 'no end-to-end (e2e) runs in the results' };
  }
  const runs = slice.runs.filter((x) => x.latency.search.percentiles.length >= 2);
  if (runs.length === 0) {
    return {
      state: 'skipped',
      id: 'distribution',
      title: TITLE,
      reason: 'no headline e2e run has the samples for two percentiles (p90 needs 10 searches)',
    };
  }
  const tu = timeUnit(runs.flatMap((x) => x.latency.search.percentiles.map((p) => p.highMs ?? p.ms)));
  const datasets = runs.flatMap((run) => {
    const points = run.latency.search.percentiles;
    const n = run.latency.search.count.toLocaleString('en-US');
    const color = formatColor(run.format);
    const band = (side: 'lowMs' | 'highMs', label: string) => ({
      type: 'line' as const,
      label: `${run.format} 95 % CI ${label}`,
      data: points
        .filter((p) => p[side] !== null)
        .map((p) => ({
          x: tailX(p.p),
          y: scaled(p[side]!, tu.factor),
          label: `${percentileLabel(p.p)} ${label} 95 % bound`,
        })),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 1,
      borderDash: [3, 3],
      pointRadius: 0,
      pointHitRadius: 4,
      legendHidden: true,
    });
    return [
      {
        type: 'line' as const,
        label: run.format,
        data: points.map((p) => ({
          x: tailX(p.p),
          y: scaled(p.ms, tu.factor),
          label: `${percentileLabel(p.p)} of ${n} searches`,
        })),
        borderColor: color,
        backgroundColor: color,
        borderWidth: 2.5,
        pointRadius: 0,
        pointHitRadius: 6,
      },
      band('lowMs', 'lower'),
      band('highMs', 'upper'),
    ];
  });
  const maxX = Math.max(...datasets.flatMap((d) => d.data.map((p) => p.x)));
  const xTicks = Object.fromEntries(
    TAIL_TICKS.filter(([p]) => tailX(p) <= maxX + 1e-9).map(([p, label]) => [String(tailX(p)), label]),
  );
  const y = valueAxis({
    title: `search latency, ${tu.unit}`,
    unit: tu.unit,
    values: datasets.flatMap((d) => d.data.map((p) => p.y)),
  });
  const config = {
    type: 'line',
    data: { datasets },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        ...titlePlugins(
          `${TITLE} — ${scenarioLabel(r, scenario)}`,
          `${slice.conditions}; tail stretched; a curve ends at the last percentile its sample supports; dashed: 95 % interval; lower is better.`,
        ),
        legend: LEGEND_TOP,
        tooltip: { mode: 'nearest', intersect: false },
      },
      scales: {
        x: {
          type: 'linear',
          min: 0,
          max: maxX,
          title: {
            display: true,
            text: 'percentile (tail stretched: each step is 10x rarer)',
            font: { size: 14, weight: 'bold' },
          },
          grid: { color: '#e3e3e3' },
        },
        y: y.axis,
      },
    },
  } as unknown as ChartConfiguration;
  return {
    state: 'drawn',
    id: 'distribution',
    file: 'distribution.png',
    title: TITLE,
    caption: `Percentile curve of search latency per format over every search, tail stretched; each curve ends at the last percentile its sample supports (p99 needs 100 searches, p99.9 1,000), with its 95 % confidence band dashed (${slice.conditions}).`,
    config,
    tickLabels: { ...(tickLabelsOf({ y }) ?? {}), x: xTicks },
  };
}
