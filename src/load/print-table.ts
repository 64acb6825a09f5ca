// Console tables of end-to-end runs (ghz-style printer: runs in, text out; pure). Two tables:
// latency and accounting per run, then where a request's time goes and what a search costs.
// Warnings are listed under them, one line each, prefixed with the run they belong to.
import { sig3 } from '../bench/format-units.js';
import { renderText, type Align } from '../bench/text-table.js';
import type { E2eRun } from '../results/index.js';

const ms = (v: number, count: number): string => (count === 0 ? '—' : sig3(v));

function runLabel(r: E2eRun): string[] {
  return [r.format, r.compression, String(r.batchSize), ...(r.bandwidth !== undefined || r.rttMs !== undefined ? [`${r.bandwidth ?? '∞'}${r.rttMs ? ` +${r.rttMs}ms` : ''}`] : [])];
}

function loadText(r: E2eRun): string {
  if (r.mode === 'closed') return `c=${r.concurrency}`;
  return `${sig3(r.targetRate ?? 0)}→${sig3(r.achievedRate)}${r.rateShortfall ? ' !' : ''}`;
}

/** Latency and accounting, one row per run. */
export function latencyTable(runs: readonly E2eRun[]): string {
  const shaped = runs.some((r) => r.bandwidth !== undefined || r.rttMs !== undefined);
  const header = ['format', 'comp', 'batch', ...(shaped ? ['link'] : []), 'req/search', 'searches/s', 'searches', 'p50', 'p90', 'p99', 'p99.9', 'max', 'req p50', 'req p99', 'timeouts', 'errors', 'dropped'];
  const align: Align[] = header.map((_, i) => (i < 2 || (shaped && i === 3) ? 'left' : 'right'));
  const rows = runs.map((r) => {
    const s = r.latency.search;
    const q = r.latency.request;
    const errors = Object.values(r.requests.errors).reduce((a, b) => a + b, 0);
    return [
      ...runLabel(r),
      String(Math.ceil(r.requests.intended / Math.max(1, r.searches.intended)) || '—'),
      r.endReason === 'error' ? 'not run' : loadText(r),
      `${r.searches.completed}/${r.searches.intended}`,
      ms(s.p50Ms, s.count),
      ms(s.p90Ms, s.count),
      ms(s.p99Ms, s.count),
      ms(s.p999Ms, s.count),
      ms(s.maxMs, s.count),
      ms(q.p50Ms, q.count),
      ms(q.p99Ms, q.count),
      String(r.requests.clientTimeouts),
      String(errors),
      String(r.requests.dropped),
    ];
  });
  return renderText({ header, align, rows });
}

/** Median per-request breakdown and CPU cost, one row per run. */
export function costTable(runs: readonly E2eRun[]): string {
  const shaped = runs.some((r) => r.bandwidth !== undefined || r.rttMs !== undefined);
  const monthly = runs.some((r) => r.cost.monthlyUsd !== undefined);
  const header = ['format', 'comp', 'batch', ...(shaped ? ['link'] : []), 'encode', 'wire+queue', 'srv decode', 'srv compute', 'resp decode', 'client CPU', 'server CPU', 'cores/1k/s', ...(monthly ? ['$/month'] : [])];
  const align: Align[] = header.map((_, i) => (i < 2 || (shaped && i === 3) ? 'left' : 'right'));
  const rows = runs.map((r) => {
    const b = r.breakdown;
    const none = r.requests.ok === 0;
    const cell = (v: number): string => (none ? '—' : sig3(v));
    return [
      ...runLabel(r),
      cell(b.clientEncodeMs),
      cell(b.wireQueueMs),
      cell(b.serverDecodeMs),
      cell(b.serverComputeMs),
      cell(b.clientDecodeMs),
      r.endReason === 'error' ? '—' : sig3(r.cost.clientCpuMsPerSearch),
      r.endReason === 'error' ? '—' : sig3(r.cost.serverCpuMsPerSearch),
      r.endReason === 'error' ? '—' : sig3(r.cost.coresPer1kSearchesPerSec),
      ...(monthly ? [r.cost.monthlyUsd === undefined ? '—' : Math.round(r.cost.monthlyUsd).toLocaleString('en-US')] : []),
    ];
  });
  return renderText({ header, align, rows });
}

/** Both tables with titles and notes, and the warnings. */
export function renderE2eTables(runs: readonly E2eRun[]): string {
  if (runs.length === 0) return 'e2e: no runs\n';
  const first = runs[0]!;
  const load = first.mode === 'closed' ? `closed loop, ${first.concurrency} searches in flight` : `open loop, ${first.arrival} arrivals`;
  const out = [
    `Search latency, ms (${load}; from each search's intended start; searches/s = target→achieved, ! = more than 1% short)`,
    latencyTable(runs),
    '',
    'Where a request\'s time goes (median ms per request) and CPU per search (ms; cores/1k/s = cores for 1,000 searches/s)',
    costTable(runs),
  ];
  const warnings = runs.flatMap((r) => r.warnings.map((w) => `  ${runLabel(r).join(' ')}: ${w}`));
  if (warnings.length > 0) out.push('', 'Warnings:', ...warnings);
  return `${out.join('\n')}\n`;
}
