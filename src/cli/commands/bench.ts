// `payload-bench bench`: see bench/bench.ts.
import { runScript } from './script.js';

export function run(argv: readonly string[], name: string): Promise<number | undefined> {
  return runScript('bench', argv, name);
}
