// `payload-bench dump`: see bench/dump.ts.
import { runScript } from './script.js';

export function run(argv: readonly string[], name: string): Promise<number | undefined> {
  return runScript('dump', argv, name);
}
