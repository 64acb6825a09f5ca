// `payload-bench serve`: see bench/serve.ts.
import { runScript } from './script.js';

export function run(argv: readonly string[], name: string): Promise<number | undefined> {
  return runScript('serve', argv, name);
}
