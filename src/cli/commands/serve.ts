// `npm run serve`: the stub TensorFlow Serving server (gRPC PredictionService + REST).
// Prints one ready line with both addresses; SIGTERM / SIGINT drain in-flight calls
// and exit 0 (a second signal exits at once). Bad flags, a bad scenario or bad --data:
// message and exit 2. With --data it serves the schema of the user's recorded requests.
import { DataError, loadData } from '../../data/index.js';
import { loadScenario, ScenarioError } from '../../scenario/index.js';
import { formatBatchingParameters, startServer } from '../../server/index.js';
import { SERVE_USAGE } from '../../args/serve-args.js';
import { parseServeArgs } from '../../args/serve-args.js';

const args = parseServeArgs(process.argv.slice(2));
if (!args.ok) {
  console.error(`serve: ${args.error}`);
  process.exit(2);
}
if (args.help) {
  console.log(SERVE_USAGE);
  process.exit(0);
}
const o = args.options;
if (args.data) {
  try {
    const given = args.data.scenario !== null ? loadScenario(args.data.scenario) : undefined;
    const loaded = loadData(args.data.spec, given ? { scenario: given } : {});
    o.scenario = loaded.scenario;
    const d = loaded.summary;
    console.error(
      `serve: schema ${given ? `of scenario ${given.name}, checked against` : 'inferred from'} ${d.requests} request(s) in ${d.path} (${d.format}): ${d.features} features` +
        `${d.corruptSkipped ? `; ${d.corruptSkipped} corrupt record(s) skipped` : ''}`,
    );
  } catch (err) {
    if (!(err instanceof DataError || err instanceof ScenarioError)) throw err;
    console.error(`serve: ${err.message}`);
    process.exit(2);
  }
}

const server = await startServer(o).catch((err: unknown) => {
  console.error(`serve: ${(err as Error).message}`);
  // A bad scenario is a bad flag value; anything else (port in use, ...) is a runtime failure.
  return process.exit(err instanceof Error && err.name === 'ScenarioError' ? 2 : 1);
});
const scenario = typeof o.scenario === 'string' ? o.scenario : o.scenario.name;
console.log(
  `stub TF Serving ready: model=${o.modelName} version=1 scenario=${scenario} features=${server.servable.schema.features.length} ` +
    `grpc=${server.grpcAddress} rest=${server.restAddress} workers=${o.workers} batching=${o.batching ? 'on' : 'off'}`,
);
if (o.batching) console.error(`serve: batching parameters:\n${formatBatchingParameters(o.batching).trimEnd()}`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) {
    console.error(`serve: ${signal} again, exiting without waiting`);
    process.exit(1);
  }
  stopping = true;
  console.log(`serve: ${signal}, draining ${server.inFlight()} in-flight call(s)`);
  server.close().then(
    () => {
      console.log(`serve: stats ${JSON.stringify(server.stats())}`);
      console.log('serve: stopped');
      process.exit(0);
    },
    (err: unknown) => {
      console.error(`serve: error while stopping: ${(err as Error).message}`);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
