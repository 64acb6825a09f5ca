// `payload-bench check`: see bench/check.ts.
import { runScript } from './script.js';

export function run(argv: readonly string[], name: string): Promise<number | undefined> {
  return runScript('check', argv, name);
}
