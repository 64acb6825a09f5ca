// @ts-check
// artillery-engine-payload-bench: replays payload-bench's exact request bytes (exported by
// `payload-bench export artillery`) from Artillery, so one load test can run on many
// load-generator machines (`artillery run-fargate --count N`) with payload-bench's payloads
// and accounting.
//
// A scenario step `- search: <combination>` is one search: every batch of the next exported
// request (round-robin) is sent at once, over gRPC (grpc-js, identity serializer) or REST; the
// search completes when its last batch returns. Artillery's runner emits `phaseStarted` with
// the phase spec on the emitter it hands engines; in a uniform `arrivalRate` phase Artillery
// fires the k-th arrival at phase start + k x floor(1000000 / rate) microseconds, on a
// fixed schedule. The engine keeps that schedule, so latency counts from each search's
// intended start, as payload-bench's open loop does (no coordinated omission). Nothing is
// censored: a search over its budget is timed to its answer and counted as over budget; a
// request not answered by the hard cap is cut and recorded at the cap; a search already late
// by the hard cap when due is dropped, counted, and recorded at the cap. Searches of the phase named `warmup` only
// count as warmup. Metric names: lib/metric-names.js.
import { isMainThread, threadId } from 'node:worker_threads';
import { dirname, isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { loadManifest } from './lib/manifest.js';
import { createGrpcSender } from './lib/grpc-sender.js';
import { createRestSender } from './lib/rest-sender.js';
import { requestStages } from './lib/timing.js';
import {
  COUNTERS,
  GENERATOR_CPU_REPORTERS,
  GENERATOR_CPU_US,
  HISTOGRAMS,
  SEARCH_RATE,
  errorCounter,
  metricName,
} from './lib/metric-names.js';

export const ENGINE_NAME = 'payload-bench';
/** Phase name whose searches are not measured. */
export const WARMUP_PHASE = 'warmup';
/** A search that starts later than this after its intended time counts as late. */
const LATE_MS = 1;
/** Payload-bench's open-loop cap on searches in flight (src/load/config.ts MAX_IN_FLIGHT_SEARCHES). */
const MAX_IN_FLIGHT = 1000;

/**
 * @typedef {import('./lib/manifest.js').LoadedCombination} LoadedCombination
 * @typedef {import('./lib/grpc-sender.js').Sender} Sender
 * @typedef {{ emit(event: string, ...args: any[]): any, on(event: string, fn: (...args: any[]) => void): any }} Emitter
 * @typedef {{ manifest?: string, grpcTarget?: string, restTarget?: string, budgetMs?: number, hardCapMs?: number, connections?: number | null }} EngineConfig
 */

export default class PayloadBenchEngine {
  /**
   * @param {any} script the Artillery script (config.engines['payload-bench'] holds EngineConfig)
   * @param {Emitter} ee the runner's emitter (phaseStarted, done)
   * @param {unknown} _helpers Artillery's engine utilities (unused)
   */
  constructor(script, ee, _helpers) {
    /** @type {EngineConfig} */
    const cfg = script?.config?.engines?.[ENGINE_NAME] ?? {};
    const manifestPath = resolveManifest(cfg.manifest ?? 'manifest.json', script);
    const { manifest, combinations } = loadManifest(manifestPath);
    this.manifest = manifest;
    this.combinations = combinations;
    this.grpcTarget = cfg.grpcTarget ?? manifest.targets.grpc;
    this.restTarget = cfg.restTarget ?? manifest.targets.rest;
    this.budgetMs = positive(cfg.budgetMs ?? manifest.load.budgetMs, 'budgetMs');
    this.hardCapMs = positive(cfg.hardCapMs ?? manifest.load.hardCapMs, 'hardCapMs');
    if (this.hardCapMs < this.budgetMs) throw new Error(`payload-bench engine: hardCapMs ${this.hardCapMs} is below budgetMs ${this.budgetMs}`);
    this.connections = cfg.connections ?? manifest.load.connections ?? null;
    /** @type {Map<string, Sender>} */
    this.senders = new Map();
    /** @type {Map<string, number>} round-robin cursor per combination */
    this.cursors = new Map();
    this.inFlight = 0;
    /** The current phase: its schedule (null when arrivals are not evenly spaced) and arrivals so far. */
    this.phase = { name: '', measured: false, t0: 0, tickMs: /** @type {number | null} */ (null), arrivals: 0 };
    // One CPU reporter per process: Artillery's local workers are worker threads of one process
    // and process.cpuUsage() is process-wide; the main thread or the first worker thread reports.
    this.cpuReporter = isMainThread || threadId === 1;
    /** @type {NodeJS.CpuUsage | null} */
    this.cpuMark = null;
    this.cpuReported = false;

    ee.on('phaseStarted', (/** @type {any} */ spec) => this.onPhaseStarted(spec));
    ee.on('done', () => this.close());
  }

  /** @param {any} spec an Artillery phase spec (per worker) */
  onPhaseStarted(spec) {
    const measured = spec?.name !== WARMUP_PHASE;
    const uniform = typeof spec?.arrivalRate === 'number' && spec.arrivalRate > 0 && spec.rampTo === undefined && (spec.mode ?? 'uniform') === 'uniform';
    this.phase = {
      name: String(spec?.name ?? ''),
      measured,
      t0: performance.now(),
      // arrivals' uniform process: setInterval of floor(1000 / rate * 1000) microseconds, first arrival one tick in.
      tickMs: uniform ? Math.floor((1000 / spec.arrivalRate) * 1000) / 1000 : null,
      arrivals: 0,
    };
    if (measured) {
      // Searches of a new measured phase replay the exported requests from the first, as payload-bench does.
      this.cursors.clear();
      if (this.cpuReporter && this.cpuMark === null) this.cpuMark = process.cpuUsage();
    }
  }

  /**
   * @param {any} spec scenario spec: `flow: [{ search: '<combination key>' }, ...]`
   * @param {Emitter} ee the scenario emitter: counter, histogram, rate, started, error
   */
  createScenario(spec, ee) {
    const flow = Array.isArray(spec?.flow) ? spec.flow : [];
    const steps = flow.map((/** @type {any} */ step, /** @type {number} */ i) => {
      const key = step?.search;
      if (typeof key !== 'string') throw new Error(`payload-bench engine: scenario "${spec?.name}": flow step ${i}: expected { search: <combination> }, got ${JSON.stringify(step)}`);
      const c = this.combinations.get(key);
      if (!c) throw new Error(`payload-bench engine: scenario "${spec?.name}": unknown combination "${key}" (the manifest has: ${[...this.combinations.keys()].join(', ')})`);
      return c;
    });
    if (steps.length === 0) throw new Error(`payload-bench engine: scenario "${spec?.name}" has no search steps`);
    return (/** @type {any} */ context, /** @type {(err: Error | null, context: any) => void} */ callback) => {
      ee.emit('started');
      const stepStart = performance.now();
      const phase = this.phase;
      phase.arrivals++;
      const scheduled = phase.tickMs !== null && steps.length === 1;
      const intendedAt = scheduled ? Math.min(stepStart, phase.t0 + phase.arrivals * /** @type {number} */ (phase.tickMs)) : stepStart;
      const run = async () => {
        let at = intendedAt;
        for (const c of steps) {
          await this.search(c, ee, phase.measured, at, scheduled);
          at = performance.now();
        }
      };
      run().then(
        () => callback(null, context),
        (err) => {
          ee.emit('error', err?.code ?? 'payload_bench_engine_error');
          callback(err, context);
        },
      );
    };
  }

  /**
   * One search: every batch of the next exported request, sent at once.
   * @param {LoadedCombination} lc @param {Emitter} ee @param {boolean} measured
   * @param {number} intendedAt @param {boolean} scheduled
   */
  async search(lc, ee, measured, intendedAt, scheduled) {
    const c = lc.combination;
    const name = (/** @type {string} */ metric) => metricName(c.key, metric);
    const cursor = this.cursors.get(c.key) ?? 0;
    this.cursors.set(c.key, (cursor + 1) % lc.searches.length);
    const batches = /** @type {LoadedCombination['searches'][number]} */ (lc.searches[cursor]);
    const startAt = performance.now();
    const lag = Math.max(0, startAt - intendedAt);
    const capAt = intendedAt + this.hardCapMs;

    if (!measured) {
      ee.emit('counter', name(COUNTERS.warmupSearches), 1);
      ee.emit('counter', name(COUNTERS.warmupRequestsSent), batches.length);
      await Promise.all(batches.map((b) => this.sender(c).call(b.bytes, capAt, b.headers)));
      return;
    }

    ee.emit('counter', name(COUNTERS.searchesIntended), 1);
    ee.emit('counter', name(COUNTERS.requestsIntended), batches.length);
    if (!scheduled) ee.emit('counter', name(COUNTERS.searchesUnscheduled), 1);
    if (lag >= this.hardCapMs || this.inFlight >= MAX_IN_FLIGHT) {
      ee.emit('counter', name(COUNTERS.searchesDropped), 1);
      ee.emit('counter', name(COUNTERS.requestsDropped), batches.length);
      if (lag >= this.hardCapMs) {
        // Its latency is at least the cap: it counts there, like a capped one (as payload-bench's
        // recorder does), so the percentiles are not those of the survivors only.
        ee.emit('counter', name(COUNTERS.searchesDroppedLate), 1);
        ee.emit('counter', name(COUNTERS.requestsDroppedLate), batches.length);
        ee.emit('histogram', name(HISTOGRAMS.search), this.hardCapMs);
        for (let i = 0; i < batches.length; i++) ee.emit('histogram', name(HISTOGRAMS.request), this.hardCapMs);
        if (this.hardCapMs > this.budgetMs) {
          ee.emit('counter', name(COUNTERS.searchesOverBudget), 1);
          ee.emit('counter', name(COUNTERS.requestsOverBudget), batches.length);
        }
      }
      return;
    }
    ee.emit('histogram', name(HISTOGRAMS.lag), lag);
    if (lag > LATE_MS) ee.emit('counter', name(COUNTERS.searchesLate), 1);
    ee.emit('counter', name(COUNTERS.requestsSent), batches.length);
    ee.emit('counter', name(COUNTERS.requestsBytes), batches.reduce((n, b) => n + b.bytes.length, 0));

    this.inFlight++;
    const sender = this.sender(c);
    let results;
    try {
      results = await Promise.all(
        batches.map(async (b) => {
          const sentAt = performance.now();
          const r = await sender.call(b.bytes, capAt, b.headers);
          return { r, sentAt };
        }),
      );
    } finally {
      this.inFlight--;
    }

    let failed = false;
    let capped = false;
    let endAt = startAt;
    for (const { r, sentAt } of results) {
      if (r.endAt > endAt) endAt = r.endAt;
      if (r.kind === 'error') {
        failed = true;
        ee.emit('counter', name(errorCounter(r.code)), 1);
        continue;
      }
      // Answered or cut at the cap: a latency sample either way (a capped one at the cap).
      const requestMs = r.kind === 'ok' ? r.endAt - intendedAt : this.hardCapMs;
      const serviceMs = r.endAt - sentAt;
      ee.emit('histogram', name(HISTOGRAMS.request), requestMs);
      ee.emit('histogram', name(HISTOGRAMS.service), serviceMs);
      if (requestMs > this.budgetMs) ee.emit('counter', name(COUNTERS.requestsOverBudget), 1);
      if (serviceMs > this.budgetMs) ee.emit('counter', name(COUNTERS.serviceOverBudget), 1);
      if (r.kind === 'timeout') {
        capped = true;
        ee.emit('counter', name(COUNTERS.requestsCapped), 1);
        continue;
      }
      ee.emit('counter', name(COUNTERS.requestsOk), 1);
      const stages = requestStages(r.timing, r.compressMs);
      let attributed = 0;
      for (const [stage, ms] of Object.entries(stages)) {
        attributed += ms;
        ee.emit('histogram', name(HISTOGRAMS[/** @type {keyof typeof stages} */ (stage)]), ms);
      }
      ee.emit('histogram', name(HISTOGRAMS.unattributed), Math.max(0, serviceMs - attributed));
    }
    if (failed) {
      ee.emit('counter', name(COUNTERS.searchesFailed), 1);
    } else {
      const searchMs = capped ? this.hardCapMs : endAt - intendedAt;
      ee.emit('histogram', name(HISTOGRAMS.search), searchMs);
      ee.emit('histogram', name(HISTOGRAMS.searchService), endAt - startAt);
      ee.emit('counter', name(capped ? COUNTERS.searchesCapped : COUNTERS.searchesCompleted), 1);
      if (searchMs > this.budgetMs) ee.emit('counter', name(COUNTERS.searchesOverBudget), 1);
      else ee.emit('counter', name(COUNTERS.searchesWithinBudget), 1);
      if (!capped) ee.emit('rate', name(SEARCH_RATE));
    }
    this.reportCpu(ee);
  }

  /**
   * Emits the process CPU used since the last report (measured phases only, one reporter per process).
   * @param {Emitter} ee
   */
  reportCpu(ee) {
    if (!this.cpuReporter || this.cpuMark === null) return;
    const d = process.cpuUsage(this.cpuMark);
    this.cpuMark = process.cpuUsage();
    if (!this.cpuReported) {
      this.cpuReported = true;
      ee.emit('counter', GENERATOR_CPU_REPORTERS, 1);
    }
    ee.emit('counter', GENERATOR_CPU_US, d.user + d.system);
  }

  /** @param {LoadedCombination['combination']} c */
  sender(c) {
    let s = this.senders.get(c.key);
    if (!s) {
      if (c.transport === 'grpc') {
        s = createGrpcSender({ address: this.grpcTarget, path: c.path, compression: c.compression, connections: this.connections ?? 1 });
      } else {
        s = createRestSender({ address: this.restTarget, path: c.path, contentType: c.contentType ?? 'application/json', compression: c.compression, connections: this.connections });
      }
      this.senders.set(c.key, s);
    }
    return s;
  }

  close() {
    for (const s of this.senders.values()) s.close();
    this.senders.clear();
  }
}

/**
 * The manifest path: absolute, or relative to the script's folder (where `export` put it),
 * else to the working directory.
 * @param {string} p @param {any} script
 */
function resolveManifest(p, script) {
  if (isAbsolute(p)) return p;
  const scriptPath = script?._scriptPath ?? script?._configPath;
  if (typeof scriptPath === 'string') {
    const near = resolve(dirname(scriptPath), p);
    if (existsSync(near)) return near;
  }
  return resolve(process.cwd(), p);
}

/** @param {unknown} v @param {string} what */
function positive(v, what) {
  if (typeof v !== 'number' || !(v > 0)) throw new Error(`payload-bench engine: ${what}: expected a number > 0, got ${JSON.stringify(v)}`);
  return v;
}
