// Messages between the parent (run-matrix.ts) and a measuring child (measure-worker.ts),
// over the child_process IPC channel. Plain JSON-serialisable data only.
import type { MicroOp } from '../results/index.js';
import type { Scenario } from '../scenario/index.js';
import type { MeasurePlan } from './measure-plan.js';
import type { RoundSample } from './stats.js';

/** Ops a child times. `total` is derived by the parent. */
export type TimedOp = Exclude<MicroOp, 'total'>;

/** One child's work: one format on one scenario, with every codec. */
export interface WorkerJob {
  scenario: Scenario;
  format: string;
  /** Codec labels, e.g. `gzip:6`. */
  codecs: string[];
  plan: MeasurePlan;
  /** Time the scenario's floors too (the main matrix does; sweeps do not need them). */
  floor: boolean;
  /**
   * A recorded request (--data), base64 of its ExampleListWithContext bytes, measured
   * instead of the scenario's synthetic request; `scenario` is then its schema.
   */
  recorded?: string;
  /** bench --peers: also time the peer libraries on the same bytes (src/bench/peers/). */
  peers?: boolean;
}

export type ParentMessage = { type: 'job'; job: WorkerJob };

export type WorkerMessage =
  /** Sizes are exact; sent once after the round-trip check passed. */
  | { type: 'sizes'; rawBytes: number; compressed: { codec: string; bytes: number }[] }
  /** Announces the op about to be timed (progress only). */
  | { type: 'op-start'; op: TimedOp; codec: string }
  | { type: 'op'; op: TimedOp; codec: string; bytes: number; sample: RoundSample }
  /** bench --peers: one op of a peer library (or the `copy` reference) on the same bytes. */
  | { type: 'peer'; op: 'encode' | 'decode'; impl: string; work: string; bytes: number; sample: RoundSample }
  /** bench --peers: how many of the message's tensor_content fields can be viewed in place. */
  | { type: 'alignment'; tensors: number; aligned: number }
  | { type: 'done' }
  /** `verification`: a format or codec round trip did not reproduce the request (exit 4). */
  | { type: 'error'; kind: 'verification' | 'crash'; message: string };

/** Exit code of a child (and of the bench) when a round-trip check fails. */
export const EXIT_VERIFICATION = 4;
