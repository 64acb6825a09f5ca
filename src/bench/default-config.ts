// The configuration `payload-bench bench` runs with when given no options, for library
// callers: `runBench(defaultBenchConfig({ formats: ['tensor-content', 'my-format'] }))`.
import { parseBenchArgs, type BenchConfig } from './parse-args.js';

/** Defaults, with `overrides` applied on top (shallow). */
export function defaultBenchConfig(overrides: Partial<BenchConfig> = {}): BenchConfig {
  const parsed = parseBenchArgs([]);
  if (parsed.kind !== 'run') throw new Error('unreachable: the bench defaults parse');
  return { ...parsed.config, ...overrides };
}
