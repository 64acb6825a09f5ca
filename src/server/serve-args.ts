// Command-line flags of `npm run serve`, validated into ServerOptions. Returns an error
// naming the flag, the bad value and what is allowed instead of throwing. With --data the
// schema is to be inferred from recorded requests (or checked against --scenario): the
// entry point loads the data, this module only validates the flags.
import { readFileSync } from 'node:fs';
import { parseDataFormat, type DataSpec } from '../data/load-data.js';
import { BatchingParamsError, checkBatchingParameters, defaultBatchingParameters, parseBatchingParameters, type BatchingParameters } from './batching-params.js';
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_SERVER_OPTIONS, type ServerOptions } from './create-server.js';
import { NO_FAULTS } from './faults.js';
import { MAX_WINDOW_BYTES } from './grpc-http2.js';

/** --data: serve the schema of these recorded requests; `scenario` is the --scenario to check them against, if given. */
export interface ServeData {
  spec: DataSpec;
  scenario: string | null;
}

export type ServeArgs = { ok: true; help: boolean; options: ServerOptions; data: ServeData | null } | { ok: false; error: string };

export const SERVE_USAGE = `usage: npm run serve -- [flags]

  --port N               gRPC port (0 = pick a free port)                 default 8500
  --rest-port N          REST port (0 = pick a free port)                 default 8501, or 0 with --port 0
  --host H               address to listen on                             default 127.0.0.1
  --scenario S           preset name or scenario .json: the model schema  default etsy-search
  --data FILE            serve the schema of your recorded requests (TFRecord of tf.Example or
                         ExampleListWithContext, or JSON Lines of REST bodies): inferred from
                         the data, or the data checked against --scenario
  --data-format F        tfrecord-example, tfrecord-elwc or jsonl          default detected
  --skip-corrupt         skip and count corrupt records (a boolean flag)
  --candidates N         with --data, regroup examples into requests of N (changes what is context)
  --model-name NAME      model name clients must ask for                  default ranker
  --model-cost N         extra dense-layer units per candidate (~34N flops each)  default 0
  --delay-ms D           add D ms to every successful call (worker not held)      default 0
  --stall-every N        every Nth call stalls the worker ...             default 0 (off)
  --stall-ms M           ... for M ms (calls behind it queue)             default 0
  --error-rate P         share of calls answered UNAVAILABLE, 0..1        default 0
  --max-message-bytes B  largest request message / body (suffix KiB, MiB, GiB allowed)  default 2147483647
  --max-decompressed-bytes B  largest size a compressed REST body may inflate to: inflation
                         stops there and the call is answered 413 (gRPC: --max-message-bytes
                         is grpc-js's one limit, compressed or not)        default 256MiB
  --window-bytes W       HTTP/2 receive window of the gRPC server (0 = Node's 64 KiB)   default 16MiB
  --workers N            worker threads that decode and compute (0 = on the main thread) default: cores
  --rest-api-timeout-ms T  REST calls still waiting after T ms are dropped (TF Serving's
                         --rest_api_timeout_in_ms; 0 = none)               default 30000

  TF Serving batching (merges concurrent requests of a signature into one model call):
  --enable-batching      turn batching on (TF Serving's --enable_batching)
  --batching-parameters-file FILE  BatchingParameters in protobuf text format, the file
                         TF Serving takes, e.g. max_batch_size { value: 128 }
  --max-batch-size N, --batch-timeout-micros N, --max-enqueued-batches N, --num-batch-threads N,
  --allowed-batch-sizes A,B,..., --max-execution-batch-size N, --enable-large-batch-splitting,
  --pad-variable-length-inputs   the same parameters as flags (override the file)
  -h, --help             this text

Prints one line "... grpc=HOST:PORT rest=HOST:PORT" when ready. SIGTERM / SIGINT:
stop accepting, finish in-flight calls, exit 0.`;

const UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function parseBytes(s: string): number | undefined {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(s.trim());
  if (!m) return undefined;
  const unit = UNITS[m[2]!.toLowerCase()];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const o: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, faults: { ...NO_FAULTS } };
  let restPortGiven = false;
  let scenarioGiven: string | null = null;
  let dataPath: string | undefined;
  let dataFormat: DataSpec['format'] = null;
  let dataFormatGiven = false;
  let skipCorrupt = false;
  let candidates: number | null = null;
  let enableBatching = false;
  let batchingFile: string | null = null;
  const batchFlags: Partial<BatchingParameters> = {};
  const fail = (error: string): ServeArgs => ({ ok: false, error });
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return { ok: true, help: true, options: o, data: null };
    if (arg === '--skip-corrupt') {
      skipCorrupt = true;
      continue;
    }
    if (arg === '--enable-batching' || arg === '--enable-large-batch-splitting' || arg === '--pad-variable-length-inputs') {
      if (arg === '--enable-batching') enableBatching = true;
      else if (arg === '--enable-large-batch-splitting') batchFlags.enableLargeBatchSplitting = true;
      else batchFlags.padVariableLengthInputs = true;
      continue;
    }
    if (!arg.startsWith('--')) return fail(`unexpected argument "${arg}" (flags start with --; see --help)`);
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined) return fail(`${flag} needs a value`);
      value = next;
      i++;
    }
    const int = (min: number, max: number): number | undefined => {
      const v = Number(value);
      return value.trim() !== '' && Number.isSafeInteger(v) && v >= min && v <= max ? v : undefined;
    };
    const num = (min: number, max: number): number | undefined => {
      const v = Number(value);
      return value.trim() !== '' && Number.isFinite(v) && v >= min && v <= max ? v : undefined;
    };
    const bad = (expected: string): ServeArgs => fail(`${flag}: expected ${expected}, got "${value}"`);
    switch (flag) {
      case '--port': {
        const v = int(0, 65535);
        if (v === undefined) return bad('a port number 0..65535');
        o.port = v;
        break;
      }
      case '--rest-port': {
        const v = int(0, 65535);
        if (v === undefined) return bad('a port number 0..65535');
        o.restPort = v;
        restPortGiven = true;
        break;
      }
      case '--host':
        if (!value.trim()) return bad('an address such as 127.0.0.1, 0.0.0.0 or ::1');
        o.host = value.trim();
        break;
      case '--scenario':
        if (!value.trim()) return bad('a preset name or a path to a scenario .json file');
        o.scenario = value;
        scenarioGiven = value;
        break;
      case '--data':
        if (!value.trim()) return bad('a path to a TFRecord or JSON Lines file of recorded requests');
        dataPath = value;
        break;
      case '--data-format': {
        const f = parseDataFormat(value);
        if (f === undefined) return bad('tfrecord-example, tfrecord-elwc or jsonl');
        dataFormat = f;
        dataFormatGiven = true;
        break;
      }
      case '--candidates': {
        const v = int(1, 1_000_000);
        if (v === undefined) return bad('an integer 1..1000000');
        candidates = v;
        break;
      }
      case '--model-name':
        if (!value || /[/:?#\s]/.test(value)) return bad('a non-empty name without "/", ":", "?", "#" or spaces (it is part of REST URLs)');
        o.modelName = value;
        break;
      case '--model-cost': {
        const v = int(0, 1e7);
        if (v === undefined) return bad('an integer 0..10000000');
        o.modelCost = v;
        break;
      }
      case '--delay-ms': {
        const v = num(0, 3_600_000);
        if (v === undefined) return bad('milliseconds >= 0');
        o.faults.delayMs = v;
        break;
      }
      case '--stall-every': {
        const v = int(0, Number.MAX_SAFE_INTEGER);
        if (v === undefined) return bad('an integer >= 0 (0 = never)');
        o.faults.stallEvery = v;
        break;
      }
      case '--stall-ms': {
        const v = num(0, 3_600_000);
        if (v === undefined) return bad('milliseconds >= 0');
        o.faults.stallMs = v;
        break;
      }
      case '--error-rate': {
        const v = num(0, 1);
        if (v === undefined) return bad('a probability 0..1');
        o.faults.errorRate = v;
        break;
      }
      case '--max-message-bytes': {
        const v = parseBytes(value);
        if (v === undefined || v < 1 || v > DEFAULT_MAX_MESSAGE_BYTES) return bad(`bytes 1..${DEFAULT_MAX_MESSAGE_BYTES} (e.g. 64MiB)`);
        o.maxMessageBytes = v;
        break;
      }
      case '--max-decompressed-bytes': {
        const v = parseBytes(value);
        if (v === undefined || v < 1 || v > DEFAULT_MAX_MESSAGE_BYTES) return bad(`bytes 1..${DEFAULT_MAX_MESSAGE_BYTES} (e.g. 256MiB)`);
        o.maxDecompressedBytes = v;
        break;
      }
      case '--window-bytes': {
        const v = parseBytes(value);
        if (v === undefined || (v !== 0 && (v < 65535 || v > MAX_WINDOW_BYTES))) return bad(`0 (Node's default) or bytes 65535..${MAX_WINDOW_BYTES} (e.g. 16MiB)`);
        o.windowBytes = v;
        break;
      }
      case '--workers': {
        const v = int(0, 256);
        if (v === undefined) return bad('an integer 0..256 (0 = decode and compute on the main thread)');
        o.workers = v;
        break;
      }
      case '--rest-api-timeout-ms': {
        const v = int(0, 2_147_483_647);
        if (v === undefined) return bad('milliseconds >= 0 (0 = no timeout)');
        o.restTimeoutMs = v;
        break;
      }
      case '--batching-parameters-file':
        if (!value.trim()) return bad('a path to a BatchingParameters text file');
        batchingFile = value;
        break;
      case '--max-batch-size':
      case '--max-execution-batch-size':
      case '--num-batch-threads': {
        const v = int(1, 1_000_000);
        if (v === undefined) return bad('an integer 1..1000000');
        if (flag === '--max-batch-size') batchFlags.maxBatchSize = v;
        else if (flag === '--max-execution-batch-size') batchFlags.maxExecutionBatchSize = v;
        else batchFlags.numBatchThreads = v;
        break;
      }
      case '--batch-timeout-micros': {
        const v = int(0, 3_600_000_000);
        if (v === undefined) return bad('microseconds 0..3600000000');
        batchFlags.batchTimeoutMicros = v;
        break;
      }
      case '--max-enqueued-batches': {
        const v = int(1, 1_000_000_000);
        if (v === undefined) return bad('an integer 1..1000000000');
        batchFlags.maxEnqueuedBatches = v;
        break;
      }
      case '--allowed-batch-sizes': {
        const parts = value.split(',').map((x) => x.trim());
        const sizes = parts.map(Number);
        if (!parts.length || parts.some((x) => !/^\d+$/.test(x)) || sizes.some((n) => n < 1 || n > 1_000_000)) {
          return bad('increasing integers 1..1000000 separated by commas, the last equal to max_batch_size (e.g. 8,16,32)');
        }
        batchFlags.allowedBatchSizes = sizes;
        break;
      }
      default:
        return fail(`unknown flag ${flag} (see --help)`);
    }
  }
  if ((o.faults.stallEvery > 0) !== (o.faults.stallMs > 0)) {
    return fail(`--stall-every and --stall-ms go together (got --stall-every ${o.faults.stallEvery}, --stall-ms ${o.faults.stallMs})`);
  }
  if (o.port === 0 && !restPortGiven) o.restPort = 0;
  const batching = resolveBatching(enableBatching, batchingFile, batchFlags);
  if (typeof batching === 'string') return fail(batching);
  o.batching = batching;
  if (dataPath === undefined) {
    if (dataFormatGiven || skipCorrupt || candidates !== null) return fail('--data-format, --skip-corrupt and --candidates go with --data FILE');
    return { ok: true, help: false, options: o, data: null };
  }
  return { ok: true, help: false, options: o, data: { spec: { path: dataPath, format: dataFormat, skipCorrupt, candidates }, scenario: scenarioGiven } };
}

/** The batching parameters of --enable-batching, its file and flags; an error message when bad. */
function resolveBatching(enable: boolean, file: string | null, flags: Partial<BatchingParameters>): BatchingParameters | null | string {
  const given = Object.keys(flags);
  if (!enable) {
    // TF Serving: "server_options.batching_parameters_file is set without setting server_options.enable_batching to true."
    if (file !== null) return '--batching-parameters-file is set without --enable-batching (TF Serving refuses this too)';
    if (given.length) return 'batching parameter flags (--max-batch-size, ...) need --enable-batching';
    return null;
  }
  let p: BatchingParameters;
  if (file === null) p = { ...defaultBatchingParameters(), threadPoolName: 'model_server_batch_threads' };
  else {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      return `--batching-parameters-file: cannot read "${file}": ${(err as Error).message}`;
    }
    try {
      p = parseBatchingParameters(text, file);
    } catch (err) {
      if (err instanceof BatchingParamsError) return `--batching-parameters-file: ${err.message}`;
      throw err;
    }
  }
  const executionWasDefault = p.maxExecutionBatchSize === p.maxBatchSize && flags.maxExecutionBatchSize === undefined;
  Object.assign(p, flags);
  if (executionWasDefault) p.maxExecutionBatchSize = p.maxBatchSize;
  const err = checkBatchingParameters(p);
  return err ? `batching parameters: ${err}` : p;
}
