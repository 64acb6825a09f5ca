// `payload-bench scenario`: see bench/scenario.ts.
import { runScript } from './script.js';

export function run(argv: readonly string[], name: string): Promise<number | undefined> {
  return runScript('scenario', argv, name);
}
