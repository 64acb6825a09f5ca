// Console tables of an end-to-end pass (ghz-style printer: runs in, text out; pure). The
// harness floor; latency, budget and accounting per run (percentiles over every search, only
// where the sample supports them, else `n/a (n=…)`); then where the median request's time
// goes and what a search costs. Warnings are listed under them, one line each, prefixed with
// the run they belong to.
import { sig3 } from '../common/units.js';
import { renderText, type Align } from '../common/text-table.js';
import { percentileOf, type E2eRun, type HarnessFloor, type LatencySummary } from '../results/index.js';

/** Percentile `p` of `l`: the value (with its 95 % interval when `ci`), `n/a (n=…)` when unsupported, `—` when empty. */
export function percentileCell(l: LatencySummary, p: number, ci = false): string {
  if (l.count === 0) return '—';
  const e = percentileOf(l, p);
  if (!e) return `n/a (n=${l.count})`;
  const capped = l.capped > 0 && e.ms >= l.maxMs ? '≥' : '';
  if (!ci) return `${capped}${sig3(e.ms)}`;
  return `${capped}${sig3(e.ms)} [${e.lowMs === null ? '–' : sig3(e.lowMs)}, ${e.highMs === null ? '–' : sig3(e.highMs)}]`;
}

/** ` (w2, batching)`: the stub set-up, when it was not the default (--workers, batching, --sweep). */
function stubTag(r: E2eRun): string {
  const s = r.server;
  if (!s || (s.workers === null && s.batching === null)) return '';
  const parts = [...(s.workers !== null ? [`w${s.workers}`] : []), s.batching !== null ? 'batching' : 'no batching'];
  return ` (${parts.join(', ')})`;
}

function runLabel(r: E2eRun): string[] {
  return [
    r.format + stubTag(r),
    r.compression,
    String(r.batchSize),
    ...(r.bandwidth !== undefined || r.rttMs !== undefined
      ? [`${r.bandwidth ?? '∞'}${r.rttMs ? ` +${r.rttMs}ms` : ''}`]
      : []),
  ];
}

function loadText(r: E2eRun): string {
  if (r.mode === 'closed') return `c=${r.concurrency}`;
  return `${sig3(r.targetRate ?? 0)}→${sig3(r.achievedRate)}${r.saturated ? ' !' : ''}`;
}

/** `97 %` of searches within budget, over every search due. */
function withinBudget(r: E2eRun): string {
  const n = r.searches.intended;
  if (n === 0) return '—';
  return `${r.searches.withinBudget}/${n}`;
}

/** Latency and accounting, one row per run. */
export function latencyTable(runs: readonly E2eRun[]): string {
  const shaped = runs.some((r) => r.bandwidth !== undefined || r.rttMs !== undefined);
  const header = [
    'format',
    'comp',
    'batch',
    ...(shaped ? ['link'] : []),
    'req/search',
    'searches/s',
    'searches',
    'in budget',
    'p50 [95% CI]',
    'p90',
    'p99',
    'p99.9',
    'max',
    'req p50',
    'capped',
    'errors',
    'dropped',
  ];
  const align: Align[] = header.map((_, i) => (i < 2 || (shaped && i === 3) ? 'left' : 'right'));
  const rows = runs.map((r) => {
    const s = r.latency.search;
    const errors = Object.values(r.requests.errors).reduce((a, b) => a + b, 0);
    return [
      ...runLabel(r),
      String(Math.ceil(r.requests.intended / Math.max(1, r.searches.intended)) || '—'),
      r.endReason === 'error' ? 'not run' : loadText(r),
      `${r.searches.completed}/${r.searches.intended}`,
      withinBudget(r),
      percentileCell(s, 50, true),
      percentileCell(s, 90),
      percentileCell(s, 99),
      percentileCell(s, 99.9),
      s.count === 0 ? '—' : `${s.capped > 0 ? '≥' : ''}${sig3(s.maxMs)}`,
      percentileCell(r.latency.request, 50),
      String(r.searches.capped),
      String(errors),
      String(r.searches.dropped),
    ];
  });
  return renderText({ header, align, rows });
}

/** The median request's stages and CPU cost, one row per run. */
export function costTable(runs: readonly E2eRun[]): string {
  const shaped = runs.some((r) => r.bandwidth !== undefined || r.rttMs !== undefined);
  const monthly = runs.some((r) => r.cost.monthlyUsd !== undefined);
  const injected = runs.some((r) => (r.breakdown?.serverInjectedMs ?? 0) > 0);
  const header = [
    'format',
    'comp',
    'batch',
    ...(shaped ? ['link'] : []),
    'request',
    'encode',
    'compress',
    'receive',
    'decompress',
    'queue',
    'decode',
    'compute',
    ...(injected ? ['injected'] : []),
    'resp decode',
    'unattributed',
    'covered',
    'client CPU',
    'server CPU',
    'cores/1k/s',
    ...(monthly ? ['$/month'] : []),
  ];
  const align: Align[] = header.map((_, i) => (i < 2 || (shaped && i === 3) ? 'left' : 'right'));
  const rows = runs.map((r) => {
    const b = r.breakdown;
    const cell = (v: number | undefined): string => (b === null || v === undefined ? '—' : sig3(v));
    const notRun = r.endReason === 'error';
    return [
      ...runLabel(r),
      cell(b?.latencyMs),
      cell(b?.clientEncodeMs),
      cell(b?.clientCompressMs),
      cell(b?.serverReceiveMs),
      cell(b?.serverDecompressMs),
      cell(b?.serverQueueMs),
      cell(b?.serverDecodeMs),
      cell(b?.serverComputeMs),
      ...(injected ? [cell(b?.serverInjectedMs)] : []),
      cell(b?.clientDecodeMs),
      cell(b?.unattributedMs),
      b === null ? '—' : `${Math.round(b.attributedShare * 100)}%`,
      notRun ? '—' : sig3(r.cost.clientCpuMsPerSearch),
      notRun ? '—' : sig3(r.cost.serverCpuMsPerSearch),
      notRun ? '—' : sig3(r.cost.coresPer1kSearchesPerSec),
      ...(monthly
        ? [r.cost.monthlyUsd === undefined ? '—' : Math.round(r.cost.monthlyUsd).toLocaleString('en-US')]
        : []),
    ];
  });
  return renderText({ header, align, rows });
}

/** The harness floor, one row per transport. */
export function floorTable(floors: readonly HarnessFloor[]): string {
  const header = [
    'transport',
    'call',
    'calls',
    'p50 [95% CI]',
    'p99 [95% CI]',
    'p50 after idle',
    'client CPU',
    'server CPU',
  ];
  const align: Align[] = header.map((_, i) => (i < 2 ? 'left' : 'right'));
  const rows = floors.map((f) => [
    f.transport,
    f.call,
    String(f.calls),
    percentileCell(f.latency, 50, true),
    percentileCell(f.latency, 99, true),
    percentileCell(f.idle.latency, 50, true),
    sig3(f.clientCpuMsPerCall),
    f.serverCpuMsPerCall === null ? 'unknown' : sig3(f.serverCpuMsPerCall),
  ]);
  return renderText({ header, align, rows });
}

/** Every table with titles and notes, and the warnings. */
export function renderE2eTables(runs: readonly E2eRun[], floors: readonly HarnessFloor[] = []): string {
  if (runs.length === 0) return 'e2e: no runs\n';
  const first = runs[0]!;
  const load =
    first.mode === 'closed'
      ? `closed loop, ${first.concurrency} searches in flight`
      : `open loop, ${first.arrival} arrivals`;
  const budget = `budget ${first.budgetMs} ms, hard cap ${first.hardCapMs} ms`;
  const out: string[] = [];
  if (floors.length > 0) {
    out.push(
      `Harness floor: a no-op call through the same client, transport and server, back to back and each after ${floors[0]!.idle.gapMs} ms idle (ms per call; differences below it cannot be read)`,
      floorTable(floors),
      '',
    );
  }
  out.push(
    `Search latency, ms (${load}; from each search's intended start, over every search: none is censored; ${budget}; searches/s = target→achieved, ! = saturated; [95% CI])`,
    latencyTable(runs),
    '',
    "Where the median request's time goes (ms; mean of the requests between p45 and p55 of their own latency) and CPU per search (ms; cores/1k/s = cores for 1,000 searches/s)",
    costTable(runs),
  );
  const warnings = runs.flatMap((r) => r.warnings.map((w) => `  ${runLabel(r).join(' ')}: ${w}`));
  if (warnings.length > 0) out.push('', 'Warnings:', ...warnings);
  return `${out.join('\n')}\n`;
}
