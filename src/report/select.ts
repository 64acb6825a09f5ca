// Read-only selections over a Results object that several renderers share: the scenario
// to chart, lookups by (format, codec, op), and which end-to-end runs are comparable.
import type { E2eRun, MicroOp, MicroRecord, Results, ScenarioInfo, SizeRecord, SweepRecord } from '../results/index.js';
import { orderCodecs, orderFormats } from './palette.js';

/** The scenario the charts show: the first one the run lists. */
export function primaryScenario(r: Results): string | undefined {
  return r.scenarios[0]?.name ?? r.sizes[0]?.scenario ?? r.micro[0]?.scenario ?? r.e2e?.[0]?.scenario;
}

export function scenarioInfo(r: Results, name: string): ScenarioInfo | undefined {
  return r.scenarios.find((s) => s.name === name);
}

/** Every scenario that has data, in the order the run lists them. */
export function scenarioNames(r: Results): string[] {
  const names = new Set(r.scenarios.map((s) => s.name));
  for (const rec of [...r.sizes, ...r.micro, ...(r.sweeps ?? []), ...(r.e2e ?? [])]) names.add(rec.scenario);
  return [...names];
}

/** Formats with size or micro records in `scenario`, in report order. */
export function formatsOf(r: Results, scenario: string): string[] {
  return orderFormats([...r.sizes, ...r.micro].filter((x) => x.scenario === scenario).map((x) => x.format));
}

/** Codec labels with size records in `scenario`: identity first. */
export function codecsOf(r: Results, scenario: string): string[] {
  return orderCodecs(r.sizes.filter((x) => x.scenario === scenario).map((x) => x.codec));
}

export function sizeOf(r: Results, scenario: string, format: string, codec: string): SizeRecord | undefined {
  return r.sizes.find((s) => s.scenario === scenario && s.format === format && s.codec === codec);
}

/** Raw (uncompressed) bytes of a format: from any of its size records. */
export function rawBytesOf(r: Results, scenario: string, format: string): number | undefined {
  return r.sizes.find((s) => s.scenario === scenario && s.format === format)?.rawBytes;
}

export function microOf(
  r: Results,
  scenario: string,
  format: string,
  op: MicroOp,
  codec = 'identity',
): MicroRecord | undefined {
  return r.micro.find((m) => m.scenario === scenario && m.format === format && m.op === op && m.codec === codec);
}

function mostCommon<T>(values: T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  let bestN = 0;
  for (const [v, n] of counts) {
    if (n > bestN) {
      best = v;
      bestN = n;
    }
  }
  return best;
}

/** How the load was driven, e.g. `closed loop, concurrency 4` or `open loop, 50/s poisson`. */
export function loadLabel(run: E2eRun): string {
  if (run.mode === 'closed') return `closed loop, concurrency ${run.concurrency ?? '?'}`;
  return `open loop, ${run.targetRate ?? '?'}/s ${run.arrival ?? ''}`.trim();
}

/** Short load label for names: `c4` (closed loop, concurrency 4) or `50rps-poisson`. */
export function loadShort(run: E2eRun): string {
  if (run.mode === 'closed') return `c${run.concurrency ?? '?'}`;
  return `${run.targetRate ?? '?'}rps${run.arrival ? `-${run.arrival}` : ''}`;
}

/** Makes names unique by appending ` #2`, ` #3`, ... to repeats (e.g. a repeated run). */
export function uniqueNames(): (name: string) => string {
  const seen = new Map<string, number>();
  return (name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} #${n}`;
  };
}

/** The offered load exactly: runs compare only when it is equal. */
export function loadKey(run: E2eRun): string {
  return run.mode === 'closed'
    ? `closed|${run.concurrency ?? ''}`
    : `open|${run.arrival ?? ''}|${run.targetRate ?? ''}`;
}

/** The load of a set of runs in words: one load when they share it, else each one. */
export function loadLabelOf(runs: readonly E2eRun[]): string {
  const first = runs[0];
  if (!first) return '';
  if (runs.every((x) => loadKey(x) === loadKey(first))) {
    const common = first.commonRate
      ? ` (common rate: ${Math.round(first.commonRate.fraction * 100)} % of ${first.commonRate.from}'s one-at-a-time rate)`
      : '';
    return `${loadLabel(first)}${common}`;
  }
  const rates = runs.map((x) => x.targetRate ?? 0);
  return `open loop at different rates (${Number(Math.min(...rates).toPrecision(3))}-${Number(Math.max(...rates).toPrecision(3))}/s)`;
}

/** Runs of `scenario` on the unshaped link (else the link with the most runs; ties: the fastest). */
function baseRuns(r: Results, scenario: string): E2eRun[] {
  const runs = (r.e2e ?? []).filter((x) => x.scenario === scenario);
  const unshaped = runs.filter((x) => x.bandwidth === undefined);
  if (unshaped.length > 0) return unshaped;
  const link = [...new Set(runs.map((x) => x.bandwidth))]
    .map((b) => ({ b, n: runs.filter((x) => x.bandwidth === b).length, mbps: parseBandwidthMbps(b ?? '') ?? 0 }))
    .sort((a, b) => b.n - a.n || b.mbps - a.mbps)[0]?.b;
  return runs.filter((x) => x.bandwidth === link);
}

function preferredCompression(runs: E2eRun[]): string | undefined {
  if (runs.some((x) => x.compression === 'identity')) return 'identity';
  return mostCommon(runs.map((x) => x.compression));
}

/** One end-to-end run per format under the same conditions (same offered load), and those conditions in words. */
export interface E2eSlice {
  runs: E2eRun[];
  batchSize: number;
  compression: string;
  /** e.g. `batch 1000, identity, open loop, 48/s constant, unshaped link`. */
  conditions: string;
  /** Runs of the same batch size and compression measured at another load: not comparable, named. */
  otherLoad: E2eRun[];
}

/**
 * The headline comparison: unshaped link, identity compression (else the most common), the
 * batch size that covers the most formats (ties: the larger batch, i.e. fewer requests per
 * search), and the offered load most of its runs share.
 */
export function headlineE2e(r: Results, scenario: string): E2eSlice | undefined {
  const base = baseRuns(r, scenario);
  const compression = preferredCompression(base);
  if (compression === undefined) return undefined;
  const pool = base.filter((x) => x.compression === compression);
  const formatsPerBatch = new Map<number, Set<string>>();
  for (const run of pool) {
    const set = formatsPerBatch.get(run.batchSize) ?? new Set<string>();
    set.add(run.format);
    formatsPerBatch.set(run.batchSize, set);
  }
  const batchSize = [...formatsPerBatch.entries()].sort((a, b) => b[1].size - a[1].size || b[0] - a[0])[0]![0];
  const atBatch = pool.filter((x) => x.batchSize === batchSize);
  const load = mostCommon(atBatch.filter((x) => x.endReason !== 'error').map(loadKey)) ?? loadKey(atBatch[0]!);
  const byFormat = new Map<string, E2eRun>();
  // Cells that could not be measured belong to every load: they are named with the rest.
  for (const run of atBatch)
    if ((loadKey(run) === load || run.endReason === 'error') && !byFormat.has(run.format))
      byFormat.set(run.format, run);
  const runs = orderFormats(byFormat.keys()).map((f) => byFormat.get(f)!);
  const otherLoad = atBatch.filter((x) => !runs.includes(x));
  const measured = runs.filter((x) => x.endReason !== 'error');
  const shaped = runs[0]!.bandwidth === undefined ? 'unshaped link' : `link ${runs[0]!.bandwidth}`;
  return {
    runs,
    batchSize,
    compression,
    otherLoad,
    conditions: `batch ${batchSize}, ${compression}, ${loadLabelOf(measured.length ? measured : runs)}, ${shaped}`,
  };
}

/** Runs for the batch-size sweep: as the headline slice, but every batch size (their loads may differ). */
export function batchSweepRuns(
  r: Results,
  scenario: string,
): { runs: E2eRun[]; compression: string; conditions: string } | undefined {
  const base = baseRuns(r, scenario);
  const compression = preferredCompression(base);
  if (compression === undefined) return undefined;
  const runs = base.filter((x) => x.compression === compression && x.endReason !== 'error');
  if (runs.length === 0) return undefined;
  const shaped = runs[0]!.bandwidth === undefined ? 'unshaped link' : `link ${runs[0]!.bandwidth}`;
  return { runs, compression, conditions: `${compression}, ${loadLabelOf(runs)}, ${shaped}` };
}

/** Fewest searches for a cell to be ranked at all (its median's 95 % interval spans about the middle 40 %). */
export const MIN_RANKED_SEARCHES = 30;

/**
 * Why a cell cannot be ranked against others, each reason in words; empty when it can:
 * measured, nothing failed, capped or dropped, not saturated, and enough searches.
 */
export function unrankable(run: E2eRun): string[] {
  if (run.endReason === 'error') return [run.warnings.find((w) => w.startsWith('not measured')) ?? 'not measured'];
  const s = run.searches;
  const why: string[] = [];
  const errors = Object.entries(run.requests.errors);
  if (s.completed === 0)
    why.push(
      `nothing completed: ${s.intended - s.dropped} searches started, none answered in full within the ${duration(run.hardCapMs)} hard cap`,
    );
  if (s.failed > 0)
    why.push(`${s.failed} of ${s.intended} searches failed (${errors.map(([k, v]) => `${k} x${v}`).join(', ')})`);
  if (s.capped > 0 && s.completed > 0)
    why.push(`${s.capped} of ${s.intended} searches reached the ${duration(run.hardCapMs)} hard cap`);
  if (s.dropped > 0) why.push(`${s.dropped} of ${s.intended} searches dropped by the load generator`);
  if (run.saturated) {
    const keptUp = run.targetRate !== undefined && run.achievedRate >= 0.9 * run.targetRate;
    why.push(
      keptUp
        ? `saturated: at ${run.targetRate}/s offered its latency kept growing through the run`
        : `saturated: ${run.targetRate}/s offered, ${run.achievedRate}/s answered`,
    );
  }
  if (s.completed > 0 && run.latency.search.count < MIN_RANKED_SEARCHES)
    why.push(`only ${run.latency.search.count} searches (ranking needs ${MIN_RANKED_SEARCHES})`);
  if (run.endReason === 'interrupted') why.push('interrupted');
  return why;
}

/** `250 ms`, `2.5 s`. */
function duration(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toPrecision(3))} s` : `${Number(ms.toPrecision(3))} ms`;
}

/**
 * A cell in words, for the ones that are named rather than ranked: what share met the budget,
 * the median over every search (a lower bound when some hit the cap), and what went wrong,
 * e.g. "0 of 19 searches within 250 ms; median 380 ms; saturated: 48/s offered, 5.1/s answered".
 */
export function describeCell(run: E2eRun): string {
  if (run.endReason === 'error') return unrankable(run)[0]!;
  const s = run.searches;
  const l = run.latency.search;
  const parts = [`${s.withinBudget} of ${s.intended} searches within ${duration(run.budgetMs)}`];
  if (s.completed === 0) {
    const req = run.latency.request;
    const answered = req.answered ?? req.count - req.capped;
    parts.push(
      `nothing completed: ${s.intended - s.dropped} started, 0 completed, ${s.capped} cut at the ${duration(run.hardCapMs)} hard cap` +
        (req.count > 0
          ? `; ${answered} of their ${req.count} requests answered${req.answeredMedianMs != null ? `, median ${duration(req.answeredMedianMs)}` : ''}`
          : ''),
    );
  } else {
    const p50 = l.percentiles.find((p) => p.p === 50);
    const median = p50 ? p50.ms : l.maxMs;
    const atCap = l.capped > 0 && median >= run.hardCapMs;
    parts.push(`median ${atCap ? '≥ ' : ''}${duration(median)}`);
    if (atCap && l.answeredMedianMs != null)
      parts.push(`median of the ${l.answered} that finished ${duration(l.answeredMedianMs)}`);
  }
  for (const w of unrankable(run)) if (!w.startsWith('nothing completed')) parts.push(w);
  return parts.join('; ');
}

/**
 * The harness floor of `r`: the p50 round trip of a no-op call, the larger of back to back and
 * after an idle pause, over the transports measured; undefined when none was.
 */
export function harnessFloorMs(r: Results, transports?: readonly ('grpc' | 'rest')[]): number | undefined {
  const floors = (r.harnessFloor ?? []).filter((f) => !transports || transports.includes(f.transport));
  const p50s = floors
    .flatMap((f) => [f.latency, f.idle.latency])
    .map((l) => l.percentiles.find((p) => p.p === 50)?.ms)
    .filter((x): x is number => x !== undefined);
  return p50s.length ? Math.max(...p50s) : undefined;
}

/**
 * A bandwidth label in megabits per second. Accepts tc's spelling (`100mbit`, `1gbit`,
 * `500kbit`; `mbps` is megabytes per second in tc, so it is multiplied by 8) and
 * `100 Mbit/s`, `100 Mb/s`. Undefined when the text is not understood.
 */
export function parseBandwidthMbps(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)\s*(bit|bit\/s|b\/s|bps)\s*$/i.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const scale: Record<string, number> = { '': 1e-6, k: 1e-3, m: 1, g: 1e3, t: 1e6 };
  const bytesPerSec = m[3]!.toLowerCase() === 'bps';
  return value * scale[m[2]!.toLowerCase()]! * (bytesPerSec ? 8 : 1);
}

/** Sweep records of one dimension, for the codec most records use (identity if present). */
export function sweepOf(
  r: Results,
  scenario: string,
  dimension: SweepRecord['dimension'],
): { records: SweepRecord[]; codec: string } | undefined {
  const all = (r.sweeps ?? []).filter((s) => s.scenario === scenario && s.dimension === dimension);
  if (all.length === 0) return undefined;
  const codec = all.some((s) => s.codec === 'identity') ? 'identity' : mostCommon(all.map((s) => s.codec))!;
  return { records: all.filter((s) => s.codec === codec), codec };
}
