// results/results.csv: one row per measurement (every micro record, then every sweep point),
// with the sizes joined in, for spreadsheets and pandas. A pure function of the results.
import type { Results } from '../results/index.js';

export const CSV_COLUMNS = [
  'kind',
  'scenario',
  'dimension',
  'value',
  'format',
  'codec',
  'op',
  'bytes',
  'raw_bytes',
  'compressed_bytes',
  'median_ms',
  'mean_ms',
  'p99_ms',
  'min_ms',
  'max_ms',
  'rme_pct',
  'samples',
  'rounds',
  'round_medians_ms',
  'x_floor',
  'per_unit_us',
] as const;

type Row = Partial<Record<(typeof CSV_COLUMNS)[number], string | number>>;

export function renderCsv(results: Results): string {
  const rows: Row[] = [];
  for (const m of results.micro) {
    // encode/decode/floor are recorded under `identity`; their sizes are the raw bytes.
    const size = results.sizes.find((s) => s.scenario === m.scenario && s.format === m.format && s.codec === m.codec);
    const raw = size?.rawBytes ?? results.sizes.find((s) => s.scenario === m.scenario && s.format === m.format)?.rawBytes;
    rows.push({
      kind: 'micro',
      scenario: m.scenario,
      format: m.format,
      codec: m.codec,
      op: m.op,
      bytes: m.bytes,
      ...(raw !== undefined ? { raw_bytes: raw } : {}),
      ...(size ? { compressed_bytes: size.compressedBytes } : {}),
      median_ms: m.stats.medianMs,
      mean_ms: m.stats.meanMs,
      p99_ms: m.stats.p99Ms,
      min_ms: m.stats.minMs,
      max_ms: m.stats.maxMs,
      rme_pct: m.stats.rmePct,
      samples: m.stats.samples,
      rounds: m.stats.roundMediansMs.length,
      round_medians_ms: m.stats.roundMediansMs.join(' '),
      x_floor: m.xFloor,
    });
  }
  for (const s of results.sweeps ?? []) {
    const base = { kind: 'sweep', scenario: s.scenario, dimension: s.dimension, value: s.value, format: s.format, codec: s.codec, raw_bytes: s.rawBytes, compressed_bytes: s.compressedBytes };
    rows.push({ ...base, op: 'encode', median_ms: s.encodeMs });
    rows.push({ ...base, op: 'decode', median_ms: s.decodeMs });
    rows.push({ ...base, op: 'total', median_ms: s.totalMs, per_unit_us: s.perUnitUs });
  }
  const lines = [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))];
  return `${lines.join('\n')}\n`;
}

function cell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
