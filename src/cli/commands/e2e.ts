// `payload-bench e2e`: see bench/e2e.ts.
import { runScript } from './script.js';

export function run(argv: readonly string[], name: string): Promise<number | undefined> {
  return runScript('e2e', argv, name);
}
