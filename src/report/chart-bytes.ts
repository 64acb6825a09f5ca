// Chart 1: bytes one request puts on the wire, per format, raw and after each codec.
import type { ChartConfiguration } from 'chart.js';
import type { Results } from '../results/index.js';
import {
  BASE_OPTIONS,
  LEGEND_TOP,
  byteUnit,
  formatAxis,
  scaled,
  optional,
  scenarioLabel,
  tickLabelsOf,
  titlePlugins,
  valueAxis,
} from './chart-common.js';
import { codecColor } from './palette.js';
import { codecsOf, formatsOf, primaryScenario, sizeOf } from './select.js';
import type { ChartResult } from './types.js';

const TITLE = 'Bytes per request, raw and per codec';

export function chartBytes(r: Results, scenario = primaryScenario(r)): ChartResult {
  const sizes = r.sizes.filter((s) => s.scenario === scenario);
  if (scenario === undefined || sizes.length === 0) {
    return { state: 'skipped', id: 'bytes', title: TITLE, reason: 'no size records in the results' };
  }
  const formats = formatsOf(r, scenario).filter((f) => sizes.some((s) => s.format === f));
  const codecs = codecsOf(r, scenario);
  const bu = byteUnit(sizes.map((s) => s.compressedBytes));
  const datasets = codecs.map((codec) => {
    const color = codecColor(codec, codecs);
    return {
      type: 'bar' as const,
      label: codec === 'identity' ? 'identity (raw)' : codec,
      data: formats.map((f) => {
        const s = sizeOf(r, scenario, f, codec);
        return s ? scaled(s.compressedBytes, bu.factor) : null;
      }),
      backgroundColor: color,
      borderColor: color,
      borderWidth: 0,
    };
  });
  const y = valueAxis({ title: `${bu.unit} per request`, unit: bu.unit, values: datasets.flatMap((d) => d.data) });
  const config = {
    type: 'bar',
    data: { labels: formats, datasets },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        ...titlePlugins(
          `${TITLE} — ${scenarioLabel(r, scenario)}`,
          `One request serialized by each format, then compressed; lower is better; ${bu.note}.`,
        ),
        legend: LEGEND_TOP,
      },
      scales: {
        x: formatAxis(),
        y: y.axis,
      },
    },
  } as unknown as ChartConfiguration;
  return {
    state: 'drawn',
    id: 'bytes',
    file: 'bytes.png',
    title: TITLE,
    caption: `Bytes one ${scenario} request puts on the wire for each format: uncompressed (identity) and after each codec (${codecs.filter((c) => c !== 'identity').join(', ')}).`,
    config,
    ...optional('tickLabels', tickLabelsOf({ y })),
  };
}
