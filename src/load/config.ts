// The resolved configuration of one `npm run e2e` run (recorded verbatim in the results) and
// its defaults, sized so the default matrix (6 formats x 2 batch sizes x 2 compressions)
// finishes in about two minutes on a 2-core machine.
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
   * `auto`: half the rate one search at a time achieves, measured in the warmup of each
   * combination (so every format is measured at the same relative load, none overloaded).
   */
  | { mode: 'open'; rate: number | 'auto'; arrival: Arrival };

/** Fault injection forwarded to the spawned stub server (ignored with --target). */
export interface StubOptions {
  delayMs?: number;
  stallEvery?: number;
  stallMs?: number;
  errorRate?: number;
  modelCost?: number;
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
  /** Measured time per combination, in ms; null when bounded by `searches` only. */
  durationMs: number | null;
  /** Searches per combination (each is ceil(candidates / batch) requests); null when bounded by time only. */
  searches: number | null;
  /** Unmeasured load before each combination, in ms. */
  warmupMs: number;
  /** Per-search budget from its intended start; requests not answered by then are client timeouts. */
  deadlineMs: number;
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
  /** Seed of the Poisson arrival schedule. */
  arrivalSeed: number;
  /** Print the results JSON on stdout (tables and progress go to stderr). */
  json: boolean;
  /** Output folder for e2e.json. */
  out: string;
}

export const DEFAULT_E2E_SCENARIO = 'etsy-search';
export const DEFAULT_E2E_FORMATS: readonly FormatId[] = ['json-rows', 'tf-example', 'elwc', 'tensor-content', 'tensor-broadcast', 'tensor-packed'];
export const DEFAULT_BATCH_SIZES: readonly number[] = [25, 1000];
export const DEFAULT_COMPRESSIONS: readonly Compression[] = ['identity', 'gzip'];
export const DEFAULT_DURATION_MS = 3000;
export const DEFAULT_WARMUP_MS = 1000;
export const DEFAULT_DEADLINE_MS = 250;
export const DEFAULT_MODEL_NAME = 'ranker';
export const DEFAULT_OUT = 'results';
/** Hard cap on the measured time of one combination bounded by --requests only. */
export const MAX_COMBINATION_MS = 120_000;
/** Hard cap on searches of one combination bounded by --duration only. */
export const MAX_SEARCHES = 1_000_000;
/** Open loop: at most this many searches in flight; further ones are dropped (counted). */
export const MAX_IN_FLIGHT_SEARCHES = 1000;
/** Auto rate: this fraction of the one-at-a-time search rate. */
export const AUTO_RATE_FRACTION = 0.5;
