// `payload-bench report`: see bench/report.ts.
import { runScript } from './script.js';

export function run(argv: readonly string[], name: string): Promise<number | undefined> {
  return runScript('report', argv, name);
}
