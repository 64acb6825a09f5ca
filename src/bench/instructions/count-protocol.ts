// What count-instructions.ts hands a counting worker (as a JSON file) and what it writes back.
import type { Scenario } from '../../scenario/index.js';

export type CountedOp = 'encode' | 'decode' | 'compress' | 'decompress';

export interface CountJob {
  scenario: Scenario;
  format: string;
  /** Codec labels whose compress and decompress are counted. */
  codecs: string[];
  /** Path of the built callgrind addon. */
  addon: string;
  /** Where callgrind writes its dump files (`cg.<pid>.<n>`). */
  dumpDir: string;
  outFile: string;
  /** PAYLOAD_BENCH_INJECT_SLOWDOWN, passed through (test-only). */
  slowdown?: string;
}

export interface CountOutput {
  rawBytes: number;
  compressed: { codec: string; bytes: number }[];
  counts: { op: CountedOp; codec: string; instructions: number }[];
}
