// Chart 6: bandwidth sweep: search latency (p50) against link bandwidth, one line per format
// and compression, with the break-even bandwidth (below it compressing is faster) marked. A
// break-even is computed only between cells at the same offered load that can be ranked.
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
import { mbits } from './number-format.js';
import { compressionDash, formatColor, orderCodecs, orderFormats } from './palette.js';
import { loadKey, parseBandwidthMbps, primaryScenario, unrankable } from './select.js';
import type { ChartResult } from './types.js';

const TITLE = 'Bandwidth sweep: search latency per codec';

/** Where one compression's latency curve crosses identity's, for one format. */
export interface BreakEven {
  format: string;
  compression: string;
  /** Below this bandwidth the compression is faster than identity. */
  mbps: number;
  latencyMs: number;
}

interface Curve {
  format: string;
  compression: string;
  points: { mbps: number; run: E2eRun }[];
}

/** Latency-vs-bandwidth curves of `scenario` (batch size: the most common among shaped runs). */
export function bandwidthCurves(
  r: Results,
  scenario: string,
): { curves: Curve[]; batchSize: number; unparsed: string[] } {
  const shaped = (r.e2e ?? []).filter((x) => x.scenario === scenario && x.bandwidth !== undefined);
  const unparsed = [
    ...new Set(shaped.filter((x) => parseBandwidthMbps(x.bandwidth!) === undefined).map((x) => x.bandwidth!)),
  ];
  const counts = new Map<number, number>();
  for (const x of shaped) counts.set(x.batchSize, (counts.get(x.batchSize) ?? 0) + 1);
  const batchSize = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
  const groups = new Map<string, Curve>();
  for (const run of shaped) {
    const mbps = parseBandwidthMbps(run.bandwidth!);
    if (mbps === undefined || run.batchSize !== batchSize || !percentileOf(run.latency.search, 50)) continue;
    const key = `${run.format}\u0000${run.compression}`;
    const g = groups.get(key) ?? { format: run.format, compression: run.compression, points: [] };
    if (!g.points.some((p) => p.mbps === mbps)) g.points.push({ mbps, run });
    groups.set(key, g);
  }
  const formats = orderFormats([...groups.values()].map((g) => g.format));
  const codecs = orderCodecs([...groups.values()].map((g) => g.compression));
  const curves = [...groups.values()]
    .filter((g) => g.points.length >= 2)
    .sort(
      (a, b) =>
        formats.indexOf(a.format) - formats.indexOf(b.format) ||
        codecs.indexOf(a.compression) - codecs.indexOf(b.compression),
    );
  for (const c of curves) c.points.sort((a, b) => a.mbps - b.mbps);
  return { curves, batchSize, unparsed };
}

/** Break-evens between each compression and identity (log-log interpolation between points). */
export function breakEvens(curves: Curve[]): BreakEven[] {
  const out: BreakEven[] = [];
  for (const c of curves) {
    if (c.compression === 'identity') continue;
    const base = curves.find((b) => b.format === c.format && b.compression === 'identity');
    if (!base) continue;
    // Like with like: the same bandwidth and offered load, both cells rankable.
    const comparable = (p: { run: E2eRun }, q: { run: E2eRun }): boolean =>
      loadKey(p.run) === loadKey(q.run) && unrankable(p.run).length === 0 && unrankable(q.run).length === 0;
    const common = c.points
      .filter((p) => base.points.some((q) => q.mbps === p.mbps && comparable(p, q)))
      .map((p) => {
        const q = base.points.find((b) => b.mbps === p.mbps)!;
        return { mbps: p.mbps, comp: p50(p.run), id: p50(q.run) };
      });
    for (let i = 1; i < common.length; i++) {
      const a = common[i - 1]!;
      const b = common[i]!;
      const da = Math.log(a.comp / a.id);
      const db = Math.log(b.comp / b.id);
      if (da < 0 && db >= 0) {
        const t = da / (da - db);
        const mbps = Math.exp(Math.log(a.mbps) + t * (Math.log(b.mbps) - Math.log(a.mbps)));
        const latencyMs = Math.exp(Math.log(a.id) + t * (Math.log(b.id) - Math.log(a.id)));
        out.push({ format: c.format, compression: c.compression, mbps, latencyMs });
        break;
      }
    }
  }
  return out;
}

function p50(run: E2eRun): number {
  return percentileOf(run.latency.search, 50)!.ms;
}

/** Two significant digits: a break-even is interpolated between measured bandwidths. */
export function roughly(mbps: number): number {
  return Number(mbps.toPrecision(2));
}

export function chartBandwidth(r: Results, scenario = primaryScenario(r)): ChartResult {
  if (scenario === undefined || !(r.e2e ?? []).some((x) => x.scenario === scenario)) {
    return { state: 'skipped', id: 'bandwidth', title: TITLE, reason: 'no end-to-end (e2e) runs in the results' };
  }
  const { curves, batchSize, unparsed } = bandwidthCurves(r, scenario);
  if (curves.length === 0) {
    const why =
      unparsed.length > 0
        ? `bandwidth labels not understood: ${unparsed.join(', ')}`
        : 'no e2e runs on a shaped link at two or more bandwidths';
    return { state: 'skipped', id: 'bandwidth', title: TITLE, reason: why };
  }
  const evens = breakEvens(curves);
  const tu = timeUnit(curves.flatMap((c) => c.points.map((p) => p50(p.run))));
  const datasets: Record<string, unknown>[] = curves.map((c) => ({
    type: 'line',
    label: `${c.format} ${c.compression}`,
    data: c.points.map((p) => ({ x: p.mbps, y: scaled(p50(p.run), tu.factor) })),
    borderColor: formatColor(c.format),
    backgroundColor: formatColor(c.format),
    borderDash: compressionDash(c.compression),
    borderWidth: 2.5,
    pointRadius: 3.5,
  }));
  if (evens.length > 0) {
    datasets.push({
      type: 'scatter',
      label: 'break-even',
      data: evens.map((e) => ({
        x: e.mbps,
        y: scaled(e.latencyMs, tu.factor),
        label: `${e.format}: ${e.compression} faster below ≈ ${mbits(roughly(e.mbps))}`,
      })),
      pointStyle: 'crossRot',
      pointRadius: 11,
      pointHoverRadius: 12,
      pointBorderWidth: 3,
      borderColor: '#000000',
      backgroundColor: '#000000',
    });
  }
  const mbpsValues = [...new Set(curves.flatMap((c) => c.points.map((p) => p.mbps)))].sort((a, b) => a - b);
  const x = valueAxis({ title: 'link bandwidth', unit: 'Mbit/s', values: mbpsValues, horizontal: true, pad: 1.2 });
  const y = valueAxis({
    title: `search latency p50, ${tu.unit}`,
    unit: tu.unit,
    values: curves.flatMap((c) => c.points.map((p) => scaled(p50(p.run), tu.factor))),
  });
  const ticks = tickLabelsOf({ y }) ?? {};
  if (x.axis['type'] === 'logarithmic') {
    ticks['x'] = Object.fromEntries(mbpsValues.map((v) => [String(v), tickText(v, 'Mbit/s')]));
  }
  const evenText =
    evens.length > 0
      ? `break-even (✕): ${evens.map((e) => `${e.format} ${e.compression} faster below ≈ ${mbits(roughly(e.mbps))}`).join(', ')}`
      : 'no break-even inside the measured range';
  const config = {
    type: 'line',
    data: { datasets },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        ...titlePlugins(`${TITLE} — ${scenarioLabel(r, scenario)}`, [
          `batch ${batchSize}; colour = format, dash = compression; lower is better`,
          evens.length <= 3 ? evenText : `${evens.length} break-evens marked ✕ (listed in the summary)`,
        ]),
        legend: { ...LEGEND_TOP, labels: { ...LEGEND_TOP.labels, boxWidth: 30, boxHeight: 3 } },
        tooltip: { mode: 'nearest', intersect: false },
      },
      scales: { x: x.axis, y: y.axis },
    },
  } as unknown as ChartConfiguration;
  return {
    state: 'drawn',
    id: 'bandwidth',
    file: 'bandwidth.png',
    title: TITLE,
    caption: `Search latency p50 against link bandwidth for each format and compression (batch ${batchSize}); ${evenText}.`,
    config,
    tickLabels: ticks,
  };
}
