#!/usr/bin/env node
// The `payload-bench` executable. An installed package runs the compiled JavaScript in
// dist/; a clone of the repository (src/ present) runs the TypeScript through tsx.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  const { runCli } = await import(source.href);
  runCli();
} else {
  const { runCli } = await import('../dist/cli/main.js');
  runCli();
}
