// The results file (results/latest.json): typed, schema-versioned, carrying its own
// config and environment. Reporters and the regression check read this and nothing else.

export const SCHEMA_VERSION = 1;

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
  p99Ms: number;
  minMs: number;
  maxMs: number;
  /** Relative margin of error of the mean at 95 %, in percent. */
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
 * `floor`: one memcpy of the encoded bytes. `calibration`: a fixed CPU-bound reference
 * workload (src/bench/calibration.ts) the regression check divides timings by.
 */
export type MicroOp = 'encode' | 'compress' | 'decompress' | 'decode' | 'total' | 'floor' | 'calibration';

export interface MicroRecord {
  scenario: string;
  format: string;
  /** Codec label; `identity` for encode/decode, which do not depend on it. */
  codec: string;
  op: MicroOp;
  /** Bytes the operation consumed or produced (the floor copies this many). */
  bytes: number;
  stats: Stats;
  /** stats.medianMs / the in-run memcpy floor of the same bytes. */
  xFloor: number;
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

/** Latency distribution in milliseconds (from an HDR histogram). */
export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** [percentile, ms] points for percentile-curve charts. */
  curve: [number, number][];
}

export interface E2eRun {
  scenario: string;
  format: string;
  /** gRPC message compression or REST body encoding: identity | gzip | deflate. */
  compression: string;
  batchSize: number;
  mode: 'closed' | 'open';
  concurrency?: number;
  targetRate?: number;
  arrival?: 'constant' | 'poisson';
  target: string;
  bandwidth?: string;
  rttMs?: number;
  durationS: number;
  endReason: 'duration' | 'requests' | 'interrupted' | 'error';
  requests: {
    intended: number;
    sent: number;
    dropped: number;
    ok: number;
    errors: Record<string, number>;
    clientTimeouts: number;
  };
  searches: { intended: number; completed: number; failed: number };
  achievedRate: number;
  /** Open loop: achieved fell more than 1 % short of the target. */
  rateShortfall: boolean;
  latency: { request: LatencySummary; search: LatencySummary; service?: LatencySummary };
  /** Median milliseconds per request. */
  breakdown: { clientEncodeMs: number; wireQueueMs: number; serverDecodeMs: number; serverComputeMs: number; clientDecodeMs: number };
  cost: {
    clientCpuMsPerSearch: number;
    serverCpuMsPerSearch: number;
    coresPer1kSearchesPerSec: number;
    monthlyUsd?: number;
  };
  schedulerLagP99Ms: number;
  warnings: string[];
}

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
  /** Whether the run finished or was interrupted (what was measured is kept). */
  state: 'complete' | 'interrupted';
  warnings: string[];
}
