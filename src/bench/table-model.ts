// The numbers the console table and the Markdown summary show, computed once from a Results
// object: per scenario, one row per format plus bytes and CPU per codec. Pure.
import type { MicroOp, MicroRecord, Results, ScenarioInfo, Stats } from '../results/index.js';
import { roundSpreadPct, sumOfMedians } from './stats.js';

export interface FormatRow {
  format: string;
  rawBytes?: number;
  /** rawBytes / the smallest rawBytes in the scenario. */
  rawRatio?: number;
  /** Codec giving the fewest bytes on the wire, and those bytes. */
  bestCodec?: string;
  bestBytes?: number;
  /** bestBytes / the smallest bestBytes in the scenario. */
  bestRatio?: number;
  encodeMs?: number;
  decodeMs?: number;
  /** encode + decode medians: the format's own CPU per request, before any codec. */
  cpuMs?: number;
  /** cpuMs / the scenario's floor (warm copy of the logical tensor bytes; the same for every format). */
  xFloor?: number;
  /** Spread of encode + decode across rounds (max - min over median), percent. */
  spreadPct?: number;
}

export interface CodecMatrix {
  codecs: string[];
  rows: { format: string; cells: (number | undefined)[] }[];
}

export interface ScenarioTables {
  info: ScenarioInfo;
  rows: FormatRow[];
  /** Compressed bytes per format x codec. */
  wire: CodecMatrix;
  /** Total CPU (encode + compress + decompress + decode) median ms per format x codec. */
  cpu: CodecMatrix;
}

export interface SweepTable {
  scenario: string;
  dimension: 'candidates' | 'features';
  codec: string;
  values: number[];
  /** Total CPU per unit (µs per candidate or per feature) per format x value. */
  rows: { format: string; cells: (number | undefined)[] }[];
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function minOf(xs: readonly (number | undefined)[]): number | undefined {
  const ok = xs.filter((x): x is number => x !== undefined && x > 0);
  return ok.length ? Math.min(...ok) : undefined;
}

export function scenarioTables(results: Results): ScenarioTables[] {
  return results.scenarios.map((info) => {
    const sizes = results.sizes.filter((s) => s.scenario === info.name);
    const micro = results.micro.filter((m) => m.scenario === info.name);
    const formats = unique([...sizes.map((s) => s.format), ...micro.map((m) => m.format)]);
    const codecs = unique([
      ...sizes.map((s) => s.codec),
      ...micro.filter((m) => m.op === 'compress' || m.op === 'total').map((m) => m.codec),
    ]);
    const stat = (format: string, op: MicroOp, codec = 'identity'): Stats | undefined =>
      micro.find((m: MicroRecord) => m.format === format && m.op === op && m.codec === codec)?.stats;

    const rows: FormatRow[] = formats.map((format) => {
      const own = sizes.filter((s) => s.format === format);
      const best = own.reduce<(typeof own)[number] | undefined>(
        (b, s) => (!b || s.compressedBytes < b.compressedBytes ? s : b),
        undefined,
      );
      const encode = stat(format, 'encode');
      const decode = stat(format, 'decode');
      const floor = stat(format, 'floor');
      const both = encode && decode ? sumOfMedians([encode, decode]) : undefined;
      const row: FormatRow = { format };
      if (own[0]) row.rawBytes = own[0].rawBytes;
      if (best) {
        row.bestCodec = best.codec;
        row.bestBytes = best.compressedBytes;
      }
      if (encode) row.encodeMs = encode.medianMs;
      if (decode) row.decodeMs = decode.medianMs;
      if (both) {
        row.cpuMs = both.medianMs;
        if (floor && floor.medianMs > 0) row.xFloor = both.medianMs / floor.medianMs;
        if (both.roundMediansMs.length > 1) row.spreadPct = roundSpreadPct(both);
      }
      return row;
    });
    const minRaw = minOf(rows.map((r) => r.rawBytes));
    const minBest = minOf(rows.map((r) => r.bestBytes));
    for (const r of rows) {
      if (r.rawBytes !== undefined && minRaw) r.rawRatio = r.rawBytes / minRaw;
      if (r.bestBytes !== undefined && minBest) r.bestRatio = r.bestBytes / minBest;
    }
    const matrix = (cell: (format: string, codec: string) => number | undefined): CodecMatrix => ({
      codecs,
      rows: formats.map((format) => ({ format, cells: codecs.map((c) => cell(format, c)) })),
    });
    return {
      info,
      rows,
      wire: matrix((f, c) => sizes.find((s) => s.format === f && s.codec === c)?.compressedBytes),
      cpu: matrix((f, c) => stat(f, 'total', c)?.medianMs),
    };
  });
}

/** One table per scenario x dimension, for the identity codec when measured (else the first). */
export function sweepTables(results: Results): SweepTable[] {
  const sweeps = results.sweeps ?? [];
  const keys = unique(sweeps.map((s) => `${s.scenario}\u0000${s.dimension}`));
  return keys.map((key) => {
    const [scenario, dimension] = key.split('\u0000') as [string, 'candidates' | 'features'];
    const mine = sweeps.filter((s) => s.scenario === scenario && s.dimension === dimension);
    const codecs = unique(mine.map((s) => s.codec));
    const codec = codecs.includes('identity') ? 'identity' : codecs[0]!;
    const values = unique(mine.map((s) => s.value)).sort((a, b) => a - b);
    const formats = unique(mine.map((s) => s.format));
    return {
      scenario,
      dimension,
      codec,
      values,
      rows: formats.map((format) => ({
        format,
        cells: values.map(
          (v) => mine.find((s) => s.format === format && s.codec === codec && s.value === v)?.perUnitUs,
        ),
      })),
    };
  });
}

/** `3 rounds, >= 5 samples and 100 ms per op and round`, from the recorded config. */
export function describePlan(config: Record<string, unknown>): string | undefined {
  const plan = config.plan as { rounds?: unknown; minSamples?: unknown; timeMs?: unknown } | undefined;
  if (
    !plan ||
    typeof plan.rounds !== 'number' ||
    typeof plan.minSamples !== 'number' ||
    typeof plan.timeMs !== 'number'
  )
    return undefined;
  const rounds = `${plan.rounds} round${plan.rounds === 1 ? '' : 's'} (one child process per format each)`;
  return `${rounds}, at least ${plan.minSamples} samples and ${plan.timeMs} ms per op and round`;
}
