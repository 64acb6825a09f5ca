// Chart 4: where a request's time goes, per format (stacked medians): client encode, wire
// and queueing, server decode, server compute, and the response back to the client.
import type { ChartConfiguration } from 'chart.js';
import type { E2eRun, Results } from '../results/index.js';
import { BASE_OPTIONS, LEGEND_TOP, formatAxis, scaled, timeUnit, scenarioLabel, titlePlugins, valueAxis } from './chart-common.js';
import { BREAKDOWN_COLORS } from './palette.js';
import { headlineE2e, primaryScenario } from './select.js';
import type { ChartResult } from './types.js';

const TITLE = 'Latency breakdown per request';

const PARTS: [keyof E2eRun['breakdown'], string][] = [
  ['clientEncodeMs', 'client encode'],
  ['wireQueueMs', 'wire + queue'],
  ['serverDecodeMs', 'server decode'],
  ['serverComputeMs', 'server compute'],
  ['clientDecodeMs', 'response (client decode)'],
];

export function chartBreakdown(r: Results, scenario = primaryScenario(r)): ChartResult {
  const slice = scenario === undefined ? undefined : headlineE2e(r, scenario);
  if (scenario === undefined || !slice) {
    return { state: 'skipped', id: 'breakdown', title: TITLE, reason: 'no end-to-end (e2e) runs in the results' };
  }
  const tu = timeUnit(slice.runs.map((x) => Object.values(x.breakdown).reduce((s, v) => s + v, 0)));
  const datasets = PARTS.map(([key, label]) => ({
    type: 'bar' as const,
    label,
    data: slice.runs.map((x) => scaled(x.breakdown[key], tu.factor)),
    backgroundColor: BREAKDOWN_COLORS[key],
    borderColor: '#ffffff',
    borderWidth: { top: 1, bottom: 0, left: 0, right: 0 },
  }));
  const totals = slice.runs.map((_, i) => datasets.reduce((s, d) => s + (d.data[i] ?? 0), 0));
  const y = valueAxis({ title: `${tu.unit} per request (median of each part)`, unit: tu.unit, values: totals, stacked: true, linear: true });
  const config = {
    type: 'bar',
    data: { labels: slice.runs.map((x) => x.format), datasets },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        ...titlePlugins(`${TITLE} — ${scenarioLabel(r, scenario)}`, `${slice.conditions}; each part is its own median, so a bar is not the median request.`),
        legend: LEGEND_TOP,
        tooltip: { mode: 'index' },
        payloadBenchTotals: { display: true, unit: tu.unit },
      },
      scales: { x: formatAxis(true), y: { ...y.axis, grace: '6%' } },
    },
  } as unknown as ChartConfiguration;
  return {
    state: 'drawn',
    id: 'breakdown',
    file: 'breakdown.png',
    title: TITLE,
    caption: `Median milliseconds per request spent in each stage, stacked per format (${slice.conditions}).`,
    config,
  };
}
