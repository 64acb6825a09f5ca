// Chart 3: end-to-end search latency per format (p50, p99, p99.9) under the headline
// conditions: same batch size, compression, offered load and link for every format. A
// percentile is drawn only when the cell has the samples for it, with its 95 % confidence
// interval as an error bar; the harness floor (a no-op call's p50) is a line across. Cells
// that cannot be ranked (saturated, capped, failed, thin) say so under their name.
import type { ChartConfiguration } from 'chart.js';
import { percentileOf, type E2eRun, type Results } from '../results/index.js';
import {
  BASE_OPTIONS,
  LEGEND_TOP,
  formatAxis,
  scaled,
  timeUnit,
  optional,
  scenarioLabel,
  tickLabelsOf,
  titlePlugins,
  valueAxis,
} from './chart-common.js';
import { FLOOR_COLOR, PERCENTILE_COLORS } from './palette.js';
import { harnessFloorMs, headlineE2e, primaryScenario, unrankable } from './select.js';
import { sig3 } from './number-format.js';
import type { ChartResult } from './types.js';

const TITLE = 'End-to-end search latency';

const PERCENTILES: [number, string][] = [
  [50, 'p50'],
  [99, 'p99'],
  [99.9, 'p99.9'],
];

/** `json-rows` or [`json-rows`, `saturated`]: a format label with what keeps it out of the rankings. */
export function cellLabel(run: E2eRun): string | string[] {
  const why = unrankable(run);
  if (why.length === 0) return run.format;
  const short = why[0]!
    .split(':')[0]!
    .replace(/ of \d+ searches/, '')
    .slice(0, 40);
  return [run.format, `(${short})`];
}

export function chartLatency(r: Results, scenario = primaryScenario(r)): ChartResult {
  const slice = scenario === undefined ? undefined : headlineE2e(r, scenario);
  if (scenario === undefined || !slice) {
    return { state: 'skipped', id: 'latency', title: TITLE, reason: 'no end-to-end (e2e) runs in the results' };
  }
  const runs = slice.runs.filter((x) => x.latency.search.count > 0);
  if (runs.length === 0)
    return {
      state: 'skipped',
      id: 'latency',
      title: TITLE,
      reason: 'no end-to-end run of the headline conditions has a latency sample',
    };
  const floor = harnessFloorMs(r);
  const all = runs.flatMap((x) => x.latency.search.percentiles.flatMap((p) => [p.ms, p.highMs ?? p.ms]));
  const tu = timeUnit([...all, floor]);
  const datasets: Record<string, unknown>[] = PERCENTILES.map(([p, label], i) => ({
    type: 'bar',
    label,
    data: runs.map((x) => {
      const e = percentileOf(x.latency.search, p);
      return e ? scaled(e.ms, tu.factor) : null;
    }),
    errorBars: runs.map((x) => {
      const e = percentileOf(x.latency.search, p);
      return e
        ? [e.lowMs === null ? null : scaled(e.lowMs, tu.factor), e.highMs === null ? null : scaled(e.highMs, tu.factor)]
        : null;
    }),
    backgroundColor: PERCENTILE_COLORS[i],
    borderWidth: 0,
  }));
  if (floor !== undefined) {
    datasets.push({
      type: 'line',
      label: `harness floor (no-op call p50, ${sig3(scaled(floor, tu.factor))} ${tu.unit})`,
      data: runs.map(() => scaled(floor, tu.factor)),
      borderColor: FLOOR_COLOR,
      backgroundColor: FLOOR_COLOR,
      borderDash: [6, 4],
      borderWidth: 2,
      pointRadius: 0,
    });
  }
  const values = datasets.flatMap((d) => (d['data'] as (number | null)[]).filter((v): v is number => v !== null));
  const y = valueAxis({ title: `search latency, ${tu.unit}`, unit: tu.unit, values });
  const requests =
    slice.batchSize > 0
      ? Math.ceil((r.scenarios.find((s) => s.name === scenario)?.candidates ?? slice.batchSize) / slice.batchSize)
      : 1;
  const missing = runs.some((x) => !percentileOf(x.latency.search, 99.9));
  const config = {
    type: 'bar',
    data: { labels: runs.map(cellLabel), datasets },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        ...titlePlugins(`${TITLE} — ${scenarioLabel(r, scenario)}`, [
          `${slice.conditions}; one search = ${requests} request${requests === 1 ? '' : 's'}; lower is better.`,
          `Whiskers: 95 % confidence interval (an arrow: open above).${missing ? ' A missing bar: too few searches for that percentile (p99 needs 100, p99.9 1,000).' : ''}`,
        ]),
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
    caption:
      `Search latency percentiles (p50, p99, p99.9, each only where the sample supports it, with its 95 % confidence interval) per format, measured end to end against the stub TF Serving server over every search (${slice.conditions})` +
      (floor !== undefined
        ? `; the dashed line is the harness floor (a no-op call's p50, the larger of back to back and after an idle pause).`
        : '.'),
    config,
    ...optional('tickLabels', tickLabelsOf({ y })),
  };
}
