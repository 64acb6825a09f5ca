// The cells of each results table as strings, shared by the console and Markdown renderers
// so both always show the same numbers. Pure.
import { formatBytes, formatMs, formatPct, formatRatio, groupThousands, sig3 } from '../common/units.js';
import type { CodecMatrix, ScenarioTables, SweepTable } from './table-model.js';
import type { Align, Grid } from '../common/text-table.js';

/** Format rows: bytes, ratio vs smallest, encode, decode, CPU, x floor, spread. */
export function formatGrid(t: ScenarioTables): Grid {
  const showSpread = t.rows.some((r) => r.spreadPct !== undefined);
  const header = [
    'format',
    'raw',
    'x min',
    'best wire',
    'codec',
    'x min',
    'encode ms',
    'decode ms',
    'enc+dec ms',
    'x floor',
  ];
  if (showSpread) header.push('spread');
  const rows = t.rows.map((r) => {
    const cells = [
      r.format,
      r.rawBytes === undefined ? '—' : formatBytes(r.rawBytes),
      formatRatio(r.rawRatio),
      r.bestBytes === undefined ? '—' : formatBytes(r.bestBytes),
      r.bestCodec ?? '—',
      formatRatio(r.bestRatio),
      formatMs(r.encodeMs),
      formatMs(r.decodeMs),
      formatMs(r.cpuMs),
      formatRatio(r.xFloor),
    ];
    if (showSpread) cells.push(formatPct(r.spreadPct));
    return cells;
  });
  const align = header.map((_, i): Align => (i === 0 || i === 4 ? 'left' : 'right'));
  return { header, align, rows };
}

/** Format x codec matrix; `bytes` renders sizes, else milliseconds. */
export function codecGrid(m: CodecMatrix, kind: 'bytes' | 'ms'): Grid {
  return {
    header: ['format', ...m.codecs],
    align: ['left', ...m.codecs.map(() => 'right' as const)],
    rows: m.rows.map((r) => [
      r.format,
      ...r.cells.map((c) => (c === undefined ? '—' : kind === 'bytes' ? formatBytes(c) : formatMs(c))),
    ]),
  };
}

/** Format x sweep value, µs of total CPU per unit. */
export function sweepGrid(t: SweepTable): Grid {
  return {
    header: ['format', ...t.values.map((v) => groupThousands(v))],
    align: ['left', ...t.values.map(() => 'right' as const)],
    rows: t.rows.map((r) => [r.format, ...r.cells.map((c) => (c === undefined ? '—' : sig3(c)))]),
  };
}

/** `1,000 candidates x 300 features (30 context), seed 1`. */
export function scenarioLine(t: ScenarioTables): string {
  const i = t.info;
  return `${groupThousands(i.candidates)} candidates x ${groupThousands(i.features)} features (${groupThousands(i.contextFeatures)} context), seed ${i.seed}`;
}
