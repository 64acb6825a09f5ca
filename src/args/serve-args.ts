// Command-line flags of `payload-bench serve`, validated into ServerOptions by the argument
// layer's validators. Returns an error naming the flag, the bad value and what is allowed instead
// of throwing. With --data the schema is to be inferred from recorded requests (or checked
// against --scenario): the command loads the data, this module only validates the flags.
import { readFileSync } from 'node:fs';
import type { DataSpec } from '../data/load-data.js';
import {
  BatchingParamsError,
  checkBatchingParameters,
  defaultBatchingParameters,
  parseBatchingParameters,
  type BatchingParameters,
} from '../server/batching-params.js';
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_SERVER_OPTIONS, type ServerOptions } from '../server/create-server.js';
import { NO_FAULTS } from '../server/faults.js';
import { MAX_WINDOW_BYTES } from '../server/grpc-http2.js';
import {
  badValue,
  parseCount,
  parseDecimal,
  parseList,
  parseOptions,
  parsePort,
  parseProbability,
  parseSize,
  UsageError,
} from './validators.js';
import { readData, SHARED_OPTIONS } from './shared-options.js';
import { SERVE_USAGE } from './serve-usage.js';

export { SERVE_USAGE };

/** --data: serve the schema of these recorded requests; `scenario` is the --scenario to check them against, if given. */
export interface ServeData {
  spec: DataSpec;
  scenario: string | null;
}

export type ServeArgs =
  | { ok: true; help: boolean; options: ServerOptions; data: ServeData | null }
  | { ok: false; error: string };

const OPTIONS = {
  port: { type: 'string' },
  'rest-port': { type: 'string' },
  host: { type: 'string' },
  scenario: SHARED_OPTIONS.scenario,
  data: SHARED_OPTIONS.data,
  'data-format': SHARED_OPTIONS['data-format'],
  'skip-corrupt': SHARED_OPTIONS['skip-corrupt'],
  candidates: SHARED_OPTIONS.candidates,
  'model-name': { type: 'string' },
  'model-cost': { type: 'string' },
  'delay-ms': { type: 'string' },
  'stall-every': { type: 'string' },
  'stall-ms': { type: 'string' },
  'error-rate': { type: 'string' },
  'max-message-bytes': { type: 'string' },
  'max-decompressed-bytes': { type: 'string' },
  'window-bytes': { type: 'string' },
  workers: { type: 'string' },
  'rest-api-timeout-ms': { type: 'string' },
  'enable-batching': { type: 'boolean' },
  'batching-parameters-file': { type: 'string' },
  'max-batch-size': { type: 'string' },
  'max-execution-batch-size': { type: 'string' },
  'num-batch-threads': { type: 'string' },
  'batch-timeout-micros': { type: 'string' },
  'max-enqueued-batches': { type: 'string' },
  'allowed-batch-sizes': { type: 'string' },
  'enable-large-batch-splitting': { type: 'boolean' },
  'pad-variable-length-inputs': { type: 'boolean' },
  help: SHARED_OPTIONS.help,
} as const;

/** Parse `payload-bench serve` arguments (without node and script). Never throws on bad input. */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  try {
    return parseOrThrow(argv);
  } catch (err) {
    if (err instanceof UsageError) return { ok: false, error: err.message };
    throw err;
  }
}

function parseOrThrow(argv: readonly string[]): ServeArgs {
  const { values: v } = parseOptions(argv, OPTIONS);
  const o: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, faults: { ...NO_FAULTS } };
  if (v.help) return { ok: true, help: true, options: o, data: null };
  const count = (flag: keyof typeof OPTIONS, min: number, max: number): number | undefined => {
    const t = v[flag];
    return typeof t === 'string' ? parseCount(`--${flag}`, t, { min, max }) : undefined;
  };
  const decimal = (flag: keyof typeof OPTIONS, min: number, max: number): number | undefined => {
    const t = v[flag];
    return typeof t === 'string' ? parseDecimal(`--${flag}`, t, { min, max }) : undefined;
  };
  if (v.port !== undefined) o.port = parsePort('--port', v.port);
  if (v['rest-port'] !== undefined) o.restPort = parsePort('--rest-port', v['rest-port']);
  else if (o.port === 0) o.restPort = 0;
  if (v.host !== undefined) o.host = v.host.trim();
  if (v.scenario !== undefined) o.scenario = v.scenario;
  if (v['model-name'] !== undefined) {
    if (/[/:?#\s]/.test(v['model-name']))
      throw badValue(
        '--model-name',
        'a name without "/", ":", "?", "#" or spaces (it is part of REST URLs)',
        v['model-name'],
      );
    o.modelName = v['model-name'];
  }
  o.modelCost = count('model-cost', 0, 10_000_000) ?? o.modelCost;
  o.faults.delayMs = decimal('delay-ms', 0, 3_600_000) ?? o.faults.delayMs;
  o.faults.stallEvery = count('stall-every', 0, Number.MAX_SAFE_INTEGER) ?? o.faults.stallEvery;
  o.faults.stallMs = decimal('stall-ms', 0, 3_600_000) ?? o.faults.stallMs;
  if (v['error-rate'] !== undefined) o.faults.errorRate = parseProbability('--error-rate', v['error-rate']);
  if (o.faults.stallEvery > 0 !== o.faults.stallMs > 0) {
    throw new UsageError(
      `--stall-every and --stall-ms go together (got --stall-every ${o.faults.stallEvery}, --stall-ms ${o.faults.stallMs})`,
    );
  }
  const bytes = { min: 1, max: DEFAULT_MAX_MESSAGE_BYTES };
  if (v['max-message-bytes'] !== undefined)
    o.maxMessageBytes = parseSize('--max-message-bytes', v['max-message-bytes'], bytes);
  if (v['max-decompressed-bytes'] !== undefined)
    o.maxDecompressedBytes = parseSize('--max-decompressed-bytes', v['max-decompressed-bytes'], bytes);
  if (v['window-bytes'] !== undefined) {
    const w = v['window-bytes'];
    o.windowBytes = w.trim() === '0' ? 0 : parseSize('--window-bytes', w, { min: 65535, max: MAX_WINDOW_BYTES });
  }
  o.workers = count('workers', 0, 256) ?? o.workers;
  o.restTimeoutMs = count('rest-api-timeout-ms', 0, 2_147_483_647) ?? o.restTimeoutMs;

  const batchFlags: Partial<BatchingParameters> = {};
  const set = <K extends keyof BatchingParameters>(k: K, x: BatchingParameters[K] | undefined): void => {
    if (x !== undefined) batchFlags[k] = x;
  };
  set('maxBatchSize', count('max-batch-size', 1, 1_000_000));
  set('maxExecutionBatchSize', count('max-execution-batch-size', 1, 1_000_000));
  set('numBatchThreads', count('num-batch-threads', 1, 1_000_000));
  set('batchTimeoutMicros', count('batch-timeout-micros', 0, 3_600_000_000));
  set('maxEnqueuedBatches', count('max-enqueued-batches', 1, 1_000_000_000));
  if (v['allowed-batch-sizes'] !== undefined) {
    set(
      'allowedBatchSizes',
      parseList('--allowed-batch-sizes', v['allowed-batch-sizes']).map((s) =>
        parseCount('--allowed-batch-sizes', s, { min: 1, max: 1_000_000 }),
      ),
    );
  }
  if (v['enable-large-batch-splitting']) batchFlags.enableLargeBatchSplitting = true;
  if (v['pad-variable-length-inputs']) batchFlags.padVariableLengthInputs = true;
  o.batching = resolveBatching(v['enable-batching'] === true, v['batching-parameters-file'] ?? null, batchFlags);

  const data = readData(v);
  if (data === null) {
    if (v.candidates !== undefined)
      throw new UsageError('--candidates goes with --data <file> (it regroups recorded examples)');
    return { ok: true, help: false, options: o, data: null };
  }
  return { ok: true, help: false, options: o, data: { spec: data, scenario: v.scenario ?? null } };
}

/** The batching parameters of --enable-batching, its file and flags. */
function resolveBatching(
  enable: boolean,
  file: string | null,
  flags: Partial<BatchingParameters>,
): BatchingParameters | null {
  const given = Object.keys(flags);
  if (!enable) {
    // TF Serving: "server_options.batching_parameters_file is set without setting server_options.enable_batching to true."
    if (file !== null)
      throw new UsageError('--batching-parameters-file is set without --enable-batching (TF Serving refuses this too)');
    if (given.length) throw new UsageError('batching parameter flags (--max-batch-size, ...) need --enable-batching');
    return null;
  }
  let p: BatchingParameters;
  if (file === null) p = { ...defaultBatchingParameters(), threadPoolName: 'model_server_batch_threads' };
  else {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`--batching-parameters-file: cannot read "${file}": ${(err as Error).message}`);
    }
    try {
      p = parseBatchingParameters(text, file);
    } catch (err) {
      if (err instanceof BatchingParamsError) throw new UsageError(`--batching-parameters-file: ${err.message}`);
      throw err;
    }
  }
  const executionWasDefault = p.maxExecutionBatchSize === p.maxBatchSize && flags.maxExecutionBatchSize === undefined;
  Object.assign(p, flags);
  if (executionWasDefault) p.maxExecutionBatchSize = p.maxBatchSize;
  const err = checkBatchingParameters(p);
  if (err) throw new UsageError(`batching parameters: ${err}`);
  return p;
}
