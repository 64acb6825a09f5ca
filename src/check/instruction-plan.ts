// What instruction mode counts: the instruction baseline records the scenario, candidates,
// seed, formats and codecs it was counted with, and a check counts exactly those again (or a
// subset of the formats). The counting itself is handed in by the caller (the bench layer's
// countInstructions): the check never imports a measuring function.
import type { InstructionConfig } from '../bench/instructions/count-instructions.js';
import type { Results } from '../results/types.js';
import { assertComparable, check } from './check.js';
import { CheckError, DEFAULT_CHECK_OPTIONS, type CheckReport } from './types.js';

/** Counts instructions for a config (src/bench/instructions countInstructions, or a stand-in in tests). */
export type CountInstructions = (config: InstructionConfig) => Promise<Results>;

/** The default instruction baseline, next to the timing baseline. */
export const INSTRUCTION_BASELINE = 'results/baseline-instructions.json';

/**
 * The config to count now so the result compares with `baseline`; `formats` narrows it.
 * @throws CheckError(3) when the baseline holds no instruction counts; CheckError(2) for an unknown format
 */
export function instructionConfigOf(baseline: Results, path: string, formats?: readonly string[]): InstructionConfig {
  const c = baseline.config as Partial<InstructionConfig> & { mode?: unknown };
  if (
    !baseline.instructions?.length ||
    c.mode !== 'instructions' ||
    !Array.isArray(c.scenarios) ||
    !Array.isArray(c.formats) ||
    !Array.isArray(c.codecs)
  ) {
    throw new CheckError(
      `${path} holds no instruction counts: create it with "npm run check -- --instructions --update-baseline" (and commit it)`,
      3,
    );
  }
  let chosen = c.formats;
  if (formats?.length) {
    const unknown = formats.filter((f) => !c.formats!.includes(f));
    if (unknown.length)
      throw new CheckError(
        `--formats: ${unknown.join(', ')} not in the instruction baseline ${path} (it has ${c.formats.join(', ')})`,
        2,
      );
    chosen = [...formats];
  }
  return {
    scenarios: c.scenarios,
    candidates: c.candidates ?? null,
    seed: c.seed ?? null,
    formats: chosen,
    codecs: c.codecs,
    runs: 1,
  };
}

export interface InstructionCheckOptions {
  /** Count only these formats (of the baseline's). */
  formats?: readonly string[];
  /** Fresh processes per format. @default 1 */
  runs?: number;
  /** @default 0.02 */
  threshold?: number;
  strict?: boolean;
}

/** Count what `baseline` holds again with `count`, and compare: sizes exactly, instructions against the threshold. */
export async function checkInstructions(
  baseline: Results,
  baselinePath: string,
  count: CountInstructions,
  opts: InstructionCheckOptions = {},
): Promise<{ report: CheckReport; current: Results }> {
  const config = { ...instructionConfigOf(baseline, baselinePath, opts.formats), runs: opts.runs ?? 1 };
  const current = await count(config);
  assertComparable(baseline, current);
  const report = check(baseline, current, {
    timings: false,
    instructionThreshold: opts.threshold ?? DEFAULT_CHECK_OPTIONS.instructionThreshold,
    strict: opts.strict === true,
  });
  return { report, current };
}
