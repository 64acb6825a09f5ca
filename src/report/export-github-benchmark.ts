// github-benchmark.json: the array github-action-benchmark reads with
// `tool: 'customSmallerIsBetter'`: [{ name, unit, value, range?, extra? }], every value
// smaller-is-better (bytes per request, milliseconds), so a regression is a larger number.
import { percentileOf, type Results } from '../results/index.js';
import { loadLabel, loadShort, uniqueNames } from './select.js';

/** One entry of github-action-benchmark's custom JSON format. */
export interface GithubBenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  /** Free text shown next to the value, e.g. `± 1.2%`. */
  range?: string;
  /** Free text shown in the tooltip. */
  extra?: string;
}

export function githubBenchmark(r: Results): GithubBenchmarkEntry[] {
  const out: GithubBenchmarkEntry[] = [];
  const unique = uniqueNames();
  for (const s of r.sizes) {
    out.push({
      name: `${s.scenario} ${s.format} ${s.codec} bytes`,
      unit: 'bytes',
      value: s.compressedBytes,
      extra: `raw ${s.rawBytes} bytes`,
    });
  }
  for (const m of r.micro) {
    if (m.op !== 'encode' && m.op !== 'decode' && m.op !== 'total') continue;
    const name = m.op === 'total' ? `${m.scenario} ${m.format} ${m.codec} total` : `${m.scenario} ${m.format} ${m.op}`;
    out.push({
      name,
      unit: 'ms',
      value: m.stats.medianMs,
      ...(m.stats.roundMediansMs.length >= 2 ? { range: `± ${m.stats.rmePct}%` } : {}),
      extra: `${m.derived === 'sum-of-medians' ? "sum of the parts' medians" : `median of ${m.stats.samples} samples`}; round medians ${m.stats.roundMediansMs.join(' / ')} ms; ${m.xFloor}x the scenario's floor (copy of the logical tensor bytes)`,
    });
  }
  for (const x of r.e2e ?? []) {
    const link = x.bandwidth ? ` ${x.bandwidth}` : '';
    const base = unique(`${x.scenario} e2e ${x.format} ${x.compression} batch ${x.batchSize}${link} ${loadShort(x)}`);
    const extra = `${loadLabel(x)}; ${x.searches.completed} of ${x.searches.intended} searches completed, ${x.searches.withinBudget} within ${x.budgetMs} ms; end: ${x.endReason}`;
    // Only percentiles the sample supports, with their 95 % interval as the range.
    for (const p of [50, 99]) {
      const e = percentileOf(x.latency.search, p);
      if (!e) continue;
      const range = e.lowMs !== null && e.highMs !== null ? `${e.lowMs}-${e.highMs} ms (95 % CI)` : undefined;
      out.push({ name: `${base} search p${p}`, unit: 'ms', value: e.ms, ...(range ? { range } : {}), extra });
    }
    if (x.endReason !== 'error') {
      out.push({
        name: `${base} cpu per search`,
        unit: 'ms',
        value: Number((x.cost.clientCpuMsPerSearch + x.cost.serverCpuMsPerSearch).toPrecision(6)),
        extra: `client ${x.cost.clientCpuMsPerSearch} ms + server ${x.cost.serverCpuMsPerSearch} ms`,
      });
    }
  }
  return out;
}

export function githubBenchmarkJson(r: Results): string {
  return `${JSON.stringify(githubBenchmark(r), null, 2)}\n`;
}
