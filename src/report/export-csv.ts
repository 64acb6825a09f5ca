// results.csv: every measurement as one row (long format, end-to-end runs included), so
// a spreadsheet pivot or a dataframe can slice by section, format, codec, op, batch size,
// link or sweep point. (The bench's own results.csv is the wide micro/sweep table.)
import type { Results } from '../results/index.js';
import { loadLabel } from './select.js';
import { P99_MIN_SAMPLES } from './micro-stats.js';

export const CSV_COLUMNS = [
  'section',
  'scenario',
  'format',
  'codec',
  'op',
  'batch_size',
  'link',
  'load',
  'sweep_dimension',
  'sweep_value',
  'metric',
  'value',
  'unit',
] as const;

type Row = Partial<Record<(typeof CSV_COLUMNS)[number], string | number>>;

function csvCell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function resultsCsv(r: Results): string {
  const rows: Row[] = [];
  for (const s of r.sizes) {
    const base = { section: 'size', scenario: s.scenario, format: s.format, codec: s.codec };
    rows.push({ ...base, metric: 'raw_bytes', value: s.rawBytes, unit: 'bytes' });
    rows.push({ ...base, metric: 'compressed_bytes', value: s.compressedBytes, unit: 'bytes' });
  }
  for (const m of r.micro) {
    const base = { section: 'micro', scenario: m.scenario, format: m.format, codec: m.codec, op: m.op };
    const st = m.stats;
    // A total is a sum of medians (its metric says so); a p99 only with enough samples; the
    // 95 % interval (t over per-round medians) only with two rounds or more.
    const median = m.derived === 'sum-of-medians' ? 'sum_of_medians' : 'median';
    rows.push(
      { ...base, metric: median, value: st.medianMs, unit: 'ms' },
      { ...base, metric: 'mean', value: st.meanMs, unit: 'ms' },
    );
    if (st.p99Ms !== undefined && st.samples >= P99_MIN_SAMPLES)
      rows.push({ ...base, metric: 'p99', value: st.p99Ms, unit: 'ms' });
    rows.push(
      { ...base, metric: 'min', value: st.minMs, unit: 'ms' },
      { ...base, metric: 'max', value: st.maxMs, unit: 'ms' },
    );
    if (st.roundMediansMs.length >= 2) rows.push({ ...base, metric: 'ci95_rel', value: st.rmePct, unit: '%' });
    rows.push(
      { ...base, metric: 'samples', value: st.samples, unit: 'count' },
      { ...base, metric: 'rounds', value: st.roundMediansMs.length, unit: 'count' },
      ...(m.xFloor > 0 ? [{ ...base, metric: 'x_floor', value: m.xFloor, unit: 'ratio' }] : []),
      { ...base, metric: 'bytes', value: m.bytes, unit: 'bytes' },
    );
  }
  for (const p of r.peers?.records ?? []) {
    const base = { section: 'peer', scenario: p.scenario, format: p.format, codec: p.impl, op: p.op };
    rows.push(
      { ...base, metric: 'median', value: p.stats.medianMs, unit: 'ms' },
      { ...base, metric: 'ours_ratio', value: p.oursRatio, unit: 'ratio' },
    );
  }
  for (const s of r.sweeps ?? []) {
    const base = {
      section: 'sweep',
      scenario: s.scenario,
      format: s.format,
      codec: s.codec,
      sweep_dimension: s.dimension,
      sweep_value: s.value,
    };
    rows.push(
      { ...base, metric: 'raw_bytes', value: s.rawBytes, unit: 'bytes' },
      { ...base, metric: 'compressed_bytes', value: s.compressedBytes, unit: 'bytes' },
      { ...base, metric: 'encode', value: s.encodeMs, unit: 'ms' },
      { ...base, metric: 'decode', value: s.decodeMs, unit: 'ms' },
      { ...base, metric: 'total', value: s.totalMs, unit: 'ms' },
      { ...base, metric: 'per_unit', value: s.perUnitUs, unit: 'us' },
    );
  }
  for (const x of r.e2e ?? []) {
    const base = {
      section: 'e2e',
      scenario: x.scenario,
      format: x.format,
      codec: x.compression,
      batch_size: x.batchSize,
      link: x.bandwidth ?? 'unshaped',
      load: loadLabel(x),
    };
    for (const kind of ['search', 'request', 'service'] as const) {
      const l = x.latency[kind];
      rows.push(
        { ...base, op: kind, metric: 'count', value: l.count, unit: 'count' },
        { ...base, op: kind, metric: 'capped', value: l.capped, unit: 'count' },
        { ...base, op: kind, metric: 'over_budget', value: l.overBudget, unit: 'count' },
      );
      if (l.count === 0) continue;
      rows.push(
        { ...base, op: kind, metric: 'latency_min', value: l.minMs, unit: 'ms' },
        { ...base, op: kind, metric: 'latency_mean', value: l.meanMs, unit: 'ms' },
        { ...base, op: kind, metric: 'latency_max', value: l.maxMs, unit: 'ms' },
      );
      // Every percentile the sample supports, with its 95 % interval bounds where they exist.
      for (const p of l.percentiles) {
        rows.push({ ...base, op: kind, metric: `latency_p${p.p}`, value: p.ms, unit: 'ms' });
        if (p.lowMs !== null)
          rows.push({ ...base, op: kind, metric: `latency_p${p.p}_ci95_low`, value: p.lowMs, unit: 'ms' });
        if (p.highMs !== null)
          rows.push({ ...base, op: kind, metric: `latency_p${p.p}_ci95_high`, value: p.highMs, unit: 'ms' });
      }
    }
    if (x.breakdown) {
      const { requests, ...stages } = x.breakdown;
      rows.push({ ...base, op: 'request', metric: 'breakdown_requests', value: requests, unit: 'count' });
      for (const [k, v] of Object.entries(stages))
        rows.push({
          ...base,
          op: 'request',
          metric: `breakdown_${k.replace(/Ms$/, '')}`,
          value: v,
          unit: k === 'attributedShare' ? 'ratio' : 'ms',
        });
    }
    rows.push(
      { ...base, op: 'search', metric: 'offered_rate', value: x.targetRate ?? '', unit: 'searches/s' },
      { ...base, op: 'search', metric: 'achieved_rate', value: x.achievedRate, unit: 'searches/s' },
      { ...base, op: 'search', metric: 'saturated', value: x.saturated ? 1 : 0, unit: 'bool' },
      { ...base, op: 'search', metric: 'intended', value: x.searches.intended, unit: 'count' },
      { ...base, op: 'search', metric: 'completed', value: x.searches.completed, unit: 'count' },
      { ...base, op: 'search', metric: 'within_budget', value: x.searches.withinBudget, unit: 'count' },
      { ...base, op: 'search', metric: 'budget', value: x.budgetMs, unit: 'ms' },
      { ...base, op: 'search', metric: 'capped', value: x.searches.capped, unit: 'count' },
      { ...base, op: 'search', metric: 'failed', value: x.searches.failed, unit: 'count' },
      { ...base, op: 'search', metric: 'dropped', value: x.searches.dropped, unit: 'count' },
      { ...base, op: 'search', metric: 'client_cpu', value: x.cost.clientCpuMsPerSearch, unit: 'ms/search' },
      { ...base, op: 'search', metric: 'server_cpu', value: x.cost.serverCpuMsPerSearch, unit: 'ms/search' },
      {
        ...base,
        op: 'search',
        metric: 'cores_per_1k_searches_per_s',
        value: x.cost.coresPer1kSearchesPerSec,
        unit: 'cores',
      },
      ...(x.cost.monthlyUsd !== undefined
        ? [{ ...base, op: 'search', metric: 'monthly_cost', value: x.cost.monthlyUsd, unit: 'USD' }]
        : []),
      {
        ...base,
        op: 'request',
        metric: 'errors',
        value: Object.values(x.requests.errors).reduce((a, b) => a + b, 0),
        unit: 'count',
      },
    );
  }
  for (const f of r.harnessFloor ?? []) {
    const base = { section: 'harness-floor', codec: 'identity', op: f.transport, load: f.call };
    rows.push({ ...base, metric: 'calls', value: f.calls, unit: 'count' });
    for (const p of f.latency.percentiles.filter((e) => e.p === 50 || e.p === 99)) {
      rows.push({ ...base, metric: `latency_p${p.p}`, value: p.ms, unit: 'ms' });
      if (p.lowMs !== null) rows.push({ ...base, metric: `latency_p${p.p}_ci95_low`, value: p.lowMs, unit: 'ms' });
      if (p.highMs !== null) rows.push({ ...base, metric: `latency_p${p.p}_ci95_high`, value: p.highMs, unit: 'ms' });
    }
    rows.push({ ...base, metric: 'client_cpu', value: f.clientCpuMsPerCall, unit: 'ms/call' });
    if (f.serverCpuMsPerCall !== null)
      rows.push({ ...base, metric: 'server_cpu', value: f.serverCpuMsPerCall, unit: 'ms/call' });
  }
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}
