// Runs a command whose code still lives in its own script under bench/ (the `npm run`
// entry points): the script reads process.argv and sets the exit code itself.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function runScript(script: string, argv: readonly string[], name: string): Promise<number | undefined> {
  const url = new URL(`../../../bench/${script}.ts`, import.meta.url);
  if (!existsSync(url)) {
    process.stderr.write(`payload-bench ${name}: not available in this installation (bench/${script}.ts is missing)\n`);
    return 1;
  }
  process.argv = [process.argv[0]!, fileURLToPath(url), ...argv];
  await import(url.href);
  return undefined;
}
