// Command-line parsing for `npm run e2e`: argv in, a typed E2eConfig or a usage error out (the
// entry point prints it and exits 2). Pure: loads no scenario, touches no file or socket.
import { E2E_USAGE } from './e2e-usage.js';
import {
  badValue,
  nodeErrorText,
  parseBandwidth,
  parseCount,
  parseDecimal,
  parseDuration,
  parseHostPort,
  parseList,
  parseOptions,
  UsageError,
} from './validators.js';
import { readFileSync } from 'node:fs';
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
} from '../load/config.js';
import { formatBandwidth } from '../common/units.js';

export type ParsedE2eArgs =
  | { kind: 'run'; config: E2eConfig }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string; exitCode: 2 };

/** The error every e2e flag problem is (the shared UsageError). */
const E2eUsageError = UsageError;
export { E2eUsageError };

export { E2E_USAGE };

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

/** Parse `npm run e2e` arguments (without node and script). Never throws. */
export function parseE2eArgs(argv: readonly string[]): ParsedE2eArgs {
  try {
    return parseOrThrow(argv);
  } catch (err) {
    if (err instanceof UsageError || err instanceof FormatError) {
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
  if (positionals.length > 0)
    throw new E2eUsageError(`unexpected argument "${positionals[0]}" (options start with --; see --help)`);

  const scenario = str('--scenario', values.scenario) ?? null;
  const data = parseData(values);
  if (data && values.seed !== undefined)
    throw new E2eUsageError('--data: --seed applies to synthetic requests; recorded requests are replayed as they are');
  const protocol = str('--protocol', values.protocol) ?? 'tfs';
  if (protocol !== 'tfs' && protocol !== 'oip')
    throw new E2eUsageError(
      `--protocol: expected tfs (TF Serving) or oip (Open Inference Protocol: Triton, KServe, MLServer), got ${JSON.stringify(protocol)}`,
    );
  const formats =
    values.formats === undefined
      ? defaultE2eFormats(protocol, values['rest-target'] !== undefined || values.target === undefined)
      : parseFormatList(str('--formats', values.formats)!).map((f) => f.id);
  const alien = formats.filter((id) => (getFormat(id).protocol ?? 'tfs') !== protocol);
  if (protocol === 'oip' && alien.length)
    throw new E2eUsageError(
      `--protocol oip: formats ${alien.join(', ')} speak TF Serving's API; an Open Inference Protocol server takes oip-typed, oip-raw, oip-json, oip-binary`,
    );
  const compressions = parseCompressions(values.compression);
  const batchSizes = parseBatchSizes(values['batch-size']);
  const load = parseLoad(values);

  const durationText = str('--duration', values.duration);
  const requestsGiven = int('--requests', values.requests, 1, 10_000_000) ?? null;
  // Neither: count-bound with the default cap. --requests alone: a long cap. --duration alone: time-bound.
  const searches = requestsGiven ?? (durationText === undefined ? DEFAULT_SEARCHES : null);
  const durationMs =
    durationText === undefined
      ? requestsGiven === null
        ? DEFAULT_DURATION_MS
        : MAX_COMBINATION_MS
      : parseDuration('--duration', durationText, { min: 0, max: 24 * 3_600_000 });
  if (durationMs < 10 || durationMs > 3_600_000) {
    throw new E2eUsageError(`--duration: expected from 10ms to 1h, got ${JSON.stringify(durationText)}`);
  }
  const minSearches =
    int('--min-searches', values['min-searches'], 1, 10_000_000) ??
    Math.min(DEFAULT_MIN_SEARCHES, searches ?? DEFAULT_MIN_SEARCHES);
  if (searches !== null && minSearches > searches)
    throw new E2eUsageError(`--min-searches: ${minSearches} is more than --requests ${searches}`);
  const warmupText = str('--warmup', values.warmup);
  const warmupMs =
    warmupText === undefined
      ? DEFAULT_WARMUP_MS
      : parseDuration('--warmup', warmupText, { min: 0, max: 24 * 3_600_000 });
  if (warmupMs > 600_000) throw new E2eUsageError(`--warmup: expected at most 10m, got ${JSON.stringify(warmupText)}`);
  if (load.mode === 'open' && load.rate === 'auto' && warmupMs === 0) {
    throw new E2eUsageError(
      '--warmup 0 leaves nothing to measure the automatic rate from: give --warmup > 0 or an explicit --rate R',
    );
  }
  const deadlineMs = num('--deadline-ms', values['deadline-ms'], 1, 600_000) ?? DEFAULT_DEADLINE_MS;
  const hardCapMs = num('--hard-cap-ms', values['hard-cap-ms'], 1, 3_600_000) ?? deadlineMs * HARD_CAP_FACTOR;
  if (hardCapMs < deadlineMs)
    throw new E2eUsageError(
      `--hard-cap-ms: ${hardCapMs} is below the ${deadlineMs} ms budget (--deadline-ms); the cap must be at least the budget`,
    );

  const target = hostPort('--target', values.target);
  const restTarget = hostPort('--rest-target', values['rest-target']);
  const external = target !== null || restTarget !== null;
  if (external) {
    const needsRest = formats.filter((f) => isRestFormat(f));
    const needsGrpc = formats.filter((f) => !isRestFormat(f));
    if (needsRest.length > 0 && restTarget === null) {
      throw new E2eUsageError(
        `--target: formats ${needsRest.join(', ')} travel over REST; give --rest-target <host:port> too, or leave them out of --formats`,
      );
    }
    if (needsGrpc.length > 0 && target === null) {
      throw new E2eUsageError(
        `--rest-target: formats ${needsGrpc.join(', ')} travel over gRPC; give --target <host:port> too, or leave them out of --formats`,
      );
    }
  }

  const stub = parseStub(values);
  if (external && Object.keys(stub).length > 0) {
    throw new E2eUsageError(
      `--${Object.keys(stub).map(kebab)[0]}: fault injection applies to the spawned stub server only, not to --target / --rest-target`,
    );
  }

  const bandwidthText = str('--bandwidth', values.bandwidth);
  const sweepItems = values.sweep ?? [];
  const isStubSweep = (item: string): boolean => /^\s*(workers|batching)\s*=/.test(item);
  const stubSweep = parseStubSweeps(sweepItems.filter(isStubSweep));
  if (stubSweep.length > 0 && external)
    throw new E2eUsageError('--sweep workers=... / batching=...: the stub is swept, not a --target server');
  if (stubSweep.some((v) => v.workers !== undefined) && stub.workers !== undefined)
    throw new E2eUsageError('--workers and --sweep workers=... both set the workers; give one of them');
  if (stubSweep.some((v) => v.batching !== undefined) && stub.batchingFile !== undefined) {
    throw new E2eUsageError('--batching-parameters-file and --sweep batching=... both set batching; give one of them');
  }
  const sweepBandwidths = parseSweeps(sweepItems.filter((i) => !isStubSweep(i)));
  if (bandwidthText !== undefined && sweepBandwidths !== undefined) {
    throw new E2eUsageError('--bandwidth and --sweep bandwidth=... both set the link bandwidth; give one of them');
  }
  const bandwidths = sweepBandwidths ?? [
    bandwidthText === undefined ? null : parseBandwidth('--bandwidth', bandwidthText),
  ];
  const rttText = str('--rtt', values.rtt);
  const rttMs = rttText === undefined ? 0 : parseDuration('--rtt', rttText, { min: 0, max: 10_000 });

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
    if (formatText !== undefined || values['skip-corrupt'] !== undefined)
      throw new E2eUsageError('--data-format and --skip-corrupt go with --data <file>');
    return null;
  }
  const format = formatText === undefined ? null : parseDataFormat(formatText);
  if (format === undefined)
    throw new E2eUsageError(
      `--data-format: expected tfrecord-example, tfrecord-elwc or jsonl, got ${JSON.stringify(formatText)}`,
    );
  return { path, format, skipCorrupt: values['skip-corrupt'] === true };
}

function isRestFormat(id: string): boolean {
  return getFormat(id).transport === 'rest';
}

function nodeParse(argv: readonly string[]) {
  return parseOptions(argv, OPTIONS, { positionals: Number.MAX_SAFE_INTEGER });
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function str(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === '' || v.startsWith('--')) throw badValue(name, 'a value', v);
  return v.trim();
}

/** A count through the shared validator; undefined when absent. */
function int(name: string, v: string | undefined, min: number, max: number): number | undefined {
  return v === undefined ? undefined : parseCount(name, v, { min, max });
}

/** A decimal through the shared validator (lower bound exclusive with `gtMin`); undefined when absent. */
function num(name: string, v: string | undefined, min: number, max: number, gtMin = false): number | undefined {
  return v === undefined ? undefined : parseDecimal(name, v, { min, max, above: gtMin });
}

function list(name: string, v: string): string[] {
  return parseList(name, v);
}

function parseCompressions(v: string | undefined): Compression[] {
  if (v === undefined) return [...DEFAULT_COMPRESSIONS];
  return list('--compression', str('--compression', v)!).map((c) => {
    const id = c.toLowerCase();
    if (!(COMPRESSIONS as readonly string[]).includes(id)) {
      throw new E2eUsageError(
        `--compression: unknown compression "${c}" (expected ${COMPRESSIONS.join(', ')}: what gRPC and HTTP clients send)`,
      );
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
    if (arrivalText !== undefined)
      throw new E2eUsageError(
        '--arrival applies to the open loop (--rate); a closed loop (--concurrency) starts each search when one ends',
      );
    return { mode: 'closed', concurrency };
  }
  if (arrivalText !== undefined && arrivalText !== 'constant' && arrivalText !== 'poisson') {
    throw new E2eUsageError(`--arrival: expected constant or poisson, got ${JSON.stringify(arrivalText)}`);
  }
  const arrival = (arrivalText ?? 'constant') as 'constant' | 'poisson';
  if (rateText === undefined || rateText === 'auto') return { mode: 'open', rate: 'auto', arrival };
  const rate = Number(rateText);
  if (!/^\d+(\.\d+)?$/.test(rateText) || !(rate > 0) || rate > 100_000) {
    throw new E2eUsageError(
      `--rate: expected searches per second above 0 and up to 100000, or auto, got ${JSON.stringify(rateText)}`,
    );
  }
  return { mode: 'open', rate, arrival };
}

function hostPort(name: string, v: string | undefined): string | null {
  const t = str(name, v);
  return t === undefined ? null : parseHostPort(name, t);
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
    if (!m)
      throw new E2eUsageError(
        `--sweep: expected bandwidth=<v1,v2,...> such as bandwidth=100mbit,1gbit,10gbit, got ${JSON.stringify(item)}`,
      );
    if (m[1] !== 'bandwidth')
      throw new E2eUsageError(`--sweep: unknown dimension "${m[1]}" (expected bandwidth, workers or batching)`);
    if (out) throw new E2eUsageError('--sweep: dimension "bandwidth" is given twice');
    const values = list('--sweep bandwidth', m[2]!).map((b) => parseBandwidth('--sweep bandwidth', b));
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
    if ((dim === 'workers' && workers) || (dim === 'batching' && batching))
      throw new E2eUsageError(`--sweep: dimension "${dim}" is given twice`);
    const vals = list(`--sweep ${dim}`, m[2]!);
    if (new Set(vals).size !== vals.length)
      throw new E2eUsageError(`--sweep ${dim}: a value is given twice in ${JSON.stringify(m[2])}`);
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
