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

export function microOf(r: Results, scenario: string, format: string, op: MicroOp, codec = 'identity'): MicroRecord | undefined {
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

/**
 * Runs compared side by side share a load model. Open-loop rates are left out: with the
 * default `--rate auto` every format x batch runs at its own rate (half what one search at
 * a time reaches), and those runs still belong in one comparison.
 */
function loadKey(run: E2eRun): string {
  return run.mode === 'closed' ? `closed|${run.concurrency ?? ''}` : `open|${run.arrival ?? ''}`;
}

/** The load of a set of runs in words: one rate when they share it, else "per-run rates". */
export function loadLabelOf(runs: readonly E2eRun[]): string {
  const first = runs[0];
  if (!first) return '';
  if (first.mode === 'closed' || runs.every((x) => x.targetRate === first.targetRate)) return loadLabel(first);
  const rates = runs.map((x) => x.targetRate ?? 0);
  return `open loop, ${first.arrival ?? ''} arrivals at per-run rates (${Number(Math.min(...rates).toPrecision(3))}-${Number(Math.max(...rates).toPrecision(3))}/s)`.replace('  ', ' ');
}

/** Runs of `scenario` on the unshaped link with the most common load settings. */
function baseRuns(r: Results, scenario: string): E2eRun[] {
  const runs = (r.e2e ?? []).filter((x) => x.scenario === scenario);
  const unshaped = runs.filter((x) => x.bandwidth === undefined);
  // No unshaped runs: the bandwidth with the most runs (ties: the fastest link).
  const link = unshaped.length > 0 ? undefined : [...new Set(runs.map((x) => x.bandwidth))]
    .map((b) => ({ b, n: runs.filter((x) => x.bandwidth === b).length, mbps: parseBandwidthMbps(b ?? '') ?? 0 }))
    .sort((a, b) => b.n - a.n || b.mbps - a.mbps)[0]?.b;
  const pool = unshaped.length > 0 ? unshaped : runs.filter((x) => x.bandwidth === link);
  const load = mostCommon(pool.map(loadKey));
  return pool.filter((x) => loadKey(x) === load);
}

function preferredCompression(runs: E2eRun[]): string | undefined {
  if (runs.some((x) => x.compression === 'identity')) return 'identity';
  return mostCommon(runs.map((x) => x.compression));
}

/** One end-to-end run per format under the same conditions, and those conditions in words. */
export interface E2eSlice {
  runs: E2eRun[];
  batchSize: number;
  compression: string;
  /** e.g. `batch 1000, identity, closed loop, concurrency 4, unshaped link`. */
  conditions: string;
}

/**
 * The headline comparison: unshaped link, identity compression (else the most common),
 * the most common load settings, and the batch size that covers the most formats (ties:
 * the larger batch, i.e. fewer requests per search).
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
  const byFormat = new Map<string, E2eRun>();
  for (const run of pool) if (run.batchSize === batchSize && !byFormat.has(run.format)) byFormat.set(run.format, run);
  const runs = orderFormats(byFormat.keys()).map((f) => byFormat.get(f)!);
  const shaped = runs[0]!.bandwidth === undefined ? 'unshaped link' : `link ${runs[0]!.bandwidth}`;
  return { runs, batchSize, compression, conditions: `batch ${batchSize}, ${compression}, ${loadLabelOf(runs)}, ${shaped}` };
}

/** Runs for the batch-size sweep: as the headline slice, but every batch size. */
export function batchSweepRuns(r: Results, scenario: string): { runs: E2eRun[]; compression: string; conditions: string } | undefined {
  const base = baseRuns(r, scenario);
  const compression = preferredCompression(base);
  if (compression === undefined) return undefined;
  const runs = base.filter((x) => x.compression === compression);
  const shaped = runs[0]!.bandwidth === undefined ? 'unshaped link' : `link ${runs[0]!.bandwidth}`;
  return { runs, compression, conditions: `${compression}, ${loadLabelOf(runs)}, ${shaped}` };
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
export function sweepOf(r: Results, scenario: string, dimension: SweepRecord['dimension']): { records: SweepRecord[]; codec: string } | undefined {
  const all = (r.sweeps ?? []).filter((s) => s.scenario === scenario && s.dimension === dimension);
  if (all.length === 0) return undefined;
  const codec = all.some((s) => s.codec === 'identity') ? 'identity' : mostCommon(all.map((s) => s.codec))!;
  return { records: all.filter((s) => s.codec === codec), codec };
}
