// Command-line parsing for `npm run e2e`: argv in, a typed E2eConfig or a usage error out (the
// entry point prints it and exits 2). Pure: loads no scenario, touches no file or socket.
import { readFileSync } from 'node:fs';
import { parseArgs as nodeParseArgs } from 'node:util';
import { parseDataFormat, type DataSpec } from '../data/load-data.js';
import { FormatError, getFormat, parseFormatList, type FormatId } from '../formats/index.js';
import { MAX_CANDIDATES } from '../scenario/index.js';
import { BatchingParamsError, parseBatchingParameters } from '../server/batching-params.js';
import {
  COMPRESSIONS,
  DEFAULT_BATCH_SIZES,
  DEFAULT_COMPRESSIONS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_DURATION_MS,
  DEFAULT_E2E_FORMATS,
  DEFAULT_E2E_SCENARIO,
  DEFAULT_FLOOR_CALLS,
  DEFAULT_MIN_SEARCHES,
  DEFAULT_MODEL_NAME,
  DEFAULT_OUT,
  DEFAULT_SEARCHES,
  DEFAULT_WARMUP_MS,
  HARD_CAP_FACTOR,
  MAX_COMBINATION_MS,
  type Compression,
  type E2eConfig,
  type LoadSpec,
  type StubOptions,
  type StubVariant,
} from './config.js';
import { formatBandwidth, parseBandwidth, parseDurationMs, parseRttMs, UnitError } from './units.js';

export type ParsedE2eArgs =
  | { kind: 'run'; config: E2eConfig }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string; exitCode: 2 };

export const E2E_USAGE = `Usage: npm run e2e -- [options]

End-to-end load test: spawns the stub TF Serving server in its own process (or uses
--target), measures the harness floor (a no-op call per transport), sends searches split
into batches, and reports per-request and per-search latency over every search (percentiles
with 95 % confidence intervals, only where the sample supports them), the share within the
budget, accounting, a per-request time breakdown and CPU cost. Writes e2e.json to the output
folder and prints a table.

What to send:
  --scenario <preset|file>   scenario (default ${DEFAULT_E2E_SCENARIO}, or with --target alone the
                             model's signature read with GetModelMetadata); a search = its candidates
  --data <file>              replay your own recorded requests round-robin, one per search: TFRecord
                             of tf.Example or ExampleListWithContext, or JSON Lines of REST bodies;
                             schema inferred from the data, or checked against --scenario
  --data-format <f>          tfrecord-example, tfrecord-elwc or jsonl (default: detected)
  --skip-corrupt             skip and count corrupt records instead of stopping at the first
  --candidates <N>           override the scenario's candidates per search; with --data,
                             regroup the recorded examples into requests of N
  --seed <S>                 override the scenario's seed
  --formats <a,b|all>        formats (default ${DEFAULT_E2E_FORMATS.join(',')})
  --compression <list>       identity,gzip,deflate: gRPC message compression, REST request
                             body Content-Encoding (default ${DEFAULT_COMPRESSIONS.join(',')})
  --batch-size <list>        candidates per request, e.g. 5,25,100,1000 (default ${DEFAULT_BATCH_SIZES.join(',')})

How hard (one of):
  --rate <R|auto>            open loop (default): R searches/s started on schedule; latency is
                             measured from each search's intended start. auto (default) = one
                             rate for every format of a batch size and compression: half the
                             rate the fastest of them reaches one search at a time (warmup)
  --arrival constant|poisson open-loop arrivals (default constant)
  --concurrency <N>          closed loop: N searches in flight, back to back

How long (per format x compression x batch size):
  --requests <N>             searches per cell (each is ceil(candidates / batch) requests)
                             (default ${DEFAULT_SEARCHES}); a format too slow to answer N within the time cap
                             gets fewer, sized from its one-at-a-time time, but --min-searches
  --duration <time>          time cap of a cell's schedule, e.g. 10s (default ${DEFAULT_DURATION_MS / 1000}s; with
                             --requests alone ${MAX_COMBINATION_MS / 1000}s); alone: measure for this long
  --min-searches <N>         fewest searches a slow format is sized down to (default ${DEFAULT_MIN_SEARCHES})
  --warmup <time>            one-at-a-time searches before each cell (default ${DEFAULT_WARMUP_MS / 1000}s)
  --deadline-ms <ms>         per-search budget (SLO) from its intended start (default ${DEFAULT_DEADLINE_MS});
                             searches over it are counted and still timed to their answer
  --hard-cap-ms <ms>         cut a search this long after its intended start (default ${HARD_CAP_FACTOR}x the
                             budget); cut searches are counted at the cap, never dropped
  --floor-calls <N>          no-op calls per transport for the harness floor (default ${DEFAULT_FLOOR_CALLS})

Where:
  --target <host:port>       measure a running gRPC server instead of spawning the stub. Its
                             signature (GetModelMetadata) gives the schema when neither --scenario
                             nor --data is given; otherwise they are checked against it first and
                             every mismatch is explained (exit 2, nothing sent)
  --rest-target <host:port>  its REST endpoint (for json-* and msgpack formats)
  --model-name <name>        model to call (default ${DEFAULT_MODEL_NAME})
  --protocol tfs|oip         the --target's API: TF Serving's (default) or the Open Inference Protocol
                             (Triton, KServe, MLServer): the schema comes from ModelMetadata, and
                             the default formats are oip-typed, oip-raw (+ oip-json, oip-binary
                             with --rest-target)
  --signature <name>         signature for every format (default: each format's own); with
                             --target, the signature the schema is read from or checked against
                             (default serving_default)
  --connections <K>          gRPC channels to spread requests over (default 1); REST keep-alive
                             socket cap (default: one per in-flight request)

Network (through a shaping relay on 127.0.0.1):
  --bandwidth <bw>           link bandwidth per direction, e.g. 100mbit, 1gbit
  --rtt <time>               added round-trip time, e.g. 2ms (half each way)
  --sweep bandwidth=<list>   repeat everything per bandwidth, e.g. bandwidth=100mbit,1gbit,10gbit
  --sweep workers=<list>     repeat everything per stub worker count, e.g. workers=1,2
  --sweep batching=<list>    repeat everything with stub batching off and per parameters file,
                             e.g. batching=off,batching.txt (with workers: every combination)

Stub fault injection (spawned stub only):
  --delay-ms <ms>  --stall-every <N> --stall-ms <ms>  --error-rate <p>  --model-cost <n>
  --workers <N>              stub worker threads that decode and compute (0 = its main thread;
                             default one per core)
  --batching-parameters-file <file>  run the stub with TF Serving batching (--enable_batching),
                             parameters in TF Serving's text format

Output and cost:
  --core-hour-usd <price>    monthly cost estimate at 1,000 searches/s
  --out <dir>                output folder for e2e.json (default ${DEFAULT_OUT}/)
  --json                     print the results JSON on stdout; tables and progress go to stderr
  -h, --help                 show this help

Exit codes: 0 done, 1 unexpected failure, 2 bad arguments, 3 the server could not be
started or reached, 130 interrupted (what was measured is written).`;

const OPTIONS = {
  scenario: { type: 'string' },
  data: { type: 'string' },
  'data-format': { type: 'string' },
  'skip-corrupt': { type: 'boolean' },
  candidates: { type: 'string' },
  seed: { type: 'string' },
  formats: { type: 'string' },
  compression: { type: 'string' },
  'batch-size': { type: 'string' },
  rate: { type: 'string' },
  arrival: { type: 'string' },
  concurrency: { type: 'string' },
  duration: { type: 'string' },
  requests: { type: 'string' },
  warmup: { type: 'string' },
  'deadline-ms': { type: 'string' },
  'hard-cap-ms': { type: 'string' },
  'min-searches': { type: 'string' },
  'floor-calls': { type: 'string' },
  connections: { type: 'string' },
  target: { type: 'string' },
  'rest-target': { type: 'string' },
  'model-name': { type: 'string' },
  signature: { type: 'string' },
  protocol: { type: 'string' },
  'core-hour-usd': { type: 'string' },
  bandwidth: { type: 'string' },
  rtt: { type: 'string' },
  sweep: { type: 'string', multiple: true },
  'delay-ms': { type: 'string' },
  'stall-every': { type: 'string' },
  'stall-ms': { type: 'string' },
  'error-rate': { type: 'string' },
  'model-cost': { type: 'string' },
  workers: { type: 'string' },
  'batching-parameters-file': { type: 'string' },
  'arrival-seed': { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export class E2eUsageError extends Error {
  override name = 'E2eUsageError';
}

/** Parse `npm run e2e` arguments (without node and script). Never throws. */
export function parseE2eArgs(argv: readonly string[]): ParsedE2eArgs {
  try {
    return parseOrThrow(argv);
  } catch (err) {
    if (err instanceof E2eUsageError || err instanceof FormatError || err instanceof UnitError) {
      return { kind: 'error', message: err.message, exitCode: 2 };
    }
    throw err;
  }
}

type Values = ReturnType<typeof nodeParse>['values'];

function parseOrThrow(argv: readonly string[]): ParsedE2eArgs {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = nodeParse(argv));
  } catch (err) {
    throw new E2eUsageError(nodeErrorText(err));
  }
  if (values.help) return { kind: 'help', text: E2E_USAGE };
  if (positionals.length > 0) throw new E2eUsageError(`unexpected argument "${positionals[0]}" (options start with --; see --help)`);

  const scenario = str('--scenario', values.scenario) ?? null;
  const data = parseData(values);
  if (data && values.seed !== undefined) throw new E2eUsageError('--data: --seed applies to synthetic requests; recorded requests are replayed as they are');
  const protocol = str('--protocol', values.protocol) ?? 'tfs';
  if (protocol !== 'tfs' && protocol !== 'oip') throw new E2eUsageError(`--protocol: expected tfs (TF Serving) or oip (Open Inference Protocol: Triton, KServe, MLServer), got ${JSON.stringify(protocol)}`);
  const formats = values.formats === undefined ? defaultE2eFormats(protocol, values['rest-target'] !== undefined || values.target === undefined) : parseFormatList(str('--formats', values.formats)!).map((f) => f.id);
  const alien = formats.filter((id) => (getFormat(id).protocol ?? 'tfs') !== protocol);
  if (protocol === 'oip' && alien.length) throw new E2eUsageError(`--protocol oip: formats ${alien.join(', ')} speak TF Serving's API; an Open Inference Protocol server takes oip-typed, oip-raw, oip-json, oip-binary`);
  const compressions = parseCompressions(values.compression);
  const batchSizes = parseBatchSizes(values['batch-size']);
  const load = parseLoad(values);

  const durationText = str('--duration', values.duration);
  const requestsGiven = int('--requests', values.requests, 1, 10_000_000) ?? null;
  // Neither: count-bound with the default cap. --requests alone: a long cap. --duration alone: time-bound.
  const searches = requestsGiven ?? (durationText === undefined ? DEFAULT_SEARCHES : null);
  const durationMs =
    durationText === undefined ? (requestsGiven === null ? DEFAULT_DURATION_MS : MAX_COMBINATION_MS) : parseDurationMs(durationText, '--duration');
  if (durationMs < 10 || durationMs > 3_600_000) {
    throw new E2eUsageError(`--duration: expected from 10ms to 1h, got ${JSON.stringify(durationText)}`);
  }
  const minSearches = int('--min-searches', values['min-searches'], 1, 10_000_000) ?? Math.min(DEFAULT_MIN_SEARCHES, searches ?? DEFAULT_MIN_SEARCHES);
  if (searches !== null && minSearches > searches) throw new E2eUsageError(`--min-searches: ${minSearches} is more than --requests ${searches}`);
  const warmupText = str('--warmup', values.warmup);
  const warmupMs = warmupText === undefined ? DEFAULT_WARMUP_MS : parseDurationMs(warmupText, '--warmup');
  if (warmupMs > 600_000) throw new E2eUsageError(`--warmup: expected at most 10m, got ${JSON.stringify(warmupText)}`);
  if (load.mode === 'open' && load.rate === 'auto' && warmupMs === 0) {
    throw new E2eUsageError('--warmup 0 leaves nothing to measure the automatic rate from: give --warmup > 0 or an explicit --rate R');
  }
  const deadlineMs = num('--deadline-ms', values['deadline-ms'], 1, 600_000) ?? DEFAULT_DEADLINE_MS;
  const hardCapMs = num('--hard-cap-ms', values['hard-cap-ms'], 1, 3_600_000) ?? deadlineMs * HARD_CAP_FACTOR;
  if (hardCapMs < deadlineMs) throw new E2eUsageError(`--hard-cap-ms: ${hardCapMs} is below the ${deadlineMs} ms budget (--deadline-ms); the cap must be at least the budget`);

  const target = hostPort('--target', values.target);
  const restTarget = hostPort('--rest-target', values['rest-target']);
  const external = target !== null || restTarget !== null;
  if (external) {
    const needsRest = formats.filter((f) => isRestFormat(f));
    const needsGrpc = formats.filter((f) => !isRestFormat(f));
    if (needsRest.length > 0 && restTarget === null) {
      throw new E2eUsageError(`--target: formats ${needsRest.join(', ')} travel over REST; give --rest-target <host:port> too, or leave them out of --formats`);
    }
    if (needsGrpc.length > 0 && target === null) {
      throw new E2eUsageError(`--rest-target: formats ${needsGrpc.join(', ')} travel over gRPC; give --target <host:port> too, or leave them out of --formats`);
    }
  }

  const stub = parseStub(values);
  if (external && Object.keys(stub).length > 0) {
    throw new E2eUsageError(`--${Object.keys(stub).map(kebab)[0]}: fault injection applies to the spawned stub server only, not to --target / --rest-target`);
  }

  const bandwidthText = str('--bandwidth', values.bandwidth);
  const sweepItems = values.sweep ?? [];
  const isStubSweep = (item: string): boolean => /^\s*(workers|batching)\s*=/.test(item);
  const stubSweep = parseStubSweeps(sweepItems.filter(isStubSweep));
  if (stubSweep.length > 0 && external) throw new E2eUsageError('--sweep workers=... / batching=...: the stub is swept, not a --target server');
  if (stubSweep.some((v) => v.workers !== undefined) && stub.workers !== undefined) throw new E2eUsageError('--workers and --sweep workers=... both set the workers; give one of them');
  if (stubSweep.some((v) => v.batching !== undefined) && stub.batchingFile !== undefined) {
    throw new E2eUsageError('--batching-parameters-file and --sweep batching=... both set batching; give one of them');
  }
  const sweepBandwidths = parseSweeps(sweepItems.filter((i) => !isStubSweep(i)));
  if (bandwidthText !== undefined && sweepBandwidths !== undefined) {
    throw new E2eUsageError('--bandwidth and --sweep bandwidth=... both set the link bandwidth; give one of them');
  }
  const bandwidths = sweepBandwidths ?? [bandwidthText === undefined ? null : parseBandwidth(bandwidthText, '--bandwidth')];
  const rttText = str('--rtt', values.rtt);
  const rttMs = rttText === undefined ? 0 : parseRttMs(rttText);

  const candidates = int('--candidates', values.candidates, 1, MAX_CANDIDATES) ?? null;
  const config: E2eConfig = {
    scenario,
    data: data ? { ...data, candidates } : null,
    candidates,
    seed: int('--seed', values.seed, 0, 0xffffffff) ?? null,
    formats,
    compressions,
    batchSizes,
    load,
    durationMs,
    searches,
    minSearches,
    warmupMs,
    deadlineMs,
    hardCapMs,
    floorCalls: int('--floor-calls', values['floor-calls'], 10, 1_000_000) ?? DEFAULT_FLOOR_CALLS,
    connections: int('--connections', values.connections, 1, 256) ?? null,
    target,
    restTarget,
    modelName: str('--model-name', values['model-name']) ?? DEFAULT_MODEL_NAME,
    signature: str('--signature', values.signature) ?? null,
    ...(protocol === 'oip' ? { protocol } : {}),
    coreHourUsd: num('--core-hour-usd', values['core-hour-usd'], 0, 1000, true) ?? null,
    bandwidths,
    rttMs,
    stub,
    ...(stubSweep.length > 0 ? { stubSweep } : {}),
    arrivalSeed: int('--arrival-seed', values['arrival-seed'], 0, 0xffffffff) ?? 1,
    json: values.json === true,
    out: str('--out', values.out) ?? DEFAULT_OUT,
  };
  return { kind: 'run', config };
}

/** --data, --data-format, --skip-corrupt; the regrouping count is filled in from --candidates. */
function parseData(values: Values): Omit<DataSpec, 'candidates'> | null {
  const path = str('--data', values.data);
  const formatText = str('--data-format', values['data-format']);
  if (path === undefined) {
    if (formatText !== undefined || values['skip-corrupt'] !== undefined) throw new E2eUsageError('--data-format and --skip-corrupt go with --data <file>');
    return null;
  }
  const format = formatText === undefined ? null : parseDataFormat(formatText);
  if (format === undefined) throw new E2eUsageError(`--data-format: expected tfrecord-example, tfrecord-elwc or jsonl, got ${JSON.stringify(formatText)}`);
  return { path, format, skipCorrupt: values['skip-corrupt'] === true };
}

function isRestFormat(id: string): boolean {
  return getFormat(id).transport === 'rest';
}

function nodeParse(argv: readonly string[]) {
  return nodeParseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
}

/** node:util parseArgs errors, reworded without the internal error code. */
function nodeErrorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const unknown = /Unknown option '([^']+)'/.exec(msg);
  if (unknown) return `unknown option "${unknown[1]}" (see --help)`;
  const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(msg);
  if (missing) return `option "${missing[1]!.replace(/^-\w, /, '')}" needs a value`;
  return `${msg.replace(/\.$/, '')} (see --help)`;
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function str(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === '' || v.startsWith('--')) throw new E2eUsageError(`${name}: expected a value, got ${JSON.stringify(v)}`);
  return v.trim();
}

/** Decimal integer in [min, max]; undefined when absent. */
function int(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim().replaceAll('_', '');
  const n = /^-?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new E2eUsageError(`${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

/** Decimal number in [min, max] (exclusive of min when `gtMin`); undefined when absent. */
function num(name: string, v: string | undefined, min: number, max: number, gtMin = false): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  const n = /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(n) || (gtMin ? n <= min : n < min) || n > max) {
    throw new E2eUsageError(`${name}: expected a number ${gtMin ? 'above' : 'from'} ${min} ${gtMin ? 'and up ' : ''}to ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

function list(name: string, v: string): string[] {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new E2eUsageError(`${name}: expected a comma-separated list without empty items, got ${JSON.stringify(v)}`);
  const dup = parts.find((p, i) => parts.indexOf(p) !== i);
  if (dup !== undefined) throw new E2eUsageError(`${name}: "${dup}" is listed twice`);
  return parts;
}

function parseCompressions(v: string | undefined): Compression[] {
  if (v === undefined) return [...DEFAULT_COMPRESSIONS];
  return list('--compression', str('--compression', v)!).map((c) => {
    const id = c.toLowerCase();
    if (!(COMPRESSIONS as readonly string[]).includes(id)) {
      throw new E2eUsageError(`--compression: unknown compression "${c}" (expected ${COMPRESSIONS.join(', ')}: what gRPC and HTTP clients send)`);
    }
    return id as Compression;
  });
}

function parseBatchSizes(v: string | undefined): number[] {
  if (v === undefined) return [...DEFAULT_BATCH_SIZES];
  return list('--batch-size', str('--batch-size', v)!).map((b) => int('--batch-size', b, 1, MAX_CANDIDATES)!);
}

function parseLoad(values: Values): LoadSpec {
  const concurrency = int('--concurrency', values.concurrency, 1, 10_000);
  const rateText = str('--rate', values.rate);
  const arrivalText = str('--arrival', values.arrival);
  if (concurrency !== undefined && rateText !== undefined) {
    throw new E2eUsageError('--concurrency (closed loop) and --rate (open loop) exclude each other; give one');
  }
  if (concurrency !== undefined) {
    if (arrivalText !== undefined) throw new E2eUsageError('--arrival applies to the open loop (--rate); a closed loop (--concurrency) starts each search when one ends');
    return { mode: 'closed', concurrency };
  }
  if (arrivalText !== undefined && arrivalText !== 'constant' && arrivalText !== 'poisson') {
    throw new E2eUsageError(`--arrival: expected constant or poisson, got ${JSON.stringify(arrivalText)}`);
  }
  const arrival = (arrivalText ?? 'constant') as 'constant' | 'poisson';
  if (rateText === undefined || rateText === 'auto') return { mode: 'open', rate: 'auto', arrival };
  const rate = Number(rateText);
  if (!/^\d+(\.\d+)?$/.test(rateText) || !(rate > 0) || rate > 100_000) {
    throw new E2eUsageError(`--rate: expected searches per second above 0 and up to 100000, or auto, got ${JSON.stringify(rateText)}`);
  }
  return { mode: 'open', rate, arrival };
}

function hostPort(name: string, v: string | undefined): string | null {
  const t = str(name, v);
  if (t === undefined) return null;
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(t);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 1 && port <= 65535)) throw new E2eUsageError(`${name}: expected host:port such as 127.0.0.1:8500, got ${JSON.stringify(v)}`);
  return t;
}

function parseStub(values: Values): StubOptions {
  const stub: StubOptions = {};
  const delayMs = num('--delay-ms', values['delay-ms'], 0, 600_000);
  if (delayMs !== undefined) stub.delayMs = delayMs;
  const stallEvery = int('--stall-every', values['stall-every'], 1, 1_000_000_000);
  const stallMs = num('--stall-ms', values['stall-ms'], 0, 600_000);
  if ((stallEvery === undefined) !== (stallMs === undefined)) {
    throw new E2eUsageError('--stall-every N and --stall-ms M go together: every N-th call stalls for M ms');
  }
  if (stallEvery !== undefined) stub.stallEvery = stallEvery;
  if (stallMs !== undefined) stub.stallMs = stallMs;
  const errorRate = num('--error-rate', values['error-rate'], 0, 1);
  if (errorRate !== undefined) stub.errorRate = errorRate;
  const modelCost = int('--model-cost', values['model-cost'], 0, 10_000_000);
  if (modelCost !== undefined) stub.modelCost = modelCost;
  const workers = int('--workers', values.workers, 0, 256);
  if (workers !== undefined) stub.workers = workers;
  const batchingFile = str('--batching-parameters-file', values['batching-parameters-file']);
  if (batchingFile !== undefined) {
    checkBatchingFile(batchingFile);
    stub.batchingFile = batchingFile;
  }
  return stub;
}

/** `bandwidth=100mbit,1gbit` -> bandwidths in bits/s; undefined when no sweep is given. */
function parseSweeps(items: readonly string[]): number[] | undefined {
  let out: number[] | undefined;
  for (const item of items) {
    const m = /^\s*([a-z]+)\s*=\s*(.*)$/.exec(item);
    if (!m) throw new E2eUsageError(`--sweep: expected bandwidth=<v1,v2,...> such as bandwidth=100mbit,1gbit,10gbit, got ${JSON.stringify(item)}`);
    if (m[1] !== 'bandwidth') throw new E2eUsageError(`--sweep: unknown dimension "${m[1]}" (expected bandwidth, workers or batching)`);
    if (out) throw new E2eUsageError('--sweep: dimension "bandwidth" is given twice');
    const values = list('--sweep bandwidth', m[2]!).map((b) => parseBandwidth(b, '--sweep bandwidth'));
    const dup = values.find((b, i) => values.indexOf(b) !== i);
    if (dup !== undefined) throw new E2eUsageError(`--sweep bandwidth: ${formatBandwidth(dup)} is given twice`);
    out = [...values].sort((a, b) => a - b);
  }
  return out;
}

/** `workers=1,2` and `batching=off,<file>` -> the stub set-ups to run, their cross product; [] when none. */
function parseStubSweeps(items: readonly string[]): StubVariant[] {
  let workers: number[] | undefined;
  let batching: (string | null)[] | undefined;
  for (const item of items) {
    const m = /^\s*([a-z]+)\s*=\s*(.*)$/.exec(item)!;
    const dim = m[1]!;
    if ((dim === 'workers' && workers) || (dim === 'batching' && batching)) throw new E2eUsageError(`--sweep: dimension "${dim}" is given twice`);
    const vals = list(`--sweep ${dim}`, m[2]!);
    if (new Set(vals).size !== vals.length) throw new E2eUsageError(`--sweep ${dim}: a value is given twice in ${JSON.stringify(m[2])}`);
    if (dim === 'workers') workers = vals.map((v) => int('--sweep workers', v, 0, 256)!);
    else {
      batching = vals.map((v) => {
        if (v === 'off') return null;
        checkBatchingFile(v);
        return v;
      });
    }
  }
  const out: StubVariant[] = [];
  for (const w of workers ?? [undefined]) {
    for (const b of batching ?? [undefined]) {
      const v: StubVariant = {};
      if (w !== undefined) v.workers = w;
      if (b !== undefined) v.batching = b;
      out.push(v);
    }
  }
  return workers || batching ? out : [];
}

/** The configuration `npm run e2e` runs with no options (for callers such as `npm run bench`), with overrides. */
export function defaultE2eConfig(overrides: Partial<E2eConfig> = {}): E2eConfig {
  const p = parseE2eArgs([]);
  if (p.kind !== 'run') throw new Error('unreachable: the defaults parse');
  return { ...p.config, ...overrides };
}

/** Refuse a bad batching parameters file before anything starts (line, field, what is allowed). */
function checkBatchingFile(path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new E2eUsageError(`--batching-parameters-file: cannot read "${path}": ${(err as Error).message}`);
  }
  try {
    parseBatchingParameters(text, path);
  } catch (err) {
    if (err instanceof BatchingParamsError) throw new E2eUsageError(`--batching-parameters-file: ${err.message}`);
    throw err;
  }
}

/** Formats a run sends when --formats is not given: TF Serving's default set, or the OIP formats the target can take. */
function defaultE2eFormats(protocol: 'tfs' | 'oip', rest: boolean): FormatId[] {
  if (protocol === 'tfs') return [...DEFAULT_E2E_FORMATS];
  return rest ? ['oip-typed', 'oip-raw', 'oip-json', 'oip-binary'] : ['oip-typed', 'oip-raw'];
}
