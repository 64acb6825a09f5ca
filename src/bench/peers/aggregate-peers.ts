// Pools what the children reported for --peers into the results' peers section: per
// scenario x format x op, ours (the same child processes' encode/decode) and each peer,
// each pooled over rounds, with ours' median / the peer's median. Pure.
import type { AlignmentRecord, MicroRecord, PeerRecord, PeersSection, Stats } from '../../results/index.js';
import type { JobResult } from '../aggregate.js';
import { poolRounds, type RoundSample } from '../stats.js';

export const OURS_WORK: Record<'encode' | 'decode', string> = {
  decode:
    'Format.decode: parse, check names, dtypes, shapes and counts against the signature, and assemble the canonical batch (context broadcast)',
  encode: 'Format.encode: build the message from the request columns and serialize it',
};

/** Keyed by the order formats were configured in; none when no child measured peers. */
export function aggregatePeers(
  jobs: readonly JobResult[],
  micro: readonly MicroRecord[],
  scenarios: readonly string[],
  formats: readonly string[],
  versions: Record<string, string>,
): PeersSection | undefined {
  if (!jobs.some((j) => j.outcome.peers?.length)) return undefined;
  const records: PeerRecord[] = [];
  const alignment: AlignmentRecord[] = [];
  for (const scenario of scenarios) {
    for (const format of formats) {
      const mine = jobs
        .filter((j) => j.scenario === scenario && j.format === format && j.outcome.peers?.length)
        .sort((a, b) => a.round - b.round);
      if (!mine.length) continue;
      const a = mine[0]!.outcome.alignment;
      if (a) alignment.push({ scenario, format, tensors: a.tensors, aligned: a.aligned });
      for (const op of ['decode', 'encode'] as const) {
        const ours = micro.find(
          (m) => m.scenario === scenario && m.format === format && m.op === op && m.codec === 'identity',
        );
        if (!ours) continue;
        const bytes = ours.bytes;
        const impls = [...new Set(mine.flatMap((j) => j.outcome.peers!.filter((p) => p.op === op).map((p) => p.impl)))];
        const oursRecord = (stats: Stats): PeerRecord => ({
          scenario,
          format,
          op,
          impl: 'ours',
          work: OURS_WORK[op],
          bytes,
          stats,
          oursRatio: 1,
        });
        records.push(oursRecord(ours.stats));
        for (const impl of impls) {
          const rounds: RoundSample[] = [];
          let work = '';
          for (const j of mine) {
            const p = j.outcome.peers!.find((x) => x.op === op && x.impl === impl);
            if (p) {
              rounds.push(p.sample);
              work = p.work;
            }
          }
          const stats = poolRounds(rounds);
          records.push({
            scenario,
            format,
            op,
            impl,
            work,
            bytes,
            stats,
            oursRatio: stats.medianMs > 0 ? ours.stats.medianMs / stats.medianMs : 0,
          });
        }
      }
    }
  }
  return { versions, records, alignment };
}
