// The parent side: schedules one child process per scenario x format x round, one at a time
// (two children at once would measure each other), interleaving formats across rounds, and
// collects their reports. Aborting (Ctrl-C) stops the running child and keeps what finished.
import type { Scenario } from '../scenario/index.js';
import type { JobResult } from './aggregate.js';
import type { MeasurePlan } from './measure-plan.js';
import type { ProgressEvent } from './progress-events.js';
import { spawnWorker, type WorkerHandle } from './spawn-worker.js';
import { VerificationError } from './verify.js';

export interface MatrixTarget {
  /** Name the results use for this scenario. */
  name: string;
  scenario: Scenario;
  /** A recorded request to measure instead of the synthetic one (see WorkerJob.recorded). */
  recorded?: string;
}

export interface MatrixInput {
  /** Shown in progress, e.g. `matrix` or `sweep candidates`. */
  phase: string;
  targets: readonly MatrixTarget[];
  formats: readonly string[];
  codecs: readonly string[];
  plan: MeasurePlan;
  /** Time the scenario's floors (and the calibration workload) in each child. */
  floor: boolean;
  /** Time the peer libraries too (bench --peers). */
  peers?: boolean;
}

export interface MatrixOutcome {
  state: 'complete' | 'interrupted';
  jobs: JobResult[];
}

export interface PlannedJob {
  target: MatrixTarget;
  format: string;
  round: number;
}

/**
 * Job order: round by round; in each round every scenario, with the format list rotated by
 * round * (formats / rounds), so each format runs at a different point of the run in each
 * round and a disturbance of a few seconds hits different formats in different rounds.
 */
export function planJobs(targets: readonly MatrixTarget[], formats: readonly string[], rounds: number): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  const step = Math.max(1, Math.floor(formats.length / rounds));
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      for (let i = 0; i < formats.length; i++) {
        jobs.push({ target, format: formats[(i + round * step) % formats.length]!, round });
      }
    }
  }
  return jobs;
}

/**
 * Runs every planned job. Resolves `interrupted` when `signal` aborts or a child is killed.
 * @throws VerificationError when a child's round-trip check fails (the run must fail)
 * @throws Error when a child crashes
 */
export async function runMatrix(
  input: MatrixInput,
  opts: { signal?: AbortSignal; onProgress?: (e: ProgressEvent) => void } = {},
): Promise<MatrixOutcome> {
  const emit = opts.onProgress ?? (() => {});
  const planned = planJobs(input.targets, input.formats, input.plan.rounds);
  const jobs: JobResult[] = [];
  const opsPerJob = (input.floor ? 4 : 2) + 2 * input.codecs.length;
  emit({ type: 'phase-start', phase: input.phase, jobs: planned.length, opsPerJob });
  let current: WorkerHandle | undefined;
  const onAbort = (): void => current?.kill();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    for (const [index, p] of planned.entries()) {
      if (opts.signal?.aborted) return { state: 'interrupted', jobs };
      const where = {
        phase: input.phase,
        index,
        jobs: planned.length,
        round: p.round,
        rounds: input.plan.rounds,
        scenario: p.target.name,
        format: p.format,
      };
      emit({ type: 'job-start', ...where });
      let opIndex = 0;
      current = spawnWorker(
        {
          scenario: p.target.scenario,
          format: p.format,
          codecs: [...input.codecs],
          plan: input.plan,
          floor: input.floor,
          ...(input.peers ? { peers: true } : {}),
          ...(p.target.recorded !== undefined ? { recorded: p.target.recorded } : {}),
        },
        (msg) => {
          if (msg.type === 'op-start')
            emit({ type: 'op-start', ...where, op: msg.op, codec: msg.codec, opIndex: opIndex++, opsPerJob });
        },
      );
      const outcome = await current.outcome;
      current = undefined;
      jobs.push({ scenario: p.target.name, format: p.format, round: p.round, outcome });
      emit({ type: 'job-end', ...where, end: outcome.end, wallMs: outcome.wallMs });
      if (outcome.end === 'verification')
        throw new VerificationError(outcome.message ?? `${p.format}: round-trip check failed`);
      if (outcome.end === 'killed' || opts.signal?.aborted) return { state: 'interrupted', jobs };
      if (outcome.end === 'crash')
        throw new Error(
          `measuring ${p.format} on ${p.target.name} (round ${p.round + 1}) failed: ${outcome.message ?? 'unknown error'}`,
        );
    }
    return { state: 'complete', jobs };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    current?.kill();
  }
}
