// Re-measures the formats behind suspected timing regressions with the same plan
// the current results were measured with, so a false alarm has to happen twice.
import type { BenchConfig } from '../bench/config.js';
import type { Results } from '../results/index.js';
import type { CheckRow } from './types.js';

/** The bench config recorded in `current`, narrowed to the suspects' scenarios and formats. */
export function remeasureConfig(current: Results, suspects: readonly CheckRow[]): BenchConfig {
  const c = current.config as Partial<BenchConfig>;
  if (!Array.isArray(c.scenarios) || !c.plan)
    throw new Error('the current results do not record the bench config they were measured with');
  const formats = [...new Set(suspects.map((s) => s.format))] as BenchConfig['formats'];
  const names = new Set(suspects.map((s) => s.scenario));
  const scenarios = c.scenarios.filter((ref, i) => names.has(current.scenarios[i]?.name ?? ref));
  return {
    scenarios: scenarios.length ? scenarios : c.scenarios,
    formats,
    codecs: ['identity'],
    candidates: c.candidates ?? null,
    seed: c.seed ?? null,
    out: c.out ?? 'results',
    json: false,
    quick: c.quick ?? false,
    sweeps: [],
    plan: c.plan,
    e2e: false,
    check: null,
  };
}

/** Re-measures with `measure` (the bench layer's runBench, handed in: the check never imports a measuring function). */
export async function remeasure(
  current: Results,
  suspects: readonly CheckRow[],
  measure: (config: BenchConfig) => Promise<Results>,
): Promise<Results> {
  const again = await measure(remeasureConfig(current, suspects));
  // Sizes were already compared; the re-measure only speaks for timings. Its environment lists
  // only the codecs it re-measured (identity), so the current run's codec versions are kept:
  // otherwise every compressed size would look "not compared: codec library versions differ".
  return {
    ...again,
    env: { ...again.env, codecVersions: current.env.codecVersions },
    sizes: current.sizes,
    scenarios: current.scenarios,
  };
}
