// Chart 5: batch-size sweep: how search latency (p50, with its 95 % interval) and CPU per
// search (client + server) change when one search's candidates are split into smaller
// requests. Each point says the offered load it was measured at: with --rate auto every batch
// size has its own, and the findings compare batch sizes only at one load.
import type { ChartConfiguration } from 'chart.js';
import { percentileOf, type E2eRun, type Results } from '../results/index.js';
import {
  BASE_OPTIONS,
  LEGEND_TOP,
  scaled,
  scenarioLabel,
  timeUnit,
  tickLabelsOf,
  tickText,
  titlePlugins,
  valueAxis,
} from './chart-common.js';
import { formatColor, orderFormats } from './palette.js';
import { batchSweepRuns, loadLabel, primaryScenario, unrankable } from './select.js';
import type { ChartResult } from './types.js';

const TITLE = 'Batch-size sweep: search latency and CPU';

export function chartBatchSweep(r: Results, scenario = primaryScenario(r)): ChartResult {
  const sweep = scenario === undefined ? undefined : batchSweepRuns(r, scenario);
  if (scenario === undefined || !sweep) {
    return { state: 'skipped', id: 'batch-sweep', title: TITLE, reason: 'no end-to-end (e2e) runs in the results' };
  }
  const byFormat = new Map<string, Map<number, E2eRun>>();
  const p50 = (x: E2eRun) => percentileOf(x.latency.search, 50);
  for (const run of sweep.runs) {
    if (!p50(run)) continue;
    const m = byFormat.get(run.format) ?? new Map<number, E2eRun>();
    if (!m.has(run.batchSize)) m.set(run.batchSize, run);
    byFormat.set(run.format, m);
  }
  const formats = orderFormats([...byFormat.keys()].filter((f) => byFormat.get(f)!.size >= 2));
  const batchSizes = [...new Set(sweep.runs.map((x) => x.batchSize))].sort((a, b) => a - b);
  if (formats.length === 0) {
    return {
      state: 'skipped',
      id: 'batch-sweep',
      title: TITLE,
      reason: `every format has end-to-end runs at one batch size only (${batchSizes.join(', ')})`,
    };
  }
  const cpu = (x: E2eRun) => x.cost.clientCpuMsPerSearch + x.cost.serverCpuMsPerSearch;
  const tu = timeUnit(sweep.runs.flatMap((x) => [p50(x)?.highMs ?? p50(x)?.ms, cpu(x)]));
  const datasets = formats.flatMap((f) => {
    const points = [...byFormat.get(f)!.values()].sort((a, b) => a.batchSize - b.batchSize);
    const color = formatColor(f);
    return [
      {
        type: 'line' as const,
        label: f,
        data: points.map((x) => {
          const flag = unrankable(x).length ? ` (${unrankable(x)[0]})` : '';
          return {
            x: x.batchSize,
            y: scaled(p50(x)!.ms, tu.factor),
            label: `batch ${x.batchSize}: search latency p50 at ${loadLabel(x)}${flag}`,
          };
        }),
        errorBars: points.map((x) => [
          p50(x)!.lowMs === null ? null : scaled(p50(x)!.lowMs!, tu.factor),
          p50(x)!.highMs === null ? null : scaled(p50(x)!.highMs!, tu.factor),
        ]),
        borderColor: color,
        backgroundColor: color,
        borderWidth: 2.5,
        pointRadius: 4,
      },
      {
        type: 'line' as const,
        label: `${f} CPU/search`,
        data: points.map((x) => ({
          x: x.batchSize,
          y: scaled(cpu(x), tu.factor),
          label: `batch ${x.batchSize}: client + server CPU per search`,
        })),
        borderColor: color,
        backgroundColor: '#ffffff',
        borderDash: [6, 4],
        borderWidth: 2,
        pointRadius: 4,
        pointStyle: 'rect',
        legendHidden: true,
      },
    ];
  });
  const x = valueAxis({
    title: 'batch size, candidates per request',
    unit: 'count',
    values: batchSizes,
    horizontal: true,
    pad: 1.2,
  });
  const xLabels: Record<string, string> = {};
  for (const b of batchSizes) xLabels[String(b)] = tickText(b, 'count');
  const y = valueAxis({
    title: `${tu.unit} per search`,
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
          `${sweep.conditions}; colour = format; solid ● search latency p50, dashed ■ client + server CPU per search; lower is better.`,
        ),
        legend: LEGEND_TOP,
        tooltip: { mode: 'nearest', intersect: false },
      },
      scales: { x: x.axis, y: y.axis },
    },
  } as unknown as ChartConfiguration;
  const ticks = tickLabelsOf({ y }) ?? {};
  if (x.axis['type'] === 'logarithmic' || batchSizes.length <= 8) ticks['x'] = xLabels;
  return {
    state: 'drawn',
    id: 'batch-sweep',
    file: 'batch-sweep.png',
    title: TITLE,
    caption: `Search latency p50 (solid) and CPU per search (dashed, client + server) per format as one search is split into requests of ${batchSizes.join(', ')} candidates (${sweep.conditions}).`,
    config,
    tickLabels: ticks,
  };
}
