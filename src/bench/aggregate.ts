// Turns what the children reported (one JobResult per format x scenario x round) into the
// results' SizeRecords and MicroRecords: rounds pooled, totals derived (sums of medians),
// each op divided by its scenario's floor. The floor is pooled over every child of the
// scenario, whatever format it measured, so every format carries the identical floor. Pure.
import type { MicroOp, MicroRecord, SizeRecord, Stats } from '../results/index.js';
import type { WorkerOutcome } from './spawn-worker.js';
import { poolRounds, sumOfMedians, type RoundSample } from './stats.js';
import { VerificationError } from './verify.js';

export interface JobResult {
  /** Scenario name as it appears in the results. */
  scenario: string;
  format: string;
  round: number;
  outcome: WorkerOutcome;
}

export interface Aggregated {
  sizes: SizeRecord[];
  micro: MicroRecord[];
}

/**
 * @param formats, codecs the configured order, which the records follow
 * @throws VerificationError when two rounds of the same format disagree on a size
 */
export function aggregate(
  jobs: readonly JobResult[],
  scenarios: readonly string[],
  formats: readonly string[],
  codecs: readonly string[],
): Aggregated {
  const sizes: SizeRecord[] = [];
  const micro: MicroRecord[] = [];
  for (const scenario of scenarios) {
    const floors = scenarioFloors(jobs.filter((j) => j.scenario === scenario));
    for (const format of formats) {
      const mine = jobs.filter((j) => j.scenario === scenario && j.format === format).sort((a, b) => a.round - b.round);
      sizes.push(...sizeRecords(scenario, format, mine, codecs));
      micro.push(...microRecords(scenario, format, mine, codecs, floors));
    }
  }
  return { sizes, micro };
}

function sizeRecords(
  scenario: string,
  format: string,
  jobs: readonly JobResult[],
  codecs: readonly string[],
): SizeRecord[] {
  const reported = jobs.map((j) => j.outcome.sizes).filter((s) => s !== undefined);
  const first = reported[0];
  if (!first) return [];
  for (const other of reported.slice(1)) {
    if (JSON.stringify(other) !== JSON.stringify(first)) {
      throw new VerificationError(
        `${scenario} / ${format}: encoded sizes differ between rounds (${JSON.stringify(first)} vs ${JSON.stringify(other)}); encoding is not deterministic`,
      );
    }
  }
  return codecs.flatMap((codec) => {
    const c = first.compressed.find((x) => x.codec === codec);
    return c ? [{ scenario, format, codec, rawBytes: first.rawBytes, compressedBytes: c.bytes }] : [];
  });
}

interface Pooled {
  stats: Stats;
  bytes: number;
}

/** An op pooled over rounds: every report of `op` x `codec` in `jobs`, in job order. */
function pool(jobs: readonly JobResult[], op: MicroOp, codec: string): Pooled | undefined {
  const rounds: RoundSample[] = [];
  let bytes = 0;
  for (const j of jobs) {
    const m = j.outcome.ops.find((o) => o.op === op && o.codec === codec);
    if (m) {
      rounds.push(m.sample);
      bytes = m.bytes;
    }
  }
  return rounds.length ? { stats: poolRounds(rounds), bytes } : undefined;
}

/**
 * The scenario's warm and cold floors from every child of the scenario (all formats, all
 * rounds): each child process is one "round" of the floor, so its interval is over processes.
 */
function scenarioFloors(jobs: readonly JobResult[]): { warm?: Pooled; cold?: Pooled } {
  const ordered = [...jobs].sort((a, b) => a.round - b.round || a.format.localeCompare(b.format));
  const warm = pool(ordered, 'floor', 'identity');
  const cold = pool(ordered, 'floor-cold', 'identity');
  return { ...(warm ? { warm } : {}), ...(cold ? { cold } : {}) };
}

function microRecords(
  scenario: string,
  format: string,
  jobs: readonly JobResult[],
  codecs: readonly string[],
  floors: { warm?: Pooled; cold?: Pooled },
): MicroRecord[] {
  const pooled = (op: MicroOp, codec: string): Pooled | undefined => pool(jobs, op, codec);
  // Only formats this scenario's children measured get the floor records.
  const measured = jobs.some((j) => j.outcome.ops.length > 0);
  const floor = floors.warm;
  const out: MicroRecord[] = [];
  const push = (op: MicroOp, codec: string, m: Pooled | undefined, derived?: 'sum-of-medians'): void => {
    if (!m) return;
    // Without a floor (sweeps), xFloor is not known: recorded as 0 and never shown.
    const xFloor = floor && floor.stats.medianMs > 0 ? m.stats.medianMs / floor.stats.medianMs : 0;
    out.push({ scenario, format, codec, op, bytes: m.bytes, stats: m.stats, xFloor, ...(derived ? { derived } : {}) });
  };
  if (measured) {
    push('floor', 'identity', floors.warm);
    push('floor-cold', 'identity', floors.cold);
  }
  push('calibration', 'identity', pooled('calibration', 'identity'));
  const encode = pooled('encode', 'identity');
  const decode = pooled('decode', 'identity');
  push('encode', 'identity', encode);
  push('decode', 'identity', decode);
  for (const codec of codecs) {
    const compress = pooled('compress', codec);
    const decompress = pooled('decompress', codec);
    push('compress', codec, compress);
    push('decompress', codec, decompress);
    if (encode && compress && decompress && decode) {
      push(
        'total',
        codec,
        { stats: sumOfMedians([encode.stats, compress.stats, decompress.stats, decode.stats]), bytes: encode.bytes },
        'sum-of-medians',
      );
    }
  }
  return out;
}
