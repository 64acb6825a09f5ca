// Times several functions that are to be compared (ours and each peer library on the same
// bytes) in alternating blocks, so a noisy stretch of the machine lands on all of them alike.
// Timed one after the other, a minute of contention could land on one side only: this VM's
// medians moved by more than 25 % between rounds, while ratios are what the comparison reports.
//
// Each entry gets the time budget and minimum sample count a lone timeOp would give it, spread
// over blocks of about timeMs / BLOCKS, each after one untimed call; the order of entries
// rotates each pass.
//
// No garbage collection is forced between blocks. Tried: a full collection before every block
// put each block in a freshly collected heap (still being swept), and everything slowed down
// unevenly (etsy-search, tensor-content decode: ours 0.60 -> 2.47 ms, protobufjs 1.10 -> 2.77,
// protobuf-es 1.39 -> 8.27; in one process, 0.61 -> 1.23 ms for ours with a fixed young
// generation too). Callers collect once after the warmups (jitWarmUp).
import type { MeasurePlan } from './measure-plan.js';
import { summarize, type RoundSample } from './stats.js';
import { MAX_SAMPLES } from './time-op.js';

/** Blocks an entry's time budget is split into (fewer when one call is longer than a block). */
export const BLOCKS = 8;

export interface InterleavedEntry {
  name: string;
  /** Returns its output, so the work cannot be optimised away. */
  fn: () => unknown;
  /** Samples this entry needs at least. */
  minSamples: number;
}

/** Most timed calls per block, so even a sub-microsecond op spreads its samples over BLOCKS blocks. */
export const PER_BLOCK = Math.ceil(MAX_SAMPLES / BLOCKS);

/** Where each block ran: entry index, in order (for tests and diagnostics). */
export type BlockLog = number[];

let sink: unknown;

/**
 * Samples every entry until each has `plan.timeMs` of samples and its `minSamples`, in
 * rotating blocks. Entries must be warmed up already (jitWarmUp). One RoundSample per entry,
 * in entry order. `clock` (ms) is injectable for tests.
 */
export function timeInterleaved(
  entries: readonly InterleavedEntry[],
  plan: Pick<MeasurePlan, 'timeMs'>,
  log?: BlockLog,
  clock: () => number = hrMs,
): RoundSample[] {
  const samples = entries.map((): number[] => []);
  const spent = entries.map(() => 0);
  const blockMs = plan.timeMs / BLOCKS;
  const done = (i: number): boolean =>
    samples[i]!.length >= MAX_SAMPLES || (spent[i]! >= plan.timeMs && samples[i]!.length >= entries[i]!.minSamples);
  for (let pass = 0; !entries.every((_, i) => done(i)); pass++) {
    for (let k = 0; k < entries.length; k++) {
      // Rotating the order each pass: with 3 or more entries no entry always follows the same one.
      // With two, plain alternation (A B A B) already does that; rotating would give A B B A.
      const i = entries.length === 2 ? k : (pass + k) % entries.length;
      if (done(i)) continue;
      const { fn } = entries[i]!;
      const mine = samples[i]!;
      log?.push(i);
      // The block's first call is not timed: right after another library's calls, the first one
      // ran up to 2x slower (etsy-search elwc decode after a protobufjs decode: 75-92 ms, against
      // 44-66 ms alone and 44 ms for the second call in a row), so it would charge ours for the
      // peer's heap and caches (and the peer for ours).
      sink = fn();
      let inBlock = 0;
      let inBlockCalls = 0;
      do {
        const t0 = clock();
        sink = fn();
        const ms = clock() - t0;
        mine.push(ms);
        inBlock += ms;
      } while (inBlock < blockMs && mine.length < MAX_SAMPLES && ++inBlockCalls < PER_BLOCK);
      spent[i]! += inBlock;
    }
  }
  if (sink === Symbol.for('never')) throw new Error('unreachable');
  return samples.map((s) => summarize(s.sort((a, b) => a - b)));
}

// performance.now: hrtime-based, fractional ms measured from process start (so no precision lost).
const hrMs = (): number => performance.now();
