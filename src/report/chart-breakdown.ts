// Chart 4: where the median request's time goes, per format, stacked: client encode and
// compress, server receive, decompress, queue, decode, compute (and injected delay), client
// response decode, each its own measurement, and what they leave unattributed (network and
// transport). The bar is the median request itself (the mean of the requests between p45 and
// p55 of their own latency), so the stages add up to it. The harness floor is a line across.
import type { ChartConfiguration } from 'chart.js';
import type { BreakdownStage, E2eRun, Results } from '../results/index.js';
import {
  BASE_OPTIONS,
  LEGEND_TOP,
  formatAxis,
  scaled,
  timeUnit,
  scenarioLabel,
  titlePlugins,
  valueAxis,
} from './chart-common.js';
import { cellLabel } from './chart-latency.js';
import { BREAKDOWN_COLORS, FLOOR_COLOR } from './palette.js';
import { harnessFloorMs, headlineE2e, primaryScenario } from './select.js';
import { sig3 } from './number-format.js';
import type { ChartResult } from './types.js';

const TITLE = 'Latency breakdown of the median request';

/** Every stage in timeline order, with its label. */
export const STAGE_LABELS: [BreakdownStage, string][] = [
  ['clientEncodeMs', 'client encode'],
  ['clientCompressMs', 'client compress'],
  ['serverReceiveMs', 'server receive'],
  ['serverDecompressMs', 'server decompress'],
  ['serverQueueMs', 'server queue'],
  ['serverDecodeMs', 'server decode'],
  ['serverComputeMs', 'server compute'],
  ['serverInjectedMs', 'server injected delay'],
  ['clientDecodeMs', 'client response decode'],
  ['unattributedMs', 'unattributed (network + transport)'],
];

export function chartBreakdown(r: Results, scenario = primaryScenario(r)): ChartResult {
  const slice = scenario === undefined ? undefined : headlineE2e(r, scenario);
  if (scenario === undefined || !slice) {
    return { state: 'skipped', id: 'breakdown', title: TITLE, reason: 'no end-to-end (e2e) runs in the results' };
  }
  const runs = slice.runs.filter(
    (x): x is E2eRun & { breakdown: NonNullable<E2eRun['breakdown']> } => x.breakdown !== null,
  );
  if (runs.length === 0)
    return {
      state: 'skipped',
      id: 'breakdown',
      title: TITLE,
      reason: 'no request of the headline end-to-end runs was answered',
    };
  // Stages no run spent time in (injected delay, usually) stay out of the legend.
  const stages = STAGE_LABELS.filter(([k]) => k !== 'serverInjectedMs' || runs.some((x) => x.breakdown[k] > 0));
  const floor = harnessFloorMs(r);
  const tu = timeUnit([...runs.map((x) => x.breakdown.latencyMs), floor]);
  const datasets: Record<string, unknown>[] = stages.map(([key, label]) => ({
    type: 'bar',
    label,
    // A negative remainder (stages overlapping) cannot be stacked: it shows as 0, the table has the value.
    data: runs.map((x) => scaled(Math.max(0, x.breakdown[key]), tu.factor)),
    backgroundColor: BREAKDOWN_COLORS[key],
    borderColor: '#ffffff',
    borderWidth: { top: 1, bottom: 0, left: 0, right: 0 },
    stack: 'stages',
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
      stack: 'floor',
    });
  }
  const totals = runs.map((x) => scaled(x.breakdown.latencyMs, tu.factor));
  const y = valueAxis({
    title: `${tu.unit} per request (the median request)`,
    unit: tu.unit,
    values: totals,
    stacked: true,
    linear: true,
  });
  const covered = runs.map((x) => `${x.format} ${Math.round(x.breakdown.attributedShare * 100)} %`).join(', ');
  const config = {
    type: 'bar',
    data: { labels: runs.map(cellLabel), datasets },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        ...titlePlugins(`${TITLE} — ${scenarioLabel(r, scenario)}`, [
          `${slice.conditions}; each stage is its own measurement, the grey rest is unattributed.`,
          `Stages cover: ${covered}.`,
        ]),
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
    caption:
      `Milliseconds of the median request spent in each stage, stacked per format (${slice.conditions}); the stages are measured one by one and what they leave is labelled unattributed (network + transport). Stages cover ${covered} of the request's latency` +
      (floor !== undefined ? '; the dashed line is the harness floor.' : '.'),
    config,
  };
}
