// The resolved configuration of one `npm run e2e` run (recorded verbatim in the results) and
// its defaults: each cell measures until it has 200 searches or 10 s have passed, so the
// default matrix (6 formats x 2 batch sizes x 2 compressions) takes a few minutes on a
// 2-core machine (`npm run bench` runs a smaller pass).
import type { DataSpec } from '../data/load-data.js';
import type { FormatId, Protocol } from '../formats/index.js';
import type { Arrival } from './pacer.js';

/** gRPC message compression, or the REST request body's Content-Encoding. */
export type Compression = 'identity' | 'gzip' | 'deflate';
export const COMPRESSIONS: readonly Compression[] = ['identity', 'gzip', 'deflate'];

export type LoadSpec =
  /** Closed loop: `concurrency` searches in flight, each starting when the previous one ends. */
  | { mode: 'closed'; concurrency: number }
  /**
   * Open loop: searches start on a schedule, `rate` per second, whatever the server does.
   * `auto`: one common rate for every format of a batch size, compression and link: half the
   * rate the fastest of them reaches one search at a time (measured in warmup), so the
   * fastest is not saturated and every format is measured at the same offered load.
   */
  | { mode: 'open'; rate: number | 'auto'; arrival: Arrival };

/** Fault injection forwarded to the spawned stub server (ignored with --target). */
export interface StubOptions {
  delayMs?: number;
  stallEvery?: number;
  stallMs?: number;
  errorRate?: number;
  modelCost?: number;
  /** Worker threads of the stub (its --workers); undefined: the stub's default, one per core. */
  workers?: number;
  /** TF Serving batching parameters file for the stub (--enable-batching --batching-parameters-file); undefined: off. */
  batchingFile?: string;
}

/** One stub set-up of `--sweep workers=...` / `--sweep batching=...`: overrides of StubOptions. */
export interface StubVariant {
  workers?: number;
  /** A batching parameters file, or null: batching off. */
  batching?: string | null;
}

export interface E2eConfig {
  /**
   * Preset name or scenario file path; null when not given: then the schema comes from --data,
   * or from the --target's signature (GetModelMetadata), or is DEFAULT_E2E_SCENARIO.
   */
  scenario: string | null;
  /** --data: replay these recorded requests round-robin (one per search); null: synthetic. */
  data: DataSpec | null;
  /** Overrides the scenario's candidate count (candidates per search); null keeps it. */
  candidates: number | null;
  /** Overrides the scenario's seed; null keeps it. */
  seed: number | null;
  formats: FormatId[];
  compressions: Compression[];
  /** Candidates per request; a search is split into ceil(candidates / batch) concurrent requests. */
  batchSizes: number[];
  load: LoadSpec;
  /** Time cap of one cell's measurement (its schedule), in ms; null when bounded by `searches` only. */
  durationMs: number | null;
  /** Searches per cell (each is ceil(candidates / batch) requests); null when bounded by time only. */
  searches: number | null;
  /**
   * Fewest searches a cell is sized down to: a format too slow to answer `searches` within the
   * time cap (from its one-at-a-time time in warmup) gets fewer, but at least this many.
   */
  minSearches: number;
  /** Unmeasured one-at-a-time searches before each cell, in ms (they measure its serial search time). */
  warmupMs: number;
  /** Per-search budget (SLO) from its intended start: searches over it are counted, and still timed. */
  deadlineMs: number;
  /** A search not answered this long after its intended start is cut (and counted at the cap). */
  hardCapMs: number;
  /** No-op calls per transport that measure the harness floor. */
  floorCalls: number;
  /** gRPC channels (HTTP/2 connections) requests are spread over; for REST, the keep-alive socket cap (null: one per in-flight request). */
  connections: number | null;
  /** `host:port` of a running gRPC server; null spawns the stub. */
  target: string | null;
  /** `host:port` of a running REST server; null spawns the stub (or uses none when only gRPC formats run). */
  restTarget: string | null;
  modelName: string;
  /** Overrides every format's signature name; null keeps each format's own. */
  signature: string | null;
  /**
   * The API of a --target: TF Serving's (GetModelMetadata signatures) or the Open Inference
   * Protocol's (ModelMetadata, oip-* formats). @default 'tfs'
   */
  protocol?: Protocol;
  /** Price of one core-hour; enables the monthly cost estimate. */
  coreHourUsd: number | null;
  /** Link bandwidths to shape through the relay, bits/s; [null] means no relay (unless rttMs > 0). */
  bandwidths: (number | null)[];
  /** Added round-trip time through the relay (half per direction), ms. */
  rttMs: number;
  stub: StubOptions;
  /** --sweep workers=... / batching=...: everything runs once per stub set-up (cross product); absent or empty: once. */
  stubSweep?: StubVariant[];
  /** Seed of the Poisson arrival schedule. */
  arrivalSeed: number;
  /** Print the results JSON on stdout (tables and progress go to stderr). */
  json: boolean;
  /** Output folder for e2e.json. */
  out: string;
}

export const DEFAULT_E2E_SCENARIO = 'etsy-search';
export const DEFAULT_E2E_FORMATS: readonly FormatId[] = [
  'json-rows',
  'tf-example',
  'elwc',
  'tensor-content',
  'tensor-broadcast',
  'tensor-packed',
];
export const DEFAULT_BATCH_SIZES: readonly number[] = [25, 1000];
export const DEFAULT_COMPRESSIONS: readonly Compression[] = ['identity', 'gzip'];
/** Searches per cell asked for, and the time cap of a cell asked for by count. */
export const DEFAULT_SEARCHES = 200;
export const DEFAULT_DURATION_MS = 10_000;
export const DEFAULT_MIN_SEARCHES = 30;
export const DEFAULT_WARMUP_MS = 1000;
export const DEFAULT_DEADLINE_MS = 250;
/** Default hard cap: this many budgets. */
export const HARD_CAP_FACTOR = 10;
export const DEFAULT_FLOOR_CALLS = 500;
export const DEFAULT_MODEL_NAME = 'ranker';
export const DEFAULT_OUT = 'results';
/** Time cap of one cell given --requests without --duration. */
export const MAX_COMBINATION_MS = 120_000;
/** Search cap of one cell given --duration without --requests. */
export const MAX_SEARCHES = 1_000_000;
/** Open loop: at most this many searches in flight; further ones are dropped (counted). */
export const MAX_IN_FLIGHT_SEARCHES = 1000;
/**
 * The short pass `npm run bench` runs after its matrix, sized to about 90 s on 2 cores: the
 * headline comparison (batch 1000, identity) of the default formats at one common offered
 * load. Tensor formats get their 200 searches well inside the 8 s cap; the slow ones
 * (json-rows, tf-example, elwc) are sized down to what they can answer within the cap, at least 30. The 250 ms budget is the real one: a
 * format too slow for it is timed anyway (hard cap 2.5 s) and named, not ranked.
 */
export const BENCH_E2E_PASS = {
  batchSizes: [1000],
  compressions: ['identity'] as Compression[],
  durationMs: 8000,
  warmupMs: 500,
} as const satisfies Partial<E2eConfig>;

/** Auto rate: this fraction of the fastest format's one-at-a-time search rate. */
export const AUTO_RATE_FRACTION = 0.5;
