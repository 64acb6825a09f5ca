// Types of the regression check: one row per compared figure, a verdict, an exit code.

export type Verdict = 'pass' | 'regression' | 'improvement' | 'changed' | 'noisy' | 'not-compared' | 'missing';

export interface CheckRow {
  kind: 'bytes' | 'compressed-bytes' | 'time-ratio' | 'instructions';
  scenario: string;
  format: string;
  codec: string;
  /** `raw`, `compressed`, the timed op over its ruler (`decode x calibration`), or `<op> instructions`. */
  metric: string;
  baseline: number | null;
  current: number | null;
  /** (current - baseline) / baseline; null when not comparable. */
  change: number | null;
  verdict: Verdict;
  note?: string;
}

export interface CheckOptions {
  /** Relative timing change that counts as a regression. @default 0.25 */
  threshold: number;
  /** Treat a run too noisy to judge as a failure. @default false */
  strict: boolean;
  /** Timed ops compared. @default ['encode', 'decode'] */
  ops: readonly string[];
  /** Compare timings at all (false: only the deterministic byte counts). @default true */
  timings: boolean;
  /** Relative growth of an instruction count that counts as a regression. @default 0.02 */
  instructionThreshold: number;
}

export const DEFAULT_CHECK_OPTIONS: CheckOptions = {
  threshold: 0.25,
  strict: false,
  ops: ['encode', 'decode'],
  timings: true,
  instructionThreshold: 0.02,
};

/**
 * 0 pass, 1 regression, 2 usage error, 3 missing/incompatible baseline, 4 the run failed,
 * 5 instruction counting is not possible here (valgrind, its headers or a C compiler missing).
 */
export type ExitCode = 0 | 1 | 2 | 3 | 4 | 5;

/** Exit code when instruction mode cannot run on this machine (distinct from a regression). */
export const EXIT_NO_VALGRIND = 5;

export interface CheckReport {
  exitCode: ExitCode;
  /** One line a human reads first. */
  headline: string;
  rows: CheckRow[];
  warnings: string[];
  /** Timing rows that looked like regressions in this comparison (candidates for a re-measure). */
  suspects: CheckRow[];
}

export class CheckError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CheckError';
  }
}
