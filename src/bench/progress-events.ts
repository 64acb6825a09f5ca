// Progress events: what the runner tells a progress display, kept apart from the results.
import type { TimedOp } from './worker-protocol.js';

export interface JobPosition {
  phase: string;
  /** 0-based index of this job in the phase. */
  index: number;
  jobs: number;
  /** 0-based round. */
  round: number;
  rounds: number;
  scenario: string;
  format: string;
}

export type ProgressEvent =
  | { type: 'phase-start'; phase: string; jobs: number; opsPerJob: number }
  | ({ type: 'job-start' } & JobPosition)
  | ({ type: 'op-start'; op: TimedOp; codec: string; opIndex: number; opsPerJob: number } & JobPosition)
  | ({ type: 'job-end'; end: 'done' | 'verification' | 'crash' | 'killed'; wallMs: number } & JobPosition)
  | { type: 'interrupted' }
  | { type: 'done'; wallMs: number };
