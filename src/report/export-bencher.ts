// bencher.json: Bencher Metric Format (BMF), { benchmark: { measure: { value, lower_value?,
// upper_value? } } }, for `bencher run --adapter json --file results/bencher.json`.
// Times use Bencher's built-in `latency` measure (nanoseconds), with the spread of the
// per-process round medians as bounds; sizes use `file-size` (bytes); end-to-end search
// percentiles and CPU per search use measures of their own (milliseconds), created on
// first upload.
import { percentileOf, type Results } from '../results/index.js';
import { loadShort, uniqueNames } from './select.js';

export interface BmfMetric {
  value: number;
  lower_value?: number;
  upper_value?: number;
}

export type Bmf = Record<string, Record<string, BmfMetric>>;

const NS_PER_MS = 1e6;

function ns(msValue: number): number {
  return Math.round(msValue * NS_PER_MS);
}

export function bencherBmf(r: Results): Bmf {
  const out: Bmf = {};
  const put = (benchmark: string, measure: string, metric: BmfMetric) => {
    (out[benchmark] ??= {})[measure] = metric;
  };
  for (const s of r.sizes) put(`${s.scenario}/${s.format}/${s.codec}/size`, 'file-size', { value: s.compressedBytes });
  for (const m of r.micro) {
    if (m.op !== 'encode' && m.op !== 'decode' && m.op !== 'total') continue;
    const name = m.op === 'total' ? `${m.scenario}/${m.format}/${m.codec}/total` : `${m.scenario}/${m.format}/${m.op}`;
    const rounds = m.stats.roundMediansMs;
    put(name, 'latency', {
      value: ns(m.stats.medianMs),
      ...(rounds.length >= 2 ? { lower_value: ns(Math.min(...rounds)), upper_value: ns(Math.max(...rounds)) } : {}),
    });
  }
  const unique = uniqueNames();
  for (const x of r.e2e ?? []) {
    const name = unique(
      `${x.scenario}/e2e/${x.format}/${x.compression}/batch-${x.batchSize}/${x.bandwidth ?? 'unshaped'}/${loadShort(x)}`,
    );
    // Only percentiles the sample supports, bounded by their 95 % interval where it has both ends.
    for (const p of [50, 99]) {
      const e = percentileOf(x.latency.search, p);
      if (!e) continue;
      put(name, `search-latency-p${p}-ms`, {
        value: e.ms,
        ...(e.lowMs !== null && e.highMs !== null ? { lower_value: e.lowMs, upper_value: e.highMs } : {}),
      });
    }
    if (x.endReason !== 'error')
      put(name, 'cpu-ms-per-search', {
        value: Number((x.cost.clientCpuMsPerSearch + x.cost.serverCpuMsPerSearch).toPrecision(6)),
      });
  }
  return out;
}

export function bencherJson(r: Results): string {
  return `${JSON.stringify(bencherBmf(r), null, 2)}\n`;
}
