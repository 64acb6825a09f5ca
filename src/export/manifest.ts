// The export folder's manifest.json: what packages/artillery-engine-payload-bench reads to
// replay the payloads (lib/manifest.js validates the same shape) and what the importer reads
// to turn Artillery's report back into payload-bench results.
import type { ScenarioInfo } from '../results/index.js';

export const MANIFEST_KIND = 'payload-bench/artillery-export';
export const MANIFEST_VERSION = 1;

/** One exported batch: a file of exactly the bytes payload-bench's load generator sends. */
export interface BatchEntry {
  /** Relative to the manifest's folder. */
  file: string;
  bytes: number;
  candidates: number;
  /** Extra request headers a REST body needs (e.g. the OIP binary extension's header length). */
  headers?: Record<string, string>;
}

/** The payloads of one format x batch size: per search (recorded request, round-robin), its batches. */
export interface PayloadSet {
  id: string;
  format: string;
  batchSize: number;
  searches: BatchEntry[][];
}

export type ExportCompression = 'identity' | 'gzip' | 'deflate';

/** One format x compression x batch size: one Artillery scenario. */
export interface Combination {
  /** `<format>.<compression>.b<batch>`: the metric name prefix (metric-names.js). */
  key: string;
  /** The Artillery scenario's name, safe for `artillery run --scenario-name`. */
  scenarioName: string;
  format: string;
  compression: ExportCompression;
  batchSize: number;
  transport: 'grpc' | 'rest';
  /** gRPC method path, or REST URL path. */
  path: string;
  contentType?: string;
  /** PayloadSet id. */
  payloads: string;
}

export interface LoadPlan {
  /** Searches per second, whole (Artillery's arrivalRate is an integer). */
  rate: number;
  arrival: 'constant' | 'poisson';
  warmupMs: number;
  /** The measured phase. */
  durationMs: number;
  /** Per-search budget (SLO) from the intended start: slower searches are counted, and still timed. */
  budgetMs: number;
  /** A request not answered this long after its search's intended start is cut (recorded at the cap). */
  hardCapMs: number;
  connections: number | null;
}

export interface Manifest {
  kind: typeof MANIFEST_KIND;
  manifestVersion: typeof MANIFEST_VERSION;
  tool: { name: 'payload-bench'; version: string };
  createdAt: string;
  modelName: string;
  scenario: ScenarioInfo;
  load: LoadPlan;
  /** Where Artillery sends, unless the YAML's engine config says otherwise. */
  targets: { grpc: string; rest: string };
  payloads: PayloadSet[];
  combinations: Combination[];
  /** The e2e-style options the export was made from, as recorded in results. */
  config: Record<string, unknown>;
  warnings: string[];
}
