// How much to measure: rounds (fresh child processes per format) and, inside each child, the
// tinybench time budget, minimum sample count and warmup per timed operation.
//
// Why these numbers (2-core AMD EPYC, Node 20, etsy-search, shared with other jobs):
// - One child per format per round, because in one process V8's inline caches made whichever
//   format ran second up to ~14x slower. Formats are interleaved across rounds (see
//   run-matrix.ts), so a noisy neighbour that lasts a few seconds lands on different formats
//   in different rounds and shows up as spread between round medians, not as a wrong median.
// - Default 3 rounds: the fewest where one disturbed round stands out against two others in
//   roundMediansMs (and pooled medians lean on the undisturbed rounds, see stats.ts).
// - At least 4 samples per op and round (12 pooled) bound the slowest cells (json-rows
//   decode ~150-200 ms; gzip, deflate and brotli of 11 MB ~150-200 ms each); fast ops keep
//   sampling for `timeMs` and collect tens to thousands of samples (at most 10,000,
//   see time-op.ts). With 5 samples and 100 ms the default took 3m11s here (over budget);
//   with 4 and 50 ms it took 2m09s with other jobs running (load average 3-4 on 2 cores).
// - --quick: 1 round, 3 samples minimum, 30 ms per op: ~40 s here. No cross-process spread.
// - Sweeps: 1 round per point (they report growth, not precise medians) with the run's budget.

/** Measurement effort. Recorded in the results config. */
export interface MeasurePlan {
  /** Child processes per format (interleaved rounds). @default 3 (quick: 1) */
  rounds: number;
  /** tinybench time budget per timed op per round, in ms. @default 50 (quick: 30) */
  timeMs: number;
  /** Minimum samples per timed op per round (tinybench `iterations`). @default 4 (quick: 3) */
  minSamples: number;
  /** Warmup time budget per op, in ms. @default 20 (quick: 10) */
  warmupMs: number;
  /** Minimum warmup calls per op (after the verification pass, which also warms up). @default 1 */
  warmupSamples: number;
  /** Time each codec's compress and decompress (sizes are always measured). @default true (check: false) */
  timeCodecs?: boolean;
}

export const DEFAULT_PLAN: Readonly<MeasurePlan> = {
  rounds: 3,
  timeMs: 50,
  minSamples: 4,
  warmupMs: 20,
  warmupSamples: 1,
};
export const QUICK_PLAN: Readonly<MeasurePlan> = {
  rounds: 1,
  timeMs: 30,
  minSamples: 3,
  warmupMs: 10,
  warmupSamples: 1,
};
/**
 * --check: the regression gate compares encode and decode (over the calibration workload) and
 * exact sizes, so it skips timing codecs and spends the time on three interleaved rounds with a
 * longer warmup: the check works on per-round medians, and single-process medians of the fast
 * formats are bimodal here (e.g. tensor-broadcast encode 0.2 or 1.1 ms depending on the
 * process), so more processes beat more samples. ~65 s on 2 cores.
 */
export const CHECK_PLAN: Readonly<MeasurePlan> = {
  rounds: 3,
  timeMs: 50,
  minSamples: 5,
  warmupMs: 100,
  warmupSamples: 3,
  timeCodecs: false,
};

/** Default codec set: no compression, gzip and deflate at zlib's default level 6 (what gRPC
 * and HTTP stacks use when asked for gzip), zstd at a fast and its default level, brotli at
 * its fast per-request quality. */
export const DEFAULT_CODECS = 'identity,gzip:6,zstd:1,zstd:3,brotli:4,deflate:6';

export const DEFAULT_SCENARIO = 'etsy-search';
export const DEFAULT_OUT_DIR = 'results';
