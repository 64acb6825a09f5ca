// Stub batching: search latency p50 (solid) and server CPU per search (dashed) against batch
// size (candidates per request), one line pair per stub set-up (TF Serving batching on / off,
// worker count), for the format measured under most set-ups. Drawn when the results hold runs
// of at least two set-ups (npm run e2e -- --sweep batching=off,<file>), else skipped.
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
import { primaryScenario } from './select.js';
import type { ChartResult } from './types.js';

const TITLE = 'Stub batching: search latency and server CPU by batch size';
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

/** `batching on, 2 workers`: a run's stub set-up in words; undefined for runs without one. */
export function setupLabel(x: E2eRun): string | undefined {
  const s = x.server;
  if (!s) return undefined;
  const w =
    s.workers === null
      ? ''
      : `, ${s.workers === 0 ? 'main thread' : `${s.workers} worker${s.workers === 1 ? '' : 's'}`}`;
  return `batching ${s.batching === null ? 'off' : 'on'}${w}`;
}

/** Runs of one scenario and format grouped by stub set-up, each set-up by batch size (first run wins). */
export function batchingRuns(
  r: Results,
  scenario: string,
): { format: string; compression: string; setups: Map<string, Map<number, E2eRun>> } | undefined {
  const runs = (r.e2e ?? []).filter(
    (x) => x.scenario === scenario && x.server && x.endReason !== 'error' && percentileOf(x.latency.search, 50),
  );
  const byKey = new Map<string, Map<string, Map<number, E2eRun>>>();
  for (const x of runs) {
    const key = `${x.format}\u0000${x.compression}`;
    const setups = byKey.get(key) ?? new Map<string, Map<number, E2eRun>>();
    const label = setupLabel(x)!;
    const m = setups.get(label) ?? new Map<number, E2eRun>();
    if (!m.has(x.batchSize)) m.set(x.batchSize, x);
    setups.set(label, m);
    byKey.set(key, setups);
  }
  let best: [string, Map<string, Map<number, E2eRun>>] | undefined;
  for (const e of byKey) if (!best || e[1].size > best[1].size) best = e;
  if (!best || best[1].size < 2) return undefined;
  const [format, compression] = best[0].split('\u0000') as [string, string];
  return { format, compression, setups: best[1] };
}

export function chartBatching(r: Results, scenario = primaryScenario(r)): ChartResult {
  const sel = scenario === undefined ? undefined : batchingRuns(r, scenario);
  if (scenario === undefined || !sel) {
    return {
      state: 'skipped',
      id: 'batching',
      title: TITLE,
      reason: 'no runs of two or more stub set-ups (npm run e2e -- --sweep batching=off,<file>)',
    };
  }
  const p50 = (x: E2eRun) => percentileOf(x.latency.search, 50)!;
  const all = [...sel.setups.values()].flatMap((m) => [...m.values()]);
  const batchSizes = [...new Set(all.map((x) => x.batchSize))].sort((a, b) => a - b);
  const tu = timeUnit(all.flatMap((x) => [p50(x).highMs ?? p50(x).ms, x.cost.serverCpuMsPerSearch]));
  const datasets = [...sel.setups.entries()].flatMap(([label, m], i) => {
    const points = [...m.values()].sort((a, b) => a.batchSize - b.batchSize);
    const color = COLORS[i % COLORS.length]!;
    const calls = (x: E2eRun): string =>
      x.server?.modelCallsPerSearch !== undefined ? `, ${x.server.modelCallsPerSearch} model calls per search` : '';
    return [
      {
        type: 'line' as const,
        label,
        data: points.map((x) => ({
          x: x.batchSize,
          y: scaled(p50(x).ms, tu.factor),
          label: `batch ${x.batchSize}: search latency p50${calls(x)}`,
        })),
        errorBars: points.map((x) => [
          p50(x).lowMs === null ? null : scaled(p50(x).lowMs!, tu.factor),
          p50(x).highMs === null ? null : scaled(p50(x).highMs!, tu.factor),
        ]),
        borderColor: color,
        backgroundColor: color,
        borderWidth: 2.5,
        pointRadius: 4,
      },
      {
        type: 'line' as const,
        label: `${label}: server CPU/search`,
        data: points.map((x) => ({
          x: x.batchSize,
          y: scaled(x.cost.serverCpuMsPerSearch, tu.factor),
          label: `batch ${x.batchSize}: server CPU per search${calls(x)}`,
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
          `${sel.format}, ${sel.compression}; colour = stub set-up; solid ● search latency p50, dashed ■ server CPU per search; lower is better.`,
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
    id: 'batching',
    file: 'batching.png',
    title: TITLE,
    caption: `Search latency p50 (solid) and server CPU per search (dashed) of ${sel.format} (${sel.compression}) at ${batchSizes.join(', ')} candidates per request, per stub set-up: ${[...sel.setups.keys()].join('; ')}.`,
    config,
    tickLabels: ticks,
  };
}
