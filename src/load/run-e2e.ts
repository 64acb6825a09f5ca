// The end-to-end pass. Spawns the stub server (its own process) unless a target is given,
// measures the harness floor (a no-op call per transport), then for every bandwidth x batch
// size x compression ("a group": the cells compared with each other) warms every format up
// one search at a time (which measures its serial search time), sets the group's offered load
// (--rate auto: one common rate, a fraction of the fastest format's one-at-a-time rate, so
// every format is measured at the same load and the fastest is not saturated), and measures
// each format until it has its searches or its time cap. A shaping relay (its own process)
// carries the traffic when a bandwidth or RTT is set. A search is the scenario's synthetic
// request, or (--data) the next recorded request, round-robin.
import { redactDetails } from '../data/index.js';
import { getFormat, type EncodeOptions, type Format } from '../formats/index.js';
import type { E2eRun, HarnessFloor, StubRunInfo } from '../results/index.js';
import { generate, ROW_SPLITS_SUFFIX, type Scenario } from '../scenario/index.js';
import type { RankingRequest } from '../tensors/index.js';
import { checkAccounting } from './accounting.js';
import { AUTO_RATE_FRACTION, DEFAULT_E2E_SCENARIO, MAX_IN_FLIGHT_SEARCHES, MAX_SEARCHES, type Compression, type E2eConfig } from './config.js';
import { computeCost } from './cost.js';
import { runClosedLoop, runOpenLoop, type DriverResult, type DriverSink, type StartSearch } from './driver.js';
import { createBatchSender, runSearch } from './fan-out.js';
import { createGrpcTransport } from './grpc-transport.js';
import { measureHarnessFloor, type FloorTarget } from './harness-floor.js';
import { Recorder } from './recorder.js';
import { startRelayProcess, type RelayProcess } from './relay-process.js';
import { ReplaySet } from './replay.js';
import { resolveE2eInput, type E2eInput } from './resolve-input.js';
import { createRestTransport } from './rest-transport.js';
import { writeSchemaFile, type SchemaFile } from './schema-file.js';
import { E2eServerError } from './server-error.js';
import { settle, spawnStub, type StubProcess, type StubStats } from './stub-process.js';
import { countsSince, type Transport } from './transport.js';
import { formatBandwidth } from './units.js';

export type E2eProgressEvent =
  | { type: 'server'; text: string }
  | { type: 'floor'; text: string }
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

/** What one pass measured: a run per cell, the harness floor, and warnings about the pass itself. */
export interface E2ePass {
  runs: E2eRun[];
  harnessFloor: HarnessFloor[];
  warnings: string[];
}

export { E2eServerError };

interface Endpoints {
  grpc: string;
  rest: string;
  /** What E2eRun.target says. */
  label: { grpc: string; rest: string };
}

/** Preflight cap: generous, it only checks that the server answers this format at all. */
const PREFLIGHT_CAP_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;
/** Auto rate bounds, searches per second. */
const AUTO_RATE_MIN = 0.2;
const AUTO_RATE_MAX = 2000;
/** Latency grew through the run when the last quarter's median exceeds the first's this many times, and by this share of the budget. */
const GROWTH_FACTOR = 2;
const GROWTH_OF_BUDGET = 0.2;
/** How long to wait for the stub to finish abandoned work before and after a measurement. */
const SETTLE_MAX_MS = 15_000;
/** Open loop: answers more than this much slower than offered = saturated. */
const SATURATION_SHORTFALL = 0.1;

export async function runE2e(config: E2eConfig, opts: RunE2eOptions = {}): Promise<E2ePass> {
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

  const pass: E2ePass = { runs: [], harnessFloor: [], warnings: [] };
  const batchSizes = uniqueBatchSizes(config.batchSizes, requests.reduce((m, r) => Math.max(m, r.candidates), 1));
  const total = config.bandwidths.length * batchSizes.length * config.compressions.length * formats.length;
  const counter = { index: 0, total };
  try {
    const floor = await measureHarnessFloor({
      targets: floorTargets(formats, endpoints),
      modelName: config.modelName,
      calls: config.floorCalls,
      serverCpuMs: () => stub?.cpuMs() ?? null,
      stub: stub !== undefined,
      budgetMs: config.deadlineMs,
      signal: opts.signal,
    });
    pass.harnessFloor = floor.floors;
    pass.warnings.push(...floor.warnings);
    for (const f of floor.floors) emit({ type: 'floor', text: floorLine(f) });

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
            if (opts.signal?.aborted) return pass;
            const group = { config, scenario, replay, redact, formats, compression, batchSize, bandwidth, addr, stub, signal: opts.signal, emit, counter };
            const done = await runGroup(group, pass.runs);
            if (!done) return pass;
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
  return pass;
}

/** The transports the formats use, each once. */
function floorTargets(formats: readonly Format[], e: Endpoints): FloorTarget[] {
  const out: FloorTarget[] = [];
  const protocol = (transport: string): 'tfs' | 'oip' => (formats.some((f) => f.transport === transport && f.protocol === 'oip') ? 'oip' : 'tfs');
  if (formats.some((f) => f.transport === 'grpc') && e.grpc !== '') out.push({ transport: 'grpc', protocol: protocol('grpc'), address: e.grpc, label: e.label.grpc });
  if (formats.some((f) => f.transport === 'rest') && e.rest !== '') out.push({ transport: 'rest', protocol: protocol('rest'), address: e.rest, label: e.label.rest });
  return out;
}

function floorLine(f: HarnessFloor): string {
  const p = (q: number): string => {
    const x = f.latency.percentiles.find((e) => e.p === q);
    return x ? `${x.ms.toFixed(3)} ms` : 'n/a';
  };
  const server = f.serverCpuMsPerCall === null ? '' : `, server CPU ${f.serverCpuMsPerCall.toFixed(3)} ms`;
  const idle = f.idle.latency.percentiles.find((e) => e.p === 50);
  return (
    `harness floor ${f.transport}: ${f.call}: p50 ${p(50)}, p99 ${p(99)} over ${f.calls} calls back to back, p50 ${idle ? `${idle.ms.toFixed(3)} ms` : 'n/a'} after ${f.idle.gapMs} ms idle; ` +
    `client CPU ${f.clientCpuMsPerCall.toFixed(3)} ms${server} per call`
  );
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

interface Group {
  config: E2eConfig;
  scenario: Scenario;
  /** The searches to send: recorded requests (or the one synthetic request), sliced into batches. */
  replay: ReplaySet;
  /** Applied to server-provided text before it goes into the results. */
  redact: (text: string) => string;
  formats: Format[];
  compression: Compression;
  batchSize: number;
  bandwidth: number | null;
  addr: Endpoints;
  stub: StubProcess | undefined;
  signal: AbortSignal | undefined;
  emit: (e: E2eProgressEvent) => void;
  counter: { index: number; total: number };
}

/** A format of the group, warmed up and ready to measure. */
interface Ready {
  format: Format;
  index: number;
  label: string;
  base: BaseRun;
  transport: Transport;
  search: StartSearch;
  /** Median search time one at a time (preflight and warmup), ms. */
  serialMs: number;
  startedAt: number;
}

/** Warms up every format of the group, sets its load, measures each; false when interrupted. */
async function runGroup(g: Group, runs: E2eRun[]): Promise<boolean> {
  const ready: Ready[] = [];
  // Runs land in the results in format order, whatever order they were measured in.
  const byFormat = new Map<string, E2eRun>();
  try {
    for (const format of g.formats) {
      if (g.signal?.aborted) return false;
      const index = g.counter.index++;
      const label = comboLabel(format, g.compression, g.batchSize, g.bandwidth);
      const startedAt = performance.now();
      g.emit({ type: 'combo-start', index, total: g.counter.total, label });
      const r = await prepare(g, format, index, label, startedAt);
      if ('run' in r) {
        byFormat.set(format.id, r.run);
        g.emit({ type: 'combo-end', index, total: g.counter.total, label, run: r.run, wallMs: performance.now() - startedAt });
      } else ready.push(r);
    }
    const load = g.config.load;
    let rate: number | undefined;
    let commonRate: E2eRun['commonRate'];
    if (load.mode === 'open' && load.rate === 'auto' && ready.length > 0) {
      const fastest = ready.reduce((a, b) => (b.serialMs < a.serialMs ? b : a));
      rate = autoRate(fastest.serialMs);
      commonRate = { from: fastest.format.id, fraction: AUTO_RATE_FRACTION, serialSearchMs: round(fastest.serialMs, 3) };
    } else if (load.mode === 'open') {
      rate = load.rate as number;
    }
    // Fastest first: work the stub still does for a saturated format's abandoned searches must not
    // land in a faster format's measurement (settle() waits for it, up to a point).
    for (const r of [...ready].sort((a, b) => a.serialMs - b.serialMs)) {
      if (g.signal?.aborted) return false;
      const run = await measure(g, r, rate, commonRate);
      if (!run) return false;
      byFormat.set(r.format.id, run);
      g.emit({ type: 'combo-end', index: r.index, total: g.counter.total, label: r.label, run, wallMs: performance.now() - r.startedAt });
    }
    return true;
  } finally {
    for (const f of g.formats) if (byFormat.has(f.id)) runs.push(byFormat.get(f.id)!);
    for (const r of ready) r.transport.close();
  }
}

/** Connects, checks one search works (a format the server rejects is reported, not measured), warms up. */
async function prepare(g: Group, format: Format, index: number, label: string, startedAt: number): Promise<Ready | { run: E2eRun }> {
  const { config } = g;
  const base = baseRun(g, format);
  const address = format.transport === 'grpc' ? g.addr.grpc : g.addr.rest;
  if (address === '') return { run: failedRun(base, `no ${format.transport === 'grpc' ? '--target' : '--rest-target'} address for ${format.id}`) };
  const encodeOptions: EncodeOptions = { modelName: config.modelName, ...(config.signature !== null ? { signatureName: config.signature } : {}) };
  const transportOptions = { address, compression: g.compression, connections: config.connections, modelName: config.modelName };
  const transport: Transport = format.transport === 'grpc' ? createGrpcTransport(format, transportOptions) : createRestTransport(format, transportOptions);
  let handedOver = false;
  try {
    try {
      await transport.ready(CONNECT_TIMEOUT_MS);
    } catch (err) {
      return { run: failedRun(base, (err as Error).message) };
    }
    const replay = g.replay;
    const senders = replay.batches.map((batches) => createBatchSender(format, batches, encodeOptions, transport));
    const search: StartSearch = (intendedAt, capAt) => {
      const i = replay.next();
      return runSearch(replay.batches[i]!.length, senders[i]!, intendedAt, capAt);
    };
    const pre = await search(performance.now(), performance.now() + PREFLIGHT_CAP_MS);
    const bad = pre.batches.find((x) => x.kind === 'error' && isPermanent(x.code));
    if (bad) return { run: failedRun(base, `preflight search failed: ${bad.code}: ${g.redact(bad.details ?? '')}`.trim()) };

    // Warmup, one search at a time: JIT and connections warm, and the serial search time.
    const times: number[] = [pre.endAt - pre.startAt];
    if (config.warmupMs > 0 && !g.signal?.aborted) {
      g.emit({ type: 'phase', index, total: g.counter.total, label, phase: 'warmup', durationMs: config.warmupMs });
      const limits = { durationMs: config.warmupMs, maxSearches: MAX_SEARCHES, hardCapMs: config.hardCapMs, signal: g.signal };
      await runClosedLoop(1, search, { finished: (s) => void (s.ok && times.push(s.endAt - s.startAt)) }, limits);
    }
    times.sort((a, b) => a - b);
    handedOver = true;
    return { format, index, label, base, transport, search, serialMs: times[Math.floor(times.length / 2)]!, startedAt };
  } finally {
    if (!handedOver) transport.close();
  }
}

/** Open loop: searches in flight at once that client and server can work on (the client encodes one while the server decodes another). */
const OPEN_LOOP_OVERLAP = 2;

/**
 * How many searches a cell schedules: the target, fewer for a format whose searches, at its
 * one-at-a-time pace (with the overlap client and server allow), would not be answered within
 * the time cap: its backlog would outlast the cap. Never below `minSearches`.
 */
export function cellSearches(config: Pick<E2eConfig, 'searches' | 'minSearches' | 'durationMs' | 'load'>, serialMs: number): number {
  const target = config.searches ?? MAX_SEARCHES;
  if (config.durationMs === null || serialMs <= 0) return target;
  const parallel = config.load.mode === 'closed' ? config.load.concurrency : OPEN_LOOP_OVERLAP;
  const fit = Math.floor((config.durationMs * parallel) / serialMs);
  return Math.min(target, Math.max(config.minSearches, fit));
}

/** The measured phase of one cell. Null when interrupted before anything was measured. */
async function measure(g: Group, r: Ready, rate: number | undefined, commonRate: E2eRun['commonRate']): Promise<E2eRun | null> {
  const { config, replay } = g;
  const searchTarget = cellSearches(config, r.serialMs);
  // Every format replays the same sequence of searches from the first.
  replay.reset();
  const rec = new Recorder(config.deadlineMs, config.hardCapMs);
  const sink: DriverSink = {
    started: (lag) => rec.started(lag),
    dropped: (lag) => {
      rec.lag.record(lag);
      rec.dropped(replay.batches[replay.next()]!.length, lag);
    },
    finished: (s) => rec.finished(s),
  };
  const limits = { durationMs: config.durationMs, maxSearches: searchTarget, hardCapMs: config.hardCapMs, signal: g.signal };
  // Let the server finish work abandoned by capped warmup requests before counting.
  const server0 = g.stub ? await settle(g.stub, 100, SETTLE_MAX_MS) : null;
  const stats0 = g.stub ? await g.stub.stats() : null;
  if (g.signal?.aborted) return null;
  g.emit({ type: 'phase', index: r.index, total: g.counter.total, label: r.label, phase: 'measure', durationMs: config.durationMs });
  const counts0 = r.transport.counts();
  const cpu0 = process.cpuUsage();
  const result =
    config.load.mode === 'open'
      ? await runOpenLoop({ rate: rate!, arrival: config.load.arrival, seed: config.arrivalSeed }, r.search, sink, limits)
      : await runClosedLoop(config.load.concurrency, r.search, sink, limits);
  const cpu = process.cpuUsage(cpu0);
  const transportCounts = countsSince(counts0, r.transport.counts());
  // Work the server still does for requests this phase abandoned is this phase's cost.
  const server1 = g.stub ? await settle(g.stub, 100, SETTLE_MAX_MS) : null;
  const stats1 = g.stub ? await g.stub.stats() : null;
  const broken = checkAccounting(rec.accounting.requests, rec.accounting.searches, {
    scheduledSearches: result.scheduled,
    scheduledRequests: replay.intendedBatches,
    transport: transportCounts,
  });
  const cost = { clientCpuMs: (cpu.user + cpu.system) / 1000, serverCpuMs: server0 !== null && server1 !== null ? server1 - server0 : null };
  const run = finishRun(g, r, rec, result, { rate, commonRate, searchTarget, broken }, cost);
  return g.stub ? orderRun({ ...run, server: stubRunInfo(g.config, stats0, stats1, run.searches.intended - run.searches.dropped) }) : run;
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

type BaseRun = Pick<E2eRun, 'scenario' | 'format' | 'compression' | 'batchSize' | 'mode' | 'concurrency' | 'arrival' | 'target' | 'bandwidth' | 'rttMs' | 'budgetMs' | 'hardCapMs'>;

function baseRun(g: Group, format: Format): BaseRun {
  const load = g.config.load;
  return {
    scenario: g.scenario.name,
    format: format.id,
    compression: g.compression,
    batchSize: g.batchSize,
    mode: load.mode,
    ...(load.mode === 'closed' ? { concurrency: load.concurrency } : { arrival: load.arrival }),
    target: format.transport === 'grpc' ? g.addr.label.grpc : g.addr.label.rest,
    ...(g.bandwidth !== null ? { bandwidth: formatBandwidth(g.bandwidth) } : {}),
    ...(g.config.rttMs > 0 ? { rttMs: g.config.rttMs } : {}),
    budgetMs: g.config.deadlineMs,
    hardCapMs: g.config.hardCapMs,
  };
}

const EMPTY_LATENCY = { count: 0, capped: 0, overBudget: 0, minMs: 0, meanMs: 0, maxMs: 0, percentiles: [] };

/** A cell that could not be measured at all (server unreachable, format rejected). */
function failedRun(base: BaseRun, why: string): E2eRun {
  return orderRun({
    ...base,
    searchTarget: 0,
    serialSearchMs: 0,
    durationS: 0,
    endReason: 'error',
    requests: { intended: 0, sent: 0, dropped: 0, ok: 0, errors: {}, capped: 0 },
    searches: { intended: 0, completed: 0, withinBudget: 0, capped: 0, failed: 0, dropped: 0 },
    achievedRate: 0,
    saturated: false,
    latency: { request: EMPTY_LATENCY, search: EMPTY_LATENCY, service: EMPTY_LATENCY },
    breakdown: null,
    cost: { clientCpuMsPerSearch: 0, serverCpuMsPerSearch: 0, coresPer1kSearchesPerSec: 0 },
    schedulerLagP99Ms: 0,
    warnings: [`not measured: ${why}`],
  });
}

interface CellFacts {
  rate: number | undefined;
  commonRate: E2eRun['commonRate'];
  searchTarget: number;
  /** The accounting identity that does not hold, if any. */
  broken: string | undefined;
}

function finishRun(g: Group, r: Ready, rec: Recorder, result: DriverResult, facts: CellFacts, cpu: { clientCpuMs: number; serverCpuMs: number | null }): E2eRun {
  const { config } = g;
  const acc = rec.accounting;
  const requests = { ...acc.requests, errors: { ...acc.requests.errors } };
  const searches = { ...acc.searches };
  const windowS = result.windowMs / 1000;
  const achievedRate = round(searches.completed / windowS, 3);
  const open = config.load.mode === 'open';
  const shortfall = open && facts.rate !== undefined && achievedRate < (1 - SATURATION_SHORTFALL) * facts.rate;
  const trend = rec.trend();
  const growing = open && trend !== null && trend.lastMs > GROWTH_FACTOR * trend.firstMs && trend.lastMs - trend.firstMs > GROWTH_OF_BUDGET * config.deadlineMs;
  const saturated = shortfall || growing;
  const lagP99 = open ? round(rec.lag.percentileMs(99), 3) : 0;
  const sent = searches.intended - searches.dropped;
  const cost = computeCost({ clientCpuMs: cpu.clientCpuMs, serverCpuMs: cpu.serverCpuMs, searches: sent, coreHourUsd: config.coreHourUsd });
  const warnings: string[] = [];
  if (facts.broken) warnings.push(`BUG: accounting does not add up: ${facts.broken}`);
  if (shortfall) {
    warnings.push(`saturated: offered ${facts.rate}/s, answered ${achievedRate}/s: searches queued behind each other, so latency grew through the run (it is still measured, not censored)`);
  } else if (growing) {
    warnings.push(`saturated: at ${facts.rate}/s offered the queue kept growing: median search latency ${trend!.firstMs} ms in the first quarter of the run, ${trend!.lastMs} ms in the last (a longer run would report more; measured, not censored)`);
  }
  if (open && lagP99 > 1) {
    warnings.push(`load generator lag p99 ${lagP99} ms > 1 ms: ${rec.lateStarts} of ${searches.intended} searches started > 1 ms late (inside the measured latency, which counts from the intended start)`);
  }
  if (searches.dropped > 0) warnings.push(`${searches.dropped} of ${searches.intended} searches dropped: due when the load generator was already late by the ${config.hardCapMs} ms hard cap, or with ${MAX_IN_FLIGHT_SEARCHES} in flight`);
  if (searches.capped > 0) warnings.push(`${searches.capped} of ${searches.intended} searches reached the ${config.hardCapMs} ms hard cap without an answer (counted at the cap)`);
  const errorTotal = Object.values(requests.errors).reduce((x, y) => x + y, 0);
  if (errorTotal > 0) warnings.push(`${errorTotal} requests failed: ${Object.entries(requests.errors).map(([k, v]) => `${k} x${v}`).join(', ')}`);
  if (cpu.serverCpuMs === null) {
    warnings.push(g.stub ? 'server CPU unknown (no /proc on this platform): cost counts client CPU only' : 'server CPU unknown for --target servers: cost counts client CPU only');
  }

  return orderRun({
    ...r.base,
    ...(open ? { targetRate: facts.rate } : {}),
    ...(facts.commonRate ? { commonRate: facts.commonRate } : {}),
    searchTarget: facts.searchTarget,
    serialSearchMs: round(r.serialMs, 3),
    durationS: round(windowS, 3),
    endReason: result.endReason,
    requests,
    searches,
    achievedRate,
    saturated,
    latency: rec.latency(),
    breakdown: rec.breakdown(),
    cost,
    schedulerLagP99Ms: lagP99,
    warnings,
  });
}

/** The stub's set-up and its counters over one cell (model calls per search sent, calls dropped as expired). */
function stubRunInfo(config: E2eConfig, s0: StubStats | null, s1: StubStats | null, searches: number): StubRunInfo {
  const info: StubRunInfo = { workers: config.stub.workers ?? null, batching: config.stub.batchingFile ?? null };
  if (s0 && s1 && searches > 0) {
    info.modelCallsPerSearch = round((s1.modelCalls - s0.modelCalls) / searches, 3);
    info.droppedExpired = s1.droppedBeforeDecode - s0.droppedBeforeDecode + (s1.droppedInBatchQueue - s0.droppedInBatchQueue);
  }
  return info;
}

/** Key order as in the schema. */
function orderRun(r: E2eRun): E2eRun {
  const keys: (keyof E2eRun)[] = [
    'scenario', 'format', 'compression', 'batchSize', 'mode', 'concurrency', 'targetRate', 'arrival', 'commonRate', 'target', 'server', 'bandwidth', 'rttMs',
    'searchTarget', 'serialSearchMs', 'durationS', 'endReason', 'budgetMs', 'hardCapMs', 'requests', 'searches', 'achievedRate', 'saturated',
    'latency', 'breakdown', 'cost', 'schedulerLagP99Ms', 'warnings',
  ];
  const out: Record<string, unknown> = {};
  for (const k of keys) if (r[k] !== undefined) out[k] = r[k];
  return out as unknown as E2eRun;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));
