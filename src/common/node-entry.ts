// How to start one of this package's modules as its own Node process, wherever the package
// runs from: TypeScript sources (a clone) need the tsx loader; compiled JavaScript (an
// installed package, dist/) runs as it is, with no loader and no TypeScript start-up cost.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './env.js';

export interface NodeEntry {
  /** Script to run. */
  file: string;
  /** Node options it needs (the tsx loader when running sources). */
  execArgv: string[];
}

/**
 * The module `name` (no extension) next to `base` (an `import.meta.url`): `name.ts` through
 * tsx when `base` is a source file, `name.js` when it is compiled.
 */
export function moduleEntry(base: string, name: string): NodeEntry {
  const sources = base.endsWith('.ts');
  const file = fileURLToPath(new URL(`./${name}.${sources ? 'ts' : 'js'}`, base));
  // Resolved here, so the child finds tsx whatever its working directory.
  return { file, execArgv: sources ? ['--import', import.meta.resolve('tsx')] : [] };
}

/** The `payload-bench` executable (it picks sources or compiled code itself): spawn it with a command. */
export function cliEntry(): NodeEntry {
  return { file: join(REPO_ROOT, 'bin', 'payload-bench.js'), execArgv: [] };
}
