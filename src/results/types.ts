// The results file (results/latest.json): typed, schema-versioned, carrying its own
// config and environment. Reporters and the regression check read this and nothing else.

import type { E2eRun, HarnessFloor } from './e2e.js';

/**
 * 2: end-to-end runs are never censored (capped searches counted at the hard cap), latency
 * summaries carry percentiles with confidence intervals instead of fixed p50..p99.9 fields, the
 * breakdown is the median request's stages, and the harness floor is recorded. Version 1 e2e
 * records cannot be read as version 2; files without e2e records are the same in both.
 */
export const SCHEMA_VERSION = 2;

export interface Env {
  node: string;
  v8: string;
  zlib: string;
  platform: string;
  arch: string;
  os: string;
  cpuModel: string;
  cores: number;
  totalMemGiB: number;
  /** Versions of the packages whose code is measured (protobufjs, msgpackr, zstd-napi, ...). */
  packages: Record<string, string>;
  /** Codec library versions; compressed sizes are compared only when these match. */
  codecVersions: Record<string, string>;
  gitCommit: string | null;
  gitDirty: boolean | null;
  hostname?: never;
}

/** Distribution of one timed operation, in milliseconds. */
export interface Stats {
  medianMs: number;
  meanMs: number;
  /**
   * 99th percentile of the pooled samples. Shown only with >= 100 samples (below that it is the
   * maximum or next to it). Absent where it was never measured: a derived `total` is a sum of
   * medians, and a sum of p99s is not the p99 of a sum.
   */
  p99Ms?: number;
  minMs: number;
  maxMs: number;
  /**
   * Relative half-width of the 95 % confidence interval, in percent: Student's t over the
   * per-round medians (rounds - 1 degrees of freedom), i.e. between-process variation. 0 with
   * fewer than 2 rounds, where there is no such interval (renderers show `n/a`).
   */
  rmePct: number;
  samples: number;
  /** Median of each round (one round = one child process), for spread across processes. */
  roundMediansMs: number[];
}

export interface ScenarioInfo {
  name: string;
  description: string;
  candidates: number;
  features: number;
  contextFeatures: number;
  seed: number;
  /** Hash of the validated scenario (features, candidates, seed): sizes compare only when equal. */
  fingerprint: string;
}

export interface SizeRecord {
  scenario: string;
  format: string;
  /** Codec label, e.g. `identity`, `gzip:6`, `zstd:1`. */
  codec: string;
  rawBytes: number;
  compressedBytes: number;
}

/**
 * `floor`: the scenario's floor, the same for every format: copying the request's logical
 * tensor bytes (every feature's values and row splits, context once) into a fresh allocation,
 * source warm in cache; pooled over every format's child processes, so each format of a
 * scenario carries the identical record. `floor-cold`: the same copy from a source rotated
 * through enough copies that it is not in cache. `calibration`: a fixed CPU-bound reference
 * workload (src/bench/calibration.ts) the regression check divides timings by.
 */
export type MicroOp =
  | 'encode'
  | 'compress'
  | 'decompress'
  | 'decode'
  | 'total'
  | 'floor'
  | 'floor-cold'
  | 'calibration';

export interface MicroRecord {
  scenario: string;
  format: string;
  /** Codec label; `identity` for encode/decode, which do not depend on it. */
  codec: string;
  op: MicroOp;
  /** Bytes the operation consumed or produced; for the floors, the logical tensor bytes copied. */
  bytes: number;
  stats: Stats;
  /** stats.medianMs / the scenario's warm floor median (same for every format); 0 when no floor was measured. */
  xFloor: number;
  /** `sum-of-medians`: a `total` derived from its separately timed parts, not timed as one op. */
  derived?: 'sum-of-medians';
}

/** One op on the same bytes by ours, a peer library, or the copy reference, timed in the same child process. */
export interface PeerRecord {
  scenario: string;
  format: string;
  op: 'encode' | 'decode';
  /**
   * `ours` (Format.encode / Format.decode), a peer library (`protobufjs`, `protobuf-es`, `JSON`,
   * `msgpackr`), or `copy`: a fresh-allocation copy of the same encoded bytes (decode's reference).
   */
  impl: string;
  /** What the timed function does, including where it does less (or more) than ours. */
  work: string;
  /** Encoded bytes consumed (decode) or produced by ours (encode). */
  bytes: number;
  stats: Stats;
  /** ours' median / this median, same op and child processes: below 1 means ours is faster. */
  oursRatio: number;
}

/** How many tensor_content fields of the measured message can be viewed in place (4-byte aligned for float32, 8 for int64). */
export interface AlignmentRecord {
  scenario: string;
  format: string;
  tensors: number;
  aligned: number;
}

/**
 * In the `work` of a peers `ours` record: ours was timed again, interleaved with the peers
 * (results before that carried the CPU table's record, timed alone, without this text).
 */
export const INTERLEAVED_WORK = 'timed in alternating blocks with the peers';

/** bench --peers: ours against other JavaScript implementations on the same bytes. */
export interface PeersSection {
  /** Versions of the peer packages measured. */
  versions: Record<string, string>;
  records: PeerRecord[];
  alignment: AlignmentRecord[];
}

/**
 * Instructions of exactly one call of an op, counted under valgrind's callgrind (src/bench/instructions/):
 * deterministic for the same code, input and Node, so compared without a noise model.
 */
export interface InstructionRecord {
  scenario: string;
  format: string;
  /** Codec label; `identity` for encode/decode. */
  codec: string;
  op: 'encode' | 'compress' | 'decompress' | 'decode';
  /** Instructions executed (callgrind Ir), median over `runs`. */
  instructions: number;
  /** The count of each run (fresh process each); equal when deterministic. */
  runs: number[];
}

export interface SweepRecord {
  scenario: string;
  dimension: 'candidates' | 'features';
  value: number;
  format: string;
  codec: string;
  rawBytes: number;
  compressedBytes: number;
  encodeMs: number;
  decodeMs: number;
  totalMs: number;
  /** totalMs per candidate (or per feature), in microseconds: flat means linear scaling. */
  perUnitUs: number;
}

export type * from './e2e.js';

export interface Results {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'payload-bench'; version: string };
  createdAt: string;
  env: Env;
  /** The full configuration the run used (command-line options resolved). */
  config: Record<string, unknown>;
  scenarios: ScenarioInfo[];
  sizes: SizeRecord[];
  micro: MicroRecord[];
  sweeps?: SweepRecord[];
  e2e?: E2eRun[];
  /** The harness floor of the end-to-end pass: a no-op call per transport. */
  harnessFloor?: HarnessFloor[];
  /** bench --peers: the same bytes encoded and decoded by peer libraries. */
  peers?: PeersSection;
  /** Instruction counts (`npm run check -- --instructions`); absent when not counted. */
  instructions?: InstructionRecord[];
  /** Whether the run finished or was interrupted (what was measured is kept). */
  state: 'complete' | 'interrupted';
  warnings: string[];
}
