// Chart 8: latency distribution: the percentile curve of search latency per format, with
// the x axis stretched toward the tail (x = log10(1 / (1 - p))), as HdrHistogram plots do.
import type { ChartConfiguration } from 'chart.js';
import type { Results } from '../results/index.js';
import { BASE_OPTIONS, LEGEND_TOP, scaled, scenarioLabel, timeUnit, tickLabelsOf, titlePlugins, valueAxis } from './chart-common.js';
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
  const runs = slice.runs.filter((x) => x.latency.search.curve.length >= 2);
  if (runs.length === 0) {
    return { state: 'skipped', id: 'distribution', title: TITLE, reason: 'the e2e runs carry no percentile curve (latency.search.curve)' };
  }
  const tu = timeUnit(runs.map((x) => x.latency.search.maxMs));
  const datasets = runs.map((run) => ({
    type: 'line' as const,
    label: run.format,
    // A curve stops where less than one search lies beyond the percentile: past that the
    // run cannot tell percentiles apart (and p100, the maximum, has no place on the axis).
    data: run.latency.search.curve
      .filter(([p]) => p < 100 && (1 - p / 100) * run.latency.search.count >= 1)
      .map(([p, v]) => ({ x: tailX(p), y: scaled(v, tu.factor), label: `${percentileLabel(p)} of ${run.latency.search.count.toLocaleString('en-US')} searches` })),
    borderColor: formatColor(run.format),
    backgroundColor: formatColor(run.format),
    borderWidth: 2.5,
    pointRadius: 0,
    pointHitRadius: 6,
  }));
  const maxX = Math.max(...datasets.flatMap((d) => d.data.map((p) => p.x)));
  const xTicks = Object.fromEntries(TAIL_TICKS.filter(([p]) => tailX(p) <= maxX + 1e-9).map(([p, label]) => [String(tailX(p)), label]));
  const y = valueAxis({ title: `search latency, ${tu.unit}`, unit: tu.unit, values: datasets.flatMap((d) => d.data.map((p) => p.y)) });
  const config = {
    type: 'line',
    data: { datasets },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        ...titlePlugins(`${TITLE} — ${scenarioLabel(r, scenario)}`, `${slice.conditions}; tail stretched; a curve ends where fewer than one search lies beyond; lower is better.`),
        legend: LEGEND_TOP,
        tooltip: { mode: 'nearest', intersect: false },
      },
      scales: {
        x: {
          type: 'linear',
          min: 0,
          max: maxX,
          title: { display: true, text: 'percentile (tail stretched: each step is 10x rarer)', font: { size: 14, weight: 'bold' } },
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
    caption: `Percentile curve of search latency per format, tail stretched; each curve ends where fewer than one search lies beyond (${slice.conditions}).`,
    config,
    tickLabels: { ...(tickLabelsOf({ y }) ?? {}), x: xTicks },
  };
}
