// `npm run dump`: writes the exact bytes one format (optionally compressed) puts on the wire
// for one request, and prints one JSON line describing them. See --help.
// Exit codes: 0 written, 1 unexpected failure, 2 bad arguments (unknown format, codec, scenario).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dumpRequest } from '../../bench/index.js';
import { parseDumpArgs } from '../../args/dump-args.js';
import { ScenarioError } from '../../scenario/index.js';

function main(): number {
  const parsed = parseDumpArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`dump: ${parsed.message}\nRun "payload-bench dump --help" for usage.\n`);
    return parsed.exitCode;
  }
  const path = resolve(parsed.config.out);
  let dumped;
  try {
    dumped = dumpRequest(parsed.config, path);
  } catch (err) {
    if (err instanceof ScenarioError) {
      process.stderr.write(`dump: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  writeFileSync(path, dumped.bytes);
  process.stdout.write(`${JSON.stringify(dumped.info)}\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(`dump: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
