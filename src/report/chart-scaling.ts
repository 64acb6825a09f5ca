// Chart 7: scaling sweeps: encode + decode cost against the number of candidates and the
// number of features (one chart per swept dimension), log-log so linear scaling is a
// straight line of slope 1.
import type { ChartConfiguration } from 'chart.js';
import type { Results, SweepRecord } from '../results/index.js';
import {
  BASE_OPTIONS,
  LEGEND_TOP,
  scaled,
  timeUnit,
  tickLabelsOf,
  tickText,
  titlePlugins,
  valueAxis,
} from './chart-common.js';
import { formatColor, orderFormats } from './palette.js';
import { num } from './number-format.js';
import { primaryScenario, scenarioInfo, sweepOf } from './select.js';
import type { ChartResult } from './types.js';

const DIMENSIONS: SweepRecord['dimension'][] = ['candidates', 'features'];

/** `etsy-search, 300 features`: the scenario and what the sweep kept fixed. */
function fixedLabel(r: Results, scenario: string, dimension: SweepRecord['dimension']): string {
  const info = scenarioInfo(r, scenario);
  if (!info) return scenario;
  return dimension === 'candidates'
    ? `${scenario}, ${info.features} features`
    : `${scenario}, ${num(info.candidates)} candidates`;
}

function chartFor(r: Results, scenario: string | undefined, dimension: SweepRecord['dimension']): ChartResult {
  const id = dimension === 'candidates' ? 'scaling-candidates' : 'scaling-features';
  const title = `Scaling: CPU vs ${dimension}`;
  const sweep = scenario === undefined ? undefined : sweepOf(r, scenario, dimension);
  if (scenario === undefined || !sweep) {
    return { state: 'skipped', id, title, reason: `no ${dimension} sweep in the results` };
  }
  const values = [...new Set(sweep.records.map((s) => s.value))].sort((a, b) => a - b);
  if (values.length < 2) {
    return { state: 'skipped', id, title, reason: `the ${dimension} sweep has one point only (${values.join(', ')})` };
  }
  const formats = orderFormats(sweep.records.map((s) => s.format));
  const tu = timeUnit(sweep.records.map((s) => s.totalMs));
  const datasets = formats.map((f) => ({
    type: 'line' as const,
    label: f,
    data: sweep.records
      .filter((s) => s.format === f)
      .sort((a, b) => a.value - b.value)
      .map((s) => ({ x: s.value, y: scaled(s.totalMs, tu.factor) })),
    borderColor: formatColor(f),
    backgroundColor: formatColor(f),
    borderWidth: 2.5,
    pointRadius: 3.5,
  }));
  const x = valueAxis({ title: `${dimension} per request`, unit: 'count', values, horizontal: true, pad: 1.15 });
  const y = valueAxis({
    title: `encode + decode per request, median ${tu.unit}`,
    unit: tu.unit,
    values: sweep.records.map((s) => scaled(s.totalMs, tu.factor)),
  });
  const ticks = tickLabelsOf({ y }) ?? {};
  if (x.axis['type'] === 'logarithmic')
    ticks['x'] = Object.fromEntries(values.map((v) => [String(v), tickText(v, 'count')]));
  const config = {
    type: 'line',
    data: { datasets },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        ...titlePlugins(
          `${title} — ${fixedLabel(r, scenario, dimension)}`,
          `codec ${sweep.codec}; on log-log axes parallel straight lines mean cost grows linearly; lower is better.`,
        ),
        legend: LEGEND_TOP,
        tooltip: { mode: 'nearest', intersect: false },
      },
      scales: { x: x.axis, y: y.axis },
    },
  } as unknown as ChartConfiguration;
  return {
    state: 'drawn',
    id,
    file: `${id}.png`,
    title,
    caption: `Median encode + decode time per request for each format as the ${dimension} per request grow from ${tickText(values[0]!, 'count')} to ${tickText(values[values.length - 1]!, 'count')} (codec ${sweep.codec}).`,
    config,
    tickLabels: ticks,
  };
}

/** One chart per sweep dimension; a dimension that was not swept is skipped with a note. */
export function chartScaling(r: Results, scenario = primaryScenario(r)): ChartResult[] {
  return DIMENSIONS.map((d) => chartFor(r, scenario, d));
}
