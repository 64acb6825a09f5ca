// Chart 3: end-to-end search latency per format (p50, p99, p99.9) under the headline
// conditions: same batch size, compression, load and link for every format.
import type { ChartConfiguration } from 'chart.js';
import type { Results } from '../results/index.js';
import { BASE_OPTIONS, LEGEND_TOP, formatAxis, scaled, timeUnit, optional, scenarioLabel, tickLabelsOf, titlePlugins, valueAxis } from './chart-common.js';
import { PERCENTILE_COLORS } from './palette.js';
import { headlineE2e, primaryScenario } from './select.js';
import type { ChartResult } from './types.js';

const TITLE = 'End-to-end search latency';

export function chartLatency(r: Results, scenario = primaryScenario(r)): ChartResult {
  const slice = scenario === undefined ? undefined : headlineE2e(r, scenario);
  if (scenario === undefined || !slice) {
    return { state: 'skipped', id: 'latency', title: TITLE, reason: 'no end-to-end (e2e) runs in the results' };
  }
  const formats = slice.runs.map((x) => x.format);
  const picks = [
    ['p50', (x: (typeof slice.runs)[number]) => x.latency.search.p50Ms],
    ['p99', (x: (typeof slice.runs)[number]) => x.latency.search.p99Ms],
    ['p99.9', (x: (typeof slice.runs)[number]) => x.latency.search.p999Ms],
  ] as const;
  const tu = timeUnit(slice.runs.map((x) => x.latency.search.p999Ms));
  const datasets = picks.map(([label, pick], i) => ({
    type: 'bar' as const,
    label,
    data: slice.runs.map((x) => scaled(pick(x), tu.factor)),
    backgroundColor: PERCENTILE_COLORS[i],
    borderWidth: 0,
  }));
  const y = valueAxis({ title: `search latency, ${tu.unit}`, unit: tu.unit, values: datasets.flatMap((d) => d.data) });
  const requests = slice.batchSize > 0 ? Math.ceil((r.scenarios.find((s) => s.name === scenario)?.candidates ?? slice.batchSize) / slice.batchSize) : 1;
  const config = {
    type: 'bar',
    data: { labels: formats, datasets },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        ...titlePlugins(`${TITLE} — ${scenarioLabel(r, scenario)}`, `${slice.conditions}; one search = ${requests} request${requests === 1 ? '' : 's'}; lower is better.`),
        legend: LEGEND_TOP,
      },
      scales: { x: formatAxis(), y: y.axis },
    },
  } as unknown as ChartConfiguration;
  return {
    state: 'drawn',
    id: 'latency',
    file: 'latency.png',
    title: TITLE,
    caption: `Search latency percentiles (p50, p99, p99.9) per format measured end to end against the stub TF Serving server (${slice.conditions}).`,
    config,
    ...optional('tickLabels', tickLabelsOf({ y })),
  };
}
