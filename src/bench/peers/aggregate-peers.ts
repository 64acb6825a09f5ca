// Pools what the children reported for --peers into the results' peers section: per
// scenario x format x op, ours (timed interleaved with the peers in the same child processes)
// and each peer, each pooled over rounds, with ours' median / the peer's median. Pure.
import type { AlignmentRecord, PeerRecord, PeersSection } from '../../results/index.js';
import type { JobResult } from '../aggregate.js';
import { poolRounds, type RoundSample } from '../stats.js';
import { OURS_IMPL } from './measure-peers.js';

/** Keyed by the order formats were configured in; none when no child measured peers. */
export function aggregatePeers(
  jobs: readonly JobResult[],
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
        const impls = [...new Set(mine.flatMap((j) => j.outcome.peers!.filter((p) => p.op === op).map((p) => p.impl)))];
        if (!impls.includes(OURS_IMPL)) continue;
        let bytes = 0;
        const pooled = impls.map((impl) => {
          const rounds: RoundSample[] = [];
          let work = '';
          for (const j of mine) {
            const p = j.outcome.peers!.find((x) => x.op === op && x.impl === impl);
            if (p) {
              rounds.push(p.sample);
              work = p.work;
              bytes = p.bytes;
            }
          }
          return { impl, work, stats: poolRounds(rounds) };
        });
        // Ours as timed interleaved with the peers, first.
        const ours = pooled.find((p) => p.impl === OURS_IMPL)!;
        for (const p of [ours, ...pooled.filter((x) => x !== ours)])
          records.push({
            scenario,
            format,
            op,
            impl: p.impl,
            work: p.work,
            bytes,
            stats: p.stats,
            oursRatio: p === ours ? 1 : p.stats.medianMs > 0 ? ours.stats.medianMs / p.stats.medianMs : 0,
          });
      }
    }
  }
  return { versions, records, alignment };
}
