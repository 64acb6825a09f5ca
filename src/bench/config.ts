// The configuration of one bench run: what the argument layer builds and runBench runs.
import type { FormatId } from '../formats/index.js';
import type { DataSpec } from '../data/load-data.js';
import type { MeasurePlan } from './measure-plan.js';

export type SweepDimension = 'candidates' | 'features';

export interface SweepSpec {
  dimension: SweepDimension;
  values: number[];
}

/** The fully resolved configuration of one bench run; recorded verbatim in the results. */
export interface BenchConfig {
  /** Preset names or scenario file paths, in the order given. */
  scenarios: string[];
  formats: FormatId[];
  /** Codec labels, e.g. `identity`, `gzip:6`. */
  codecs: string[];
  /** Overrides every scenario's candidate count; null keeps each scenario's own. */
  candidates: number | null;
  /** Overrides every scenario's seed; null keeps each scenario's own. */
  seed: number | null;
  /** Output folder for latest.json, summary.md, results.csv. */
  out: string;
  /** Print the results JSON on stdout (and nothing else there). */
  json: boolean;
  quick: boolean;
  sweeps: SweepSpec[];
  plan: MeasurePlan;
  /** Also run the short end-to-end pass against the stub server (off with --quick, --check, --no-e2e). */
  e2e: boolean;
  /**
   * --peers: in each child, also time protobufjs, protobuf-es, JSON.parse + gather and msgpackr
   * on the same bytes as ours (results `peers`). Off by default: it adds ~1.5 min, mostly the
   * peers parsing 1,000 tf.Examples, which would take the default run past its 5-minute budget.
   */
  peers?: boolean;
  /** After measuring, compare with the baseline (the CI gate); null when not checking. */
  check: { baseline: string; threshold: number; strict: boolean; instructions?: boolean } | null;
  /**
   * --data: measure the user's recorded requests (the first one, see run-bench.ts) instead of
   * a synthetic one; the schema is inferred unless a --scenario is given. Absent or null: synthetic.
   */
  data?: DataSpec | null;
}
