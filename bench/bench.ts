// `npm run bench`: measures every format x codec on the chosen scenarios, prints a table per
// scenario and writes results/latest.json, summary.md and results.csv. See --help.
// Exit codes: 0 done, 1 unexpected failure, 2 bad arguments, 4 round-trip check failed,
// 130 interrupted (what was measured is written).
import {
  assertResults,
  createProgress,
  EXIT_VERIFICATION,
  parseBenchArgs,
  renderConsole,
  resolveScenarios,
  runBench,
  VerificationError,
  writeResults,
  type ResolvedScenarios,
} from '../src/bench/index.js';
import { ScenarioError } from '../src/scenario/index.js';

async function main(): Promise<number> {
  const parsed = parseBenchArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`bench: ${parsed.message}\nRun "npm run bench -- --help" for usage.\n`);
    return parsed.exitCode;
  }
  const config = parsed.config;
  let resolved: ResolvedScenarios;
  try {
    resolved = resolveScenarios(config);
  } catch (err) {
    if (err instanceof ScenarioError) {
      process.stderr.write(`bench: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  // First Ctrl-C: stop the running child, keep and write what was measured. Second: quit now.
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const progress = createProgress(process.stderr);
  let results;
  try {
    results = await runBench(config, { signal: abort.signal, onProgress: progress, resolved });
  } catch (err) {
    if (err instanceof VerificationError) {
      process.stderr.write(`\nbench: FAILED round-trip check, no results written: ${err.message}\n`);
      return EXIT_VERIFICATION;
    }
    throw err;
  }
  assertResults(JSON.parse(JSON.stringify(results)));
  const files = writeResults(results, config.out);
  const table = renderConsole(results);
  if (config.json) {
    process.stderr.write(`\n${table}`);
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    process.stdout.write(`\n${table}`);
  }
  process.stderr.write(`bench: wrote ${files.json}, ${files.markdown}, ${files.csv}\n`);
  return results.state === 'interrupted' ? 130 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
