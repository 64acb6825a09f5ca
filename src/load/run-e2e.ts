// The end-to-end run: for every bandwidth x batch size x compression x format, connect,
// check one search works, warm up, measure one bounded phase, and turn it into an E2eRun.
// Spawns the stub server (its own process) unless a target is given, and a shaping relay
// (its own process) when a bandwidth or RTT is set; stops both at the end. A search is the
// scenario's synthetic request, or (--data) the next recorded request, round-robin.
import { redactDetails } from '../data/index.js';
import { getFormat, type EncodeOptions, type Format } from '../formats/index.js';
import type { E2eRun } from '../results/index.js';
import { generate, ROW_SPLITS_SUFFIX, type Scenario } from '../scenario/index.js';
import type { RankingRequest } from '../tensors/index.js';
import { checkAccounting } from './accounting.js';
import { AUTO_RATE_FRACTION, DEFAULT_E2E_SCENARIO, MAX_COMBINATION_MS, MAX_IN_FLIGHT_SEARCHES, MAX_SEARCHES, type Compression, type E2eConfig } from './config.js';
import { computeCost } from './cost.js';
import { runClosedLoop, runOpenLoop, type DriverResult, type DriverSink, type StartSearch } from './driver.js';
import { createBatchSender, runSearch } from './fan-out.js';
import { createGrpcTransport } from './grpc-transport.js';
import { Recorder } from './recorder.js';
import { startRelayProcess, type RelayProcess } from './relay-process.js';
import { checkReplayAccounting, dropSearch, ReplaySet } from './replay.js';
import { resolveE2eInput, type E2eInput } from './resolve-input.js';
import { createRestTransport } from './rest-transport.js';
import { writeSchemaFile, type SchemaFile } from './schema-file.js';
import { E2eServerError } from './server-error.js';
import { settle, spawnStub, type StubProcess } from './stub-process.js';
import type { Transport } from './transport.js';
import { formatBandwidth } from './units.js';

export type E2eProgressEvent =
  | { type: 'server'; text: string }
  | { type: 'combo-start'; index: number; total: number; label: string }
  | { type: 'phase'; index: number; total: number; label: string; phase: 'warmup' | 'measure'; durationMs: number | null }
  | { type: 'combo-end'; index: number; total: number; label: string; run: E2eRun; wallMs: number };

export interface RunE2eOptions {
  onProgress?: (e: E2eProgressEvent) => void;
  /** Aborting stops the current measurement (kept, marked interrupted) and skips the rest. */
  signal?: AbortSignal;
  /** What to send, already resolved (resolveE2eInput); else resolved here. */
  input?: E2eInput;
  /** Use this already loaded scenario instead of loading `config.scenario` (ignored with `input`). */
  scenario?: Scenario;
  /** With `scenario`: recorded requests of that schema to replay round-robin (--data). */
  requests?: RankingRequest[];
}

export { E2eServerError };

interface Endpoints {
  grpc: string;
  rest: string;
  /** What E2eRun.target says. */
  label: { grpc: string; rest: string };
}

/** Preflight deadline: generous, it only checks that the server answers this format at all. */
const PREFLIGHT_DEADLINE_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;
/** Auto rate bounds, searches per second. */
const AUTO_RATE_MIN = 0.2;
const AUTO_RATE_MAX = 2000;
/** Fewer measured searches than this: the p99 is close to the maximum; say so. */
const FEW_SEARCHES = 100;

export async function runE2e(config: E2eConfig, opts: RunE2eOptions = {}): Promise<E2eRun[]> {
  const input: E2eInput =
    opts.input ??
    (opts.scenario
      ? { scenario: opts.scenario, ...(opts.requests ? { requests: opts.requests } : {}), source: opts.requests ? 'data' : 'scenario', warnings: [] }
      : await resolveE2eInput(config));
  const scenario = input.scenario;
  const requests = input.requests ?? [generate(scenario)];
  const formats = config.formats.map((id) => getFormat(id));
  const emit = opts.onProgress ?? (() => {});
  // Recorded data: server messages that may echo a request are redacted before they are recorded.
  const names = scenario.features.flatMap((f) => [f.name, f.name + ROW_SPLITS_SUFFIX]);
  const redact = input.source === 'data' ? (t: string) => redactDetails(t, names) : (t: string) => t;

  let stub: StubProcess | undefined;
  let schemaFile: SchemaFile | undefined;
  let endpoints: Endpoints;
  if (config.target === null && config.restTarget === null) {
    // The stub serves the scenario named on the command line, else the schema in use (inferred from the data).
    const ref = config.scenario ?? (input.source === 'default' ? DEFAULT_E2E_SCENARIO : undefined);
    try {
      schemaFile = ref === undefined ? writeSchemaFile(scenario) : undefined;
      stub = await spawnStub({ scenario: ref ?? schemaFile!.path, modelName: config.modelName, stub: config.stub });
    } catch (err) {
      schemaFile?.remove();
      throw new E2eServerError((err as Error).message);
    }
    emit({ type: 'server', text: stub.readyLine });
    endpoints = { grpc: stub.grpcAddress, rest: stub.restAddress, label: { grpc: `stub ${stub.grpcAddress}`, rest: `stub ${stub.restAddress}` } };
  } else {
    endpoints = { grpc: config.target ?? '', rest: config.restTarget ?? '', label: { grpc: config.target ?? '', rest: config.restTarget ?? '' } };
  }

  const runs: E2eRun[] = [];
  const batchSizes = uniqueBatchSizes(config.batchSizes, requests.reduce((m, r) => Math.max(m, r.candidates), 1));
  const total = config.bandwidths.length * batchSizes.length * config.compressions.length * formats.length;
  let index = 0;
  try {
    for (const bandwidth of config.bandwidths) {
      let relay: RelayProcess | undefined;
      let addr = endpoints;
      if (bandwidth !== null || config.rttMs > 0) {
        const targets = [endpoints.grpc, endpoints.rest].filter((t) => t !== '');
        relay = await startRelayProcess(targets.map((target) => ({ target, bandwidthBps: bandwidth, rttMs: config.rttMs })));
        const [a, b] = relay.addresses;
        addr = {
          grpc: endpoints.grpc === '' ? '' : a!,
          rest: endpoints.rest === '' ? '' : endpoints.grpc === '' ? a! : b!,
          label: endpoints.label,
        };
      }
      try {
        for (const batchSize of batchSizes) {
          const replay = new ReplaySet(requests, batchSize);
          for (const compression of config.compressions) {
            for (const format of formats) {
              if (opts.signal?.aborted) return runs;
              if (stub && !stub.alive()) throw new E2eServerError(`the stub server exited during the run${stub.stderrTail() ? `: ${stub.stderrTail()}` : ''}`);
              const label = comboLabel(format, compression, batchSize, bandwidth);
              emit({ type: 'combo-start', index, total, label });
              const t0 = performance.now();
              const run = await runCombination({
                config,
                scenario,
                replay,
                redact,
                format,
                compression,
                batchSize,
                bandwidth,
                address: format.transport === 'grpc' ? addr.grpc : addr.rest,
                target: format.transport === 'grpc' ? addr.label.grpc : addr.label.rest,
                stub,
                signal: opts.signal,
                onPhase: (phase, durationMs) => emit({ type: 'phase', index, total, label, phase, durationMs }),
              });
              index++;
              if (!run) return runs;
              runs.push(run);
              emit({ type: 'combo-end', index: index - 1, total, label, run, wallMs: performance.now() - t0 });
            }
          }
        }
      } finally {
        await relay?.close();
      }
    }
  } finally {
    await stub?.stop();
    schemaFile?.remove();
  }
  return runs;
}

/** Batch sizes capped at the candidate count, duplicates (after capping) removed. */
export function uniqueBatchSizes(sizes: readonly number[], candidates: number): number[] {
  const out: number[] = [];
  for (const s of sizes) {
    const b = Math.min(s, candidates);
    if (!out.includes(b)) out.push(b);
  }
  return out;
}

function comboLabel(format: Format, compression: Compression, batchSize: number, bandwidth: number | null): string {
  return `${format.id} ${compression} batch ${batchSize}${bandwidth !== null ? ` @${formatBandwidth(bandwidth)}` : ''}`;
}

interface Combination {
  config: E2eConfig;
  scenario: Scenario;
  /** The searches to send: recorded requests (or the one synthetic request), sliced into batches. */
  replay: ReplaySet;
  /** Applied to server-provided text before it goes into the results. */
  redact: (text: string) => string;
  format: Format;
  compression: Compression;
  batchSize: number;
  bandwidth: number | null;
  address: string;
  target: string;
  stub: StubProcess | undefined;
  signal: AbortSignal | undefined;
  onPhase(phase: 'warmup' | 'measure', durationMs: number | null): void;
}

async function runCombination(c: Combination): Promise<E2eRun | null> {
  const { config, format, replay } = c;
  const warnings: string[] = [];
  const base = baseRun(c);
  if (c.address === '') return failedRun(base, `no ${format.transport === 'grpc' ? '--target' : '--rest-target'} address for ${format.id}`);

  const encodeOptions: EncodeOptions = { modelName: config.modelName, ...(config.signature !== null ? { signatureName: config.signature } : {}) };
  const transportOptions = { address: c.address, compression: c.compression, connections: config.connections, modelName: config.modelName };
  const transport: Transport = format.transport === 'grpc' ? createGrpcTransport(format, transportOptions) : createRestTransport(format, transportOptions);
  try {
    try {
      await transport.ready(CONNECT_TIMEOUT_MS);
    } catch (err) {
      return failedRun(base, (err as Error).message);
    }
    const senders = replay.batches.map((batches) => createBatchSender(format, batches, encodeOptions, transport));
    const search: StartSearch = (intendedAt, deadlineAt) => {
      const i = replay.next();
      return runSearch(replay.batches[i]!.length, senders[i]!, intendedAt, deadlineAt);
    };

    // Preflight: one search with a generous deadline. A format the server rejects is reported, not measured.
    const pre = await search(performance.now(), performance.now() + PREFLIGHT_DEADLINE_MS);
    const bad = pre.batches.find((x) => x.kind === 'error' && isPermanent(x.code));
    if (bad) return failedRun(base, `preflight search failed: ${bad.code}: ${c.redact(bad.details ?? '')}`.trim());

    // Warmup (unmeasured); with --rate auto it also measures the one-at-a-time search time.
    const noop: DriverSink = { finished: () => {} };
    let rate: number | undefined;
    if (config.warmupMs > 0 && !c.signal?.aborted) {
      c.onPhase('warmup', config.warmupMs);
      const limits = { durationMs: config.warmupMs, maxSearches: MAX_SEARCHES, deadlineMs: config.deadlineMs, signal: c.signal };
      if (config.load.mode === 'open' && config.load.rate === 'auto') {
        const times: number[] = [pre.endAt - pre.startAt];
        await runClosedLoop(1, search, { finished: (s) => times.push(s.endAt - s.startAt) }, limits);
        rate = autoRate([...times].sort((x, y) => x - y)[Math.floor(times.length / 2)]!);
      } else if (config.load.mode === 'open') {
        await runOpenLoop({ rate: config.load.rate as number, arrival: config.load.arrival, seed: config.arrivalSeed + 1 }, search, noop, limits);
      } else {
        await runClosedLoop(config.load.concurrency, search, noop, limits);
      }
    }
    if (config.load.mode === 'open') rate ??= config.load.rate === 'auto' ? autoRate(pre.endAt - pre.startAt) : config.load.rate;

    // The measured phase: every format replays the same sequence of searches from the first.
    replay.reset();
    const uniform = replay.uniformBatches;
    const rec = new Recorder(uniform ?? 1);
    const sink: DriverSink = {
      started: (lag) => rec.started(lag),
      dropped: (lag) => {
        rec.lag.recordMs(lag);
        const n = replay.batches[replay.next()]!.length;
        if (uniform !== null) rec.dropped();
        else dropSearch(rec.accounting, n);
      },
      finished: (s) => rec.finished(s),
    };
    const limits = {
      durationMs: config.durationMs ?? (config.searches !== null ? MAX_COMBINATION_MS : null),
      maxSearches: config.searches ?? MAX_SEARCHES,
      deadlineMs: config.deadlineMs,
      signal: c.signal,
    };
    // Let the server finish work abandoned by timed-out warmup requests before counting.
    const server0 = c.stub ? await settle(c.stub) : null;
    // Interrupted before anything was measured: nothing to report for this combination.
    if (c.signal?.aborted) return null;
    c.onPhase('measure', config.durationMs);
    const cpu0 = process.cpuUsage();
    let result: DriverResult;
    if (config.load.mode === 'open') {
      result = await runOpenLoop({ rate: rate!, arrival: config.load.arrival, seed: config.arrivalSeed }, search, sink, limits);
    } else {
      result = await runClosedLoop(config.load.concurrency, search, sink, limits);
    }
    const cpu = process.cpuUsage(cpu0);
    // Work the server still does for requests this phase abandoned is this phase's cost.
    const server1 = c.stub ? await settle(c.stub) : null;
    try {
      return finishRun(c, base, rec, result, rate, { clientCpuMs: (cpu.user + cpu.system) / 1000, serverCpuMs: server0 !== null && server1 !== null ? server1 - server0 : null }, warnings);
    } finally {
      rec.destroy();
    }
  } finally {
    transport.close();
  }
}

/**
 * Errors that say the server will never accept this format as sent (so measuring it is
 * pointless); overload and injected faults (UNAVAILABLE, RESOURCE_EXHAUSTED, HTTP 503) are not.
 */
const PERMANENT = new Set(['INVALID_ARGUMENT', 'NOT_FOUND', 'FAILED_PRECONDITION', 'UNIMPLEMENTED', 'PERMISSION_DENIED', 'UNAUTHENTICATED', 'OUT_OF_RANGE', 'BAD_RESPONSE', 'CLIENT_ENCODE_ERROR', 'NO_RESPONSE']);
function isPermanent(code: string | undefined): boolean {
  return code === undefined || PERMANENT.has(code) || /^HTTP 4\d\d$/.test(code);
}

/** Open-loop rate for --rate auto: a fraction of what one search at a time (taking `searchMs`) reaches. */
export function autoRate(searchMs: number): number {
  const r = Math.min(AUTO_RATE_MAX, Math.max(AUTO_RATE_MIN, (AUTO_RATE_FRACTION * 1000) / Math.max(searchMs, 0.01)));
  return Number(r.toPrecision(3));
}

type BaseRun = Pick<E2eRun, 'scenario' | 'format' | 'compression' | 'batchSize' | 'mode' | 'concurrency' | 'arrival' | 'target' | 'bandwidth' | 'rttMs'>;

function baseRun(c: Combination): BaseRun {
  const load = c.config.load;
  return {
    scenario: c.scenario.name,
    format: c.format.id,
    compression: c.compression,
    batchSize: c.batchSize,
    mode: load.mode,
    ...(load.mode === 'closed' ? { concurrency: load.concurrency } : { arrival: load.arrival }),
    target: c.target,
    ...(c.bandwidth !== null ? { bandwidth: formatBandwidth(c.bandwidth) } : {}),
    ...(c.config.rttMs > 0 ? { rttMs: c.config.rttMs } : {}),
  };
}

const EMPTY_LATENCY = { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0, curve: [] };

/** A combination that could not be measured at all (server unreachable, format rejected). */
function failedRun(base: BaseRun, why: string): E2eRun {
  return orderRun({
    ...base,
    durationS: 0,
    endReason: 'error',
    requests: { intended: 0, sent: 0, dropped: 0, ok: 0, errors: {}, clientTimeouts: 0 },
    searches: { intended: 0, completed: 0, failed: 0 },
    achievedRate: 0,
    rateShortfall: false,
    latency: { request: EMPTY_LATENCY, search: EMPTY_LATENCY },
    breakdown: { clientEncodeMs: 0, wireQueueMs: 0, serverDecodeMs: 0, serverComputeMs: 0, clientDecodeMs: 0 },
    cost: { clientCpuMsPerSearch: 0, serverCpuMsPerSearch: 0, coresPer1kSearchesPerSec: 0 },
    schedulerLagP99Ms: 0,
    warnings: [`not measured: ${why}`],
  });
}

function finishRun(
  c: Combination,
  base: BaseRun,
  rec: Recorder,
  result: DriverResult,
  rate: number | undefined,
  cpu: { clientCpuMs: number; serverCpuMs: number | null },
  warnings: string[],
): E2eRun {
  const { config } = c;
  const acc = rec.accounting;
  const requests = { ...acc.requests, errors: { ...acc.requests.errors } };
  const searches = { ...acc.searches };
  const windowS = result.windowMs / 1000;
  const achievedRate = round(searches.completed / windowS, 3);
  const open = config.load.mode === 'open';
  // Compared with what was scheduled (Poisson schedules vary around the target by chance).
  const rateShortfall = open && searches.completed < 0.99 * searches.intended;
  const lagP99 = open ? round(rec.lag.percentileMs(99), 3) : 0;
  const sent = searches.completed + searches.failed;
  const cost = computeCost({ clientCpuMs: cpu.clientCpuMs, serverCpuMs: cpu.serverCpuMs, searches: sent, coreHourUsd: config.coreHourUsd });

  const broken =
    c.replay.uniformBatches !== null
      ? checkAccounting(requests, searches, acc.batchesPerSearch)
      : checkReplayAccounting(requests, searches, c.replay.intendedBatches, acc.droppedSearches);
  if (broken) warnings.push(`BUG: accounting does not add up: ${broken}`);
  if (rateShortfall) {
    warnings.push(`rate shortfall: ${searches.completed} of ${searches.intended} scheduled searches completed (${pct(1 - searches.completed / Math.max(1, searches.intended))} short; achieved ${achievedRate}/s vs target ${rate}/s)`);
  }
  if (open && lagP99 > 1) {
    warnings.push(`load generator lag p99 ${lagP99} ms > 1 ms: ${rec.lateStarts} of ${searches.intended} searches started > 1 ms late (inside the measured latency, which counts from the intended start)`);
  }
  if (acc.droppedSearches > 0) warnings.push(`${acc.droppedSearches} of ${searches.intended} searches dropped: due when already late by the whole deadline, or with ${MAX_IN_FLIGHT_SEARCHES} in flight`);
  if (requests.clientTimeouts > 0) warnings.push(`${requests.clientTimeouts} of ${requests.sent} requests (${pct(requests.clientTimeouts / Math.max(1, requests.sent))}) passed the ${config.deadlineMs} ms client deadline (counted, not in the latency)`);
  const errorTotal = Object.values(requests.errors).reduce((x, y) => x + y, 0);
  if (errorTotal > 0) warnings.push(`${errorTotal} requests failed: ${Object.entries(requests.errors).map(([k, v]) => `${k} x${v}`).join(', ')}`);
  if (cpu.serverCpuMs === null) {
    warnings.push(c.stub ? 'server CPU unknown (no /proc on this platform): cost counts client CPU only' : 'server CPU unknown for --target servers: cost counts client CPU only');
  }
  if (searches.completed > 0 && searches.completed < FEW_SEARCHES) warnings.push(`only ${searches.completed} searches measured: p99 ≈ max; measure longer (--duration) for a stable tail`);

  const run: E2eRun = {
    ...base,
    ...(open ? { targetRate: rate } : {}),
    durationS: round(windowS, 3),
    endReason: result.endReason,
    requests,
    searches,
    achievedRate,
    rateShortfall,
    latency: { request: rec.request.summary(), search: rec.search.summary(), service: rec.service.summary() },
    breakdown: rec.breakdown(),
    cost,
    schedulerLagP99Ms: lagP99,
    warnings,
  };
  // Key order as in the schema.
  return orderRun(run);
}

function orderRun(r: E2eRun): E2eRun {
  const keys: (keyof E2eRun)[] = ['scenario', 'format', 'compression', 'batchSize', 'mode', 'concurrency', 'targetRate', 'arrival', 'target', 'bandwidth', 'rttMs', 'durationS', 'endReason', 'requests', 'searches', 'achievedRate', 'rateShortfall', 'latency', 'breakdown', 'cost', 'schedulerLagP99Ms', 'warnings'];
  const out: Record<string, unknown> = {};
  for (const k of keys) if (r[k] !== undefined) out[k] = r[k];
  return out as unknown as E2eRun;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));
const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
