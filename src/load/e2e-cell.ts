import { type EncodeOptions, type Format } from '../formats/index.js';
import type { E2eRun } from '../results/index.js';
import { type Scenario } from '../scenario/index.js';
import { checkAccounting } from './accounting.js';
import { AUTO_RATE_FRACTION, MAX_SEARCHES, type Compression, type E2eConfig } from './config.js';
import { runClosedLoop, runOpenLoop, type DriverSink, type StartSearch } from './driver.js';
import { createBatchSender, runSearch } from './fan-out.js';
import { createGrpcTransport } from './grpc-transport.js';
import { Recorder } from './recorder.js';
import { ReplaySet } from './replay.js';
import { createRestTransport } from './rest-transport.js';
import { settle, type StubProcess } from './stub-process.js';
import { countsSince, type Transport } from './transport.js';
import { formatBandwidth } from './units.js';
import { baseRun, failedRun, finishRun, orderRun, round, stubRunInfo, type BaseRun } from './e2e-run-record.js';

export type E2eProgressEvent =
  | { type: 'server'; text: string }
  | { type: 'floor'; text: string }
  | { type: 'combo-start'; index: number; total: number; label: string }
  | {
      type: 'phase';
      index: number;
      total: number;
      label: string;
      phase: 'warmup' | 'measure';
      durationMs: number | null;
    }
  | { type: 'combo-end'; index: number; total: number; label: string; run: E2eRun; wallMs: number };

/** Open loop: searches in flight at once that client and server can work on (the client encodes one while the server decodes another). */
export const OPEN_LOOP_OVERLAP = 2;

/** How long to wait for the stub to finish abandoned work before and after a measurement. */
export const SETTLE_MAX_MS = 15_000;

export interface Endpoints {
  grpc: string;
  rest: string;
  /** What E2eRun.target says. */
  label: { grpc: string; rest: string };
}

/** Preflight cap: generous, it only checks that the server answers this format at all. */
export const PREFLIGHT_CAP_MS = 30_000;

export const CONNECT_TIMEOUT_MS = 10_000;

/** Auto rate bounds, searches per second. */
export const AUTO_RATE_MIN = 0.2;

export const AUTO_RATE_MAX = 2000;

export function comboLabel(
  format: Format,
  compression: Compression,
  batchSize: number,
  bandwidth: number | null,
): string {
  return `${format.id} ${compression} batch ${batchSize}${bandwidth !== null ? ` @${formatBandwidth(bandwidth)}` : ''}`;
}

export interface Group {
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
export interface Ready {
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
export async function runGroup(g: Group, runs: E2eRun[]): Promise<boolean> {
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
        g.emit({
          type: 'combo-end',
          index,
          total: g.counter.total,
          label,
          run: r.run,
          wallMs: performance.now() - startedAt,
        });
      } else ready.push(r);
    }
    const load = g.config.load;
    let rate: number | undefined;
    let commonRate: E2eRun['commonRate'];
    if (load.mode === 'open' && load.rate === 'auto' && ready.length > 0) {
      const fastest = ready.reduce((a, b) => (b.serialMs < a.serialMs ? b : a));
      rate = autoRate(fastest.serialMs);
      commonRate = {
        from: fastest.format.id,
        fraction: AUTO_RATE_FRACTION,
        serialSearchMs: round(fastest.serialMs, 3),
      };
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
      g.emit({
        type: 'combo-end',
        index: r.index,
        total: g.counter.total,
        label: r.label,
        run,
        wallMs: performance.now() - r.startedAt,
      });
    }
    return true;
  } finally {
    for (const f of g.formats) if (byFormat.has(f.id)) runs.push(byFormat.get(f.id)!);
    for (const r of ready) r.transport.close();
  }
}

/** Connects, checks one search works (a format the server rejects is reported, not measured), warms up. */
export async function prepare(
  g: Group,
  format: Format,
  index: number,
  label: string,
  startedAt: number,
): Promise<Ready | { run: E2eRun }> {
  const { config } = g;
  const base = baseRun(g, format);
  const address = format.transport === 'grpc' ? g.addr.grpc : g.addr.rest;
  if (address === '')
    return {
      run: failedRun(base, `no ${format.transport === 'grpc' ? '--target' : '--rest-target'} address for ${format.id}`),
    };
  const encodeOptions: EncodeOptions = {
    modelName: config.modelName,
    ...(config.signature !== null ? { signatureName: config.signature } : {}),
  };
  const transportOptions = {
    address,
    compression: g.compression,
    connections: config.connections,
    modelName: config.modelName,
  };
  const transport: Transport =
    format.transport === 'grpc'
      ? createGrpcTransport(format, transportOptions)
      : createRestTransport(format, transportOptions);
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
    if (bad)
      return { run: failedRun(base, `preflight search failed: ${bad.code}: ${g.redact(bad.details ?? '')}`.trim()) };

    // Warmup, one search at a time: JIT and connections warm, and the serial search time.
    const times: number[] = [pre.endAt - pre.startAt];
    if (config.warmupMs > 0 && !g.signal?.aborted) {
      g.emit({ type: 'phase', index, total: g.counter.total, label, phase: 'warmup', durationMs: config.warmupMs });
      const limits = {
        durationMs: config.warmupMs,
        maxSearches: MAX_SEARCHES,
        hardCapMs: config.hardCapMs,
        signal: g.signal,
      };
      await runClosedLoop(1, search, { finished: (s) => void (s.ok && times.push(s.endAt - s.startAt)) }, limits);
    }
    times.sort((a, b) => a - b);
    handedOver = true;
    return { format, index, label, base, transport, search, serialMs: times[Math.floor(times.length / 2)]!, startedAt };
  } finally {
    if (!handedOver) transport.close();
  }
}

/**
 * How many searches a cell schedules: the target, fewer for a format whose searches, at its
 * one-at-a-time pace (with the overlap client and server allow), would not be answered within
 * the time cap: its backlog would outlast the cap. Never below `minSearches`.
 */
export function cellSearches(
  config: Pick<E2eConfig, 'searches' | 'minSearches' | 'durationMs' | 'load'>,
  serialMs: number,
): number {
  const target = config.searches ?? MAX_SEARCHES;
  if (config.durationMs === null || serialMs <= 0) return target;
  const parallel = config.load.mode === 'closed' ? config.load.concurrency : OPEN_LOOP_OVERLAP;
  const fit = Math.floor((config.durationMs * parallel) / serialMs);
  return Math.min(target, Math.max(config.minSearches, fit));
}

/** The measured phase of one cell. Null when interrupted before anything was measured. */
export async function measure(
  g: Group,
  r: Ready,
  rate: number | undefined,
  commonRate: E2eRun['commonRate'],
): Promise<E2eRun | null> {
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
  const limits = {
    durationMs: config.durationMs,
    maxSearches: searchTarget,
    hardCapMs: config.hardCapMs,
    signal: g.signal,
  };
  // Let the server finish work abandoned by capped warmup requests before counting.
  const server0 = g.stub ? await settle(g.stub, 100, SETTLE_MAX_MS) : null;
  const stats0 = g.stub ? await g.stub.stats() : null;
  if (g.signal?.aborted) return null;
  g.emit({
    type: 'phase',
    index: r.index,
    total: g.counter.total,
    label: r.label,
    phase: 'measure',
    durationMs: config.durationMs,
  });
  const counts0 = r.transport.counts();
  const cpu0 = process.cpuUsage();
  const result =
    config.load.mode === 'open'
      ? await runOpenLoop(
          { rate: rate!, arrival: config.load.arrival, seed: config.arrivalSeed },
          r.search,
          sink,
          limits,
        )
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
  const cost = {
    clientCpuMs: (cpu.user + cpu.system) / 1000,
    serverCpuMs: server0 !== null && server1 !== null ? server1 - server0 : null,
  };
  const run = finishRun(g, r, rec, result, { rate, commonRate, searchTarget, broken }, cost);
  return g.stub
    ? orderRun({ ...run, server: stubRunInfo(g.config, stats0, stats1, run.searches.intended - run.searches.dropped) })
    : run;
}

/**
 * Errors that say the server will never accept this format as sent (so measuring it is
 * pointless); overload and injected faults (UNAVAILABLE, RESOURCE_EXHAUSTED, HTTP 503) are not.
 */
export const PERMANENT = new Set([
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'FAILED_PRECONDITION',
  'UNIMPLEMENTED',
  'PERMISSION_DENIED',
  'UNAUTHENTICATED',
  'OUT_OF_RANGE',
  'BAD_RESPONSE',
  'CLIENT_ENCODE_ERROR',
  'NO_RESPONSE',
]);

export function isPermanent(code: string | undefined): boolean {
  return code === undefined || PERMANENT.has(code) || /^HTTP 4\d\d$/.test(code);
}

/** Open-loop rate for --rate auto: a fraction of what one search at a time (taking `searchMs`) reaches. */
export function autoRate(searchMs: number): number {
  const r = Math.min(AUTO_RATE_MAX, Math.max(AUTO_RATE_MIN, (AUTO_RATE_FRACTION * 1000) / Math.max(searchMs, 0.01)));
  return Number(r.toPrecision(3));
}
