// The "ours vs peers" table and finding (bench --peers): per format and op, ours' median and
// each peer's on the same bytes in the same child processes, with ours ÷ peer ratios
// (below 1: ours is faster). Decode also shows the fresh-allocation copy of the same bytes.
import { INTERLEAVED_WORK, type PeerRecord, type Results } from '../results/index.js';
import { intervalText } from './micro-stats.js';
import { num, sig3, times } from './number-format.js';
import { orderFormats } from './palette.js';
import type { Table } from './types.js';

/** Ours re-encoding a message decoded beforehand (bench/peers/measure-peers.ts): like for like with the peers' encode. */
export const PREBUILT = 'ours-prebuilt';
const NOT_PEERS = new Set(['ours', 'copy', PREBUILT]);

const L = 'left' as const;
const R = 'right' as const;

/** Peer implementations in a fixed order (those present). */
export function peerImpls(records: readonly PeerRecord[]): string[] {
  const order = ['protobufjs', 'protobuf-es', 'JSON', 'msgpackr'];
  const present = new Set(records.map((p) => p.impl));
  return [
    ...order.filter((x) => present.has(x)),
    ...[...present].filter((x) => !order.includes(x) && !NOT_PEERS.has(x)).sort(),
  ];
}

export function peerRecords(r: Results, scenario: string): PeerRecord[] {
  return (r.peers?.records ?? []).filter((p) => p.scenario === scenario);
}

/** ours ÷ the fastest peer (not the copy reference) for one format and op, or undefined. */
export function oursVsFastest(
  records: readonly PeerRecord[],
  format: string,
  op: 'encode' | 'decode',
): { ratio: number; peer: PeerRecord } | undefined {
  const ours = records.find((p) => p.format === format && p.op === op && p.impl === 'ours');
  const peers = records.filter((p) => p.format === format && p.op === op && !NOT_PEERS.has(p.impl));
  if (!ours || peers.length === 0) return undefined;
  const fastest = [...peers].sort((a, b) => a.stats.medianMs - b.stats.medianMs)[0]!;
  return { ratio: ours.stats.medianMs / fastest.stats.medianMs, peer: fastest };
}

/** Ours encoding a prebuilt message ÷ the fastest peer encoding one (like for like), or undefined. */
export function prebuiltVsFastest(
  records: readonly PeerRecord[],
  format: string,
): { ratio: number; prebuilt: PeerRecord; peer: PeerRecord } | undefined {
  const prebuilt = records.find((p) => p.format === format && p.op === 'encode' && p.impl === PREBUILT);
  const best = oursVsFastest(records, format, 'encode');
  if (!prebuilt || !best || best.peer.stats.medianMs <= 0) return undefined;
  return { ratio: prebuilt.stats.medianMs / best.peer.stats.medianMs, prebuilt, peer: best.peer };
}

export function peersTable(r: Results, scenario: string): Table | undefined {
  const records = peerRecords(r, scenario);
  if (records.length === 0) return undefined;
  const impls = peerImpls(records);
  const formats = orderFormats([...new Set(records.map((p) => p.format))]);
  const hasPrebuilt = records.some((p) => p.impl === PREBUILT);
  const rows: string[][] = [];
  for (const op of ['decode', 'encode'] as const) {
    for (const f of formats) {
      const ours = records.find((p) => p.format === f && p.op === op && p.impl === 'ours');
      if (!ours) continue;
      const cell = (impl: string): string => {
        const p = records.find((x) => x.format === f && x.op === op && x.impl === impl);
        return p ? `${sig3(p.stats.medianMs)} (${sig3(p.oursRatio)})` : '–';
      };
      const best = oursVsFastest(records, f, op);
      const pre = op === 'encode' ? prebuiltVsFastest(records, f) : undefined;
      rows.push([
        `\`${f}\``,
        op,
        `${sig3(ours.stats.medianMs)} ${intervalText(ours.stats)}`,
        ...impls.map(cell),
        op === 'decode' ? cell('copy') : '–',
        best ? `**${sig3(best.ratio)}** (${best.peer.impl})` : '–',
        ...(hasPrebuilt ? [pre ? `${sig3(pre.prebuilt.stats.medianMs)} (**${sig3(pre.ratio)}**)` : '–'] : []),
      ]);
    }
  }
  const works = [...new Map(records.filter((p) => p.impl !== 'ours').map((p) => [`${p.impl} ${p.op}`, p])).values()]
    .map((p) => `${p.impl === PREBUILT ? 'ours on a prebuilt message' : p.impl} ${p.op}: ${p.work}`)
    .slice(0, 14);
  const align = (r.peers?.alignment ?? []).filter((a) => a.scenario === scenario && a.tensors > 0);
  const alignText = align.length
    ? ` tensor_content fields that can be viewed in place (aligned from the message start): ${align.map((a) => `${a.format} ${num(a.aligned)} of ${num(a.tensors)}`).join(', ')}.`
    : '';
  return {
    title: 'Ours vs peer libraries on the same bytes (ms, median; ours ÷ peer in parentheses)',
    columns: [
      { label: 'format', align: L },
      { label: 'op', align: L },
      { label: 'ours', align: R },
      ...impls.map((i) => ({ label: i, align: R })),
      { label: 'copy of the bytes', align: R },
      { label: 'ours ÷ fastest peer', align: R },
      ...(hasPrebuilt ? [{ label: 'ours on a prebuilt message (÷ fastest peer)', align: R }] : []),
    ],
    rows,
    note:
      `Same encoded bytes, same child processes, ${howTimed(records)}; below 1 ours is faster. ` +
      'ours = Format.decode / Format.encode (decode also checks the ' +
      'signature and assembles the canonical batch; encode starts from the request columns, the peers from a finished message' +
      `${hasPrebuilt ? ', so the last column times our wire encoder on a finished message too, like for like' : ''}). ` +
      `${works.join('. ')}.${alignText}`,
  };
}

/** How ours and the peers were timed: interleaved (current runs) or one after the other (older results files). */
export function howTimed(records: readonly PeerRecord[]): string {
  return records.some((p) => p.impl === 'ours' && p.work.includes(INTERLEAVED_WORK))
    ? 'ours and every peer timed in alternating blocks (so ours can differ from the CPU table, where each op is timed alone)'
    : "each timed alone, one after the other (ours is the CPU table's figure)";
}

/** One sentence for the findings, or undefined without peers. */
export function peersFinding(r: Results, scenario: string): string | undefined {
  const records = peerRecords(r, scenario);
  if (records.length === 0) return undefined;
  const cmp: { format: string; op: string; ratio: number; peer: string; work: string }[] = [];
  for (const f of [...new Set(records.map((p) => p.format))]) {
    for (const op of ['decode', 'encode'] as const) {
      const b = oursVsFastest(records, f, op);
      if (b) cmp.push({ format: f, op, ratio: b.ratio, peer: b.peer.impl, work: b.peer.work });
    }
  }
  if (cmp.length === 0) return undefined;
  const pre = [...new Set(records.map((p) => p.format))]
    .map((f) => prebuiltVsFastest(records, f))
    .filter((x) => x !== undefined);
  const preText = pre.length
    ? ` Encoding a finished message, as the peers do, ours is faster than the fastest peer for ${pre.filter((x) => x.ratio < 1).length} of ${pre.length} formats` +
      ` (ratios ${pre.map((x) => `\`${x.prebuilt.format}\` ${sig3(x.ratio)}`).join(', ')}).`
    : '';
  const faster = cmp.filter((c) => c.ratio < 1).length;
  const worst = [...cmp].sort((a, b) => b.ratio - a.ratio)[0]!;
  const best = [...cmp].sort((a, b) => a.ratio - b.ratio)[0]!;
  // A peer slower to lose against is named with what it leaves out (its work text says).
  const skips = (c: (typeof cmp)[number]) => {
    const less = c.work.split('less than ours: ')[1];
    return less ? ` (which does less: ${less})` : '';
  };
  const phrase = (c: (typeof cmp)[number]) =>
    c.ratio < 1 ? `${times(1 / c.ratio)} faster than ${c.peer}` : `${times(c.ratio)} the time of ${c.peer}${skips(c)}`;
  return (
    `Against peer libraries on the same bytes, ours is faster than the fastest peer in ${faster} of ${cmp.length} format × op comparisons; ` +
    `best: \`${best.format}\` ${best.op} ${phrase(best)}; worst: \`${worst.format}\` ${worst.op} ${phrase(worst)}.${preText}`
  );
}
