// Chart 2: CPU per request for each format: encode, decode and their sum (the sum of the
// medians with identity), with the scenario's floor (a fresh-allocation copy of the request's
// logical tensor bytes, warm; the same for every format) drawn as a marker.
import type { ChartConfiguration } from 'chart.js';
import type { Results } from '../results/index.js';
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
import { OP_COLORS } from './palette.js';
import { formatsOf, microOf, primaryScenario } from './select.js';
import type { ChartResult } from './types.js';

const TITLE = 'CPU per request: encode, decode, total';

export function chartCpu(r: Results, scenario = primaryScenario(r)): ChartResult {
  const micro = r.micro.filter(
    (m) => m.scenario === scenario && (m.op === 'encode' || m.op === 'decode' || m.op === 'total'),
  );
  if (scenario === undefined || micro.length === 0) {
    return {
      state: 'skipped',
      id: 'cpu',
      title: TITLE,
      reason: 'no encode/decode/total micro-benchmark records in the results',
    };
  }
  const formats = formatsOf(r, scenario).filter((f) => micro.some((m) => m.format === f));
  const tu = timeUnit(micro.map((m) => m.stats.medianMs));
  const median = (f: string, op: 'encode' | 'decode' | 'total' | 'floor') =>
    scaled(microOf(r, scenario, f, op)?.stats.medianMs ?? null, tu.factor);
  const bars = (['encode', 'decode', 'total'] as const).map((op) => ({
    type: 'bar' as const,
    label: op === 'total' ? 'total (sum of encode + decode medians, identity)' : op,
    data: formats.map((f) => median(f, op)),
    backgroundColor: OP_COLORS[op],
    borderWidth: 0,
    order: 2,
  }));
  const floorData = formats.map((f) => median(f, 'floor'));
  const hasFloor = floorData.some((v) => v !== null);
  const floor = {
    type: 'line' as const,
    label: 'floor: copy of the logical tensor bytes (fresh allocation, warm)',
    data: floorData,
    showLine: false,
    pointStyle: 'line',
    pointRadius: 26,
    pointHoverRadius: 28,
    pointBorderWidth: 3,
    borderColor: OP_COLORS.floor,
    backgroundColor: OP_COLORS.floor,
    order: 1,
  };
  const datasets = hasFloor ? [...bars, floor] : bars;
  const y = valueAxis({
    title: `${tu.unit} per request, median`,
    unit: tu.unit,
    values: datasets.flatMap((d) => d.data),
  });
  const floorNote = hasFloor
    ? "black dash: the scenario's floor, copying the request's logical tensor bytes into a fresh allocation (warm, same for every format)"
    : 'no floor recorded in this run';
  const config = {
    type: 'bar',
    data: { labels: formats, datasets },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        ...titlePlugins(
          `${TITLE} — ${scenarioLabel(r, scenario)}`,
          `Median of each operation on one core; lower is better; ${floorNote}.`,
        ),
        legend: LEGEND_TOP,
      },
      scales: { x: formatAxis(), y: y.axis },
    },
  } as unknown as ChartConfiguration;
  return {
    state: 'drawn',
    id: 'cpu',
    file: 'cpu.png',
    title: TITLE,
    caption: `Median CPU time to encode and to decode one ${scenario} request per format, and the sum of the two medians (identity), against the scenario's floor: copying the request's logical tensor bytes into a fresh allocation (the same for every format).`,
    config,
    ...optional('tickLabels', tickLabelsOf({ y })),
  };
}
