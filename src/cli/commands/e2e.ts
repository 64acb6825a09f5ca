// `npm run e2e`: the end-to-end load test. Parses options (exit 2 on bad ones), decides what to
// send (a scenario, the user's recorded requests with --data, or with --target alone a schema
// read from the model's signature; data and scenarios are checked against a --target's
// signature first: exit 2 on a mismatch, nothing sent), spawns the stub server unless --target
// is given, measures every format x compression x batch size (x bandwidth), writes
// <out>/e2e.json and prints the tables. Ctrl-C stops the current measurement, keeps what was
// measured and writes it (exit 130); a second Ctrl-C quits.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dataScenarioInfo } from '../../common/scenario-info.js';
import { DataError } from '../../data/index.js';
import { ScenarioError } from '../../scenario/index.js';
import {
  createE2eProgress,
  e2eResults,
  E2eServerError,
  renderE2eTables,
  resolveE2eInput,
  runE2eSweep,
  SignatureError,
  type E2eInput,
  type E2ePass,
} from '../../load/index.js';
import { parseE2eArgs } from '../../args/e2e-args.js';

const parsed = parseE2eArgs(process.argv.slice(2));
if (parsed.kind === 'error') {
  console.error(`e2e: ${parsed.message}`);
  process.exit(parsed.exitCode);
}
if (parsed.kind === 'help') {
  console.log(parsed.text);
  process.exit(0);
}
const config = parsed.config;

let input: E2eInput;
try {
  input = await resolveE2eInput(config);
} catch (err) {
  if (err instanceof ScenarioError) {
    console.error(`e2e: --scenario: ${err.message}`);
    process.exit(2);
  }
  if (err instanceof DataError || err instanceof SignatureError) {
    console.error(`e2e: ${err.message}`);
    process.exit(2);
  }
  if (err instanceof E2eServerError) {
    console.error(`e2e: ${err.message}`);
    process.exit(3);
  }
  throw err;
}
const scenario = input.scenario;
if (input.data) {
  const d = input.data;
  console.error(
    `e2e: replaying ${d.requests} recorded request(s) from ${d.path} (${d.format}, ${d.candidatesPerRequest.min}-${d.candidatesPerRequest.max} candidates), ` +
      `schema ${d.schema === 'inferred' ? 'inferred from the data' : `checked against ${d.schema}`}: ${d.features} features${d.corruptSkipped ? `; ${d.corruptSkipped} corrupt record(s) skipped` : ''}`,
  );
}
if (input.signature)
  console.error(
    `e2e: signature "${input.signature.key}" of model "${config.modelName}": ${input.signature.use === 'built' ? `schema read from it (${scenario.features.length} inputs)` : input.signature.use}`,
  );

const abort = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts > 1) {
    console.error('\ne2e: interrupted again, quitting without writing');
    process.exit(130);
  }
  console.error(
    '\ne2e: interrupted: finishing the current measurement and writing what was measured (Ctrl-C again to quit)',
  );
  abort.abort();
});

const progress = createE2eProgress(process.stderr);
const t0 = performance.now();
let pass: E2ePass;
try {
  pass = await runE2eSweep(config, { onProgress: (e) => progress.listener(e), signal: abort.signal, input });
} catch (err) {
  progress.close();
  console.error(`e2e: ${(err as Error).message}`);
  process.exit(err instanceof E2eServerError ? 3 : 1);
}
progress.close();
const wallS = (performance.now() - t0) / 1000;

const interrupted = abort.signal.aborted;
const results = e2eResults(config, scenario, pass, interrupted ? 'interrupted' : 'complete', input.warnings);
// What was sent, for the record: aggregate facts about the data only, never its values.
results.config.input = { source: input.source, ...(input.signature ? { signature: input.signature } : {}) };
if (input.data) {
  results.config.data = { ...config.data, ...input.data };
  results.scenarios = [dataScenarioInfo(scenario, input.data, null)];
}
const dir = resolve(config.out);
mkdirSync(dir, { recursive: true });
const file = join(dir, 'e2e.json');
const tmp = `${file}.${process.pid}.tmp`;
writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
renameSync(tmp, file);

const tables = renderE2eTables(pass.runs, pass.harnessFloor);
if (config.json) {
  process.stderr.write(tables);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  process.stdout.write(tables);
}
console.error(`e2e: ${pass.runs.length} runs in ${wallS.toFixed(1)}s; wrote ${file}`);
process.exit(interrupted ? 130 : 0);
