// `payload-bench export artillery`: payloads, a manifest and an Artillery script for running the
// same requests on Artillery's runners (src/export/).
import { runExport } from '../../export/index.js';

export function run(argv: readonly string[]): Promise<number> {
  return runExport([...argv]);
}
