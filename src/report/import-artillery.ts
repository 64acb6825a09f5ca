// Turns an Artillery run of an export (`artillery run --output report.json`, locally or on
// distributed workers) back into payload-bench results, so the same summary, tables and charts
// render from it. Pure: the caller reads the report and the export's manifest.json.
//
// What maps how:
// - Accounting from the engine's counters (summed by Artillery over periods and workers):
//   intended = sent + dropped, sent = ok + errors + capped, per format x compression x batch.
// - Latency from Artillery's merged summaries of the engine's histograms. They are DDSketch
//   estimates (1 % relative accuracy, rounded by Artillery to 0.1 ms) of p50, p75, p90, p95, p99
//   and p99.9, with count, min, mean and max: no order statistics, so no confidence intervals
//   (lowMs / highMs are null), and each run says so in its warnings.
// - The breakdown is each stage's median (Artillery keeps no per-request records), so the stages
//   add up to their own sum, not to a measured latency; the engine sends pre-encoded bytes and
//   does not decode responses, so client encode and decode are 0.
// - Generator CPU: the engine's process-wide CPU counter during the measured phase; server CPU
//   is not measured (0, with a warning).
import {
  COUNTERS,
  ERROR_COUNTER_PREFIX,
  GENERATOR_CPU_REPORTERS,
  GENERATOR_CPU_US,
  HISTOGRAMS,
  parseMetricName,
} from '../../packages/artillery-engine-payload-bench/lib/metric-names.js';
import type { Combination, Manifest } from '../export/manifest.js';
import { MANIFEST_KIND, MANIFEST_VERSION } from '../export/manifest.js';
import { SCHEMA_VERSION, type E2eRun, type Env, type LatencySummary, type Results } from '../results/index.js';

/** One histogram as Artillery writes it into `aggregate.summaries`. */
export interface ArtillerySummary {
  min: number;
  max: number;
  count: number;
  mean: number;
  p50: number;
  median?: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
}

export interface ArtilleryAggregate {
  counters: Record<string, number>;
  summaries: Record<string, ArtillerySummary>;
  rates: Record<string, number>;
  firstMetricAt?: number;
  lastMetricAt?: number;
}

export class ArtilleryImportError extends Error {
  override name = 'ArtilleryImportError';
}

/** Labels every imported percentile. */
export const DDSKETCH_NOTE =
  "percentiles are Artillery's DDSketch estimates (1 % relative accuracy, rounded to 0.1 ms; merged across workers), not payload-bench's exact order statistics: no confidence intervals";

/** Artillery's `--output` JSON: `{ aggregate: { counters, summaries, rates, ... }, intermediate: [...] }`. */
export function parseArtilleryReport(json: unknown, where = 'report'): ArtilleryAggregate {
  const agg = isObject(json) ? json['aggregate'] : undefined;
  if (!isObject(agg))
    throw new ArtilleryImportError(
      `${where}: not an Artillery report (expected the JSON written by \`artillery run --output\`, with an "aggregate" object)`,
    );
  const counters = agg['counters'];
  if (!isObject(counters)) throw new ArtilleryImportError(`${where}: aggregate.counters: expected an object`);
  for (const [k, v] of Object.entries(counters)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new ArtilleryImportError(
        `${where}: aggregate.counters["${k}"]: expected a count, got ${JSON.stringify(v)}`,
      );
  }
  const summaries = agg['summaries'] ?? agg['histograms'] ?? {};
  if (!isObject(summaries)) throw new ArtilleryImportError(`${where}: aggregate.summaries: expected an object`);
  const keys = ['min', 'max', 'count', 'mean', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999'] as const;
  for (const [k, s] of Object.entries(summaries)) {
    if (!isObject(s)) throw new ArtilleryImportError(`${where}: aggregate.summaries["${k}"]: expected an object`);
    for (const f of keys) {
      if (typeof s[f] !== 'number' || !Number.isFinite(s[f] as number))
        throw new ArtilleryImportError(
          `${where}: aggregate.summaries["${k}"].${f}: expected a number, got ${JSON.stringify(s[f])}`,
        );
    }
  }
  const rates = isObject(agg['rates']) ? (agg['rates'] as Record<string, number>) : {};
  return {
    counters: counters as Record<string, number>,
    summaries: summaries as unknown as Record<string, ArtillerySummary>,
    rates,
    ...(typeof agg['firstMetricAt'] === 'number' ? { firstMetricAt: agg['firstMetricAt'] } : {}),
    ...(typeof agg['lastMetricAt'] === 'number' ? { lastMetricAt: agg['lastMetricAt'] } : {}),
  };
}

/** The export's manifest.json, checked for the fields the import reads. */
export function parseManifest(json: unknown, where = 'manifest'): Manifest {
  if (!isObject(json) || json['kind'] !== MANIFEST_KIND)
    throw new ArtilleryImportError(`${where}: not a payload-bench export manifest (expected kind "${MANIFEST_KIND}")`);
  if (json['manifestVersion'] !== MANIFEST_VERSION) {
    throw new ArtilleryImportError(
      `${where}: manifestVersion ${JSON.stringify(json['manifestVersion'])} is not supported (expected ${MANIFEST_VERSION}); import with the payload-bench version that exported it`,
    );
  }
  const m = json as unknown as Manifest;
  if (!Array.isArray(m.combinations) || !isObject(m.load) || !isObject(m.scenario) || !isObject(m.targets)) {
    throw new ArtilleryImportError(`${where}: expected "combinations", "load", "scenario" and "targets"`);
  }
  return m;
}

export interface ImportOptions {
  /** The environment of the machine importing (recorded, and labelled as not the load generators'). */
  env: Env;
  tool: { name: 'payload-bench'; version: string };
  /** Where the report and manifest came from, for the record. */
  reportPath?: string;
  manifestPath?: string;
  /** Price of one core-hour, for the monthly estimate. */
  coreHourUsd?: number | null;
  /** @default now */
  createdAt?: string;
}

/** An Artillery aggregate of an export's run as payload-bench Results (one E2eRun per combination that ran). */
export function importArtillery(agg: ArtilleryAggregate, manifest: Manifest, o: ImportOptions): Results {
  const byKey = new Map(manifest.combinations.map((c) => [c.key, c]));
  const seen = new Set<string>();
  for (const name of [...Object.keys(agg.counters), ...Object.keys(agg.summaries)]) {
    const p = parseMetricName(name);
    if (!p) continue;
    if (!byKey.has(p.key)) {
      throw new ArtilleryImportError(
        `report metric "${name}": combination "${p.key}" is not in the manifest (it has ${[...byKey.keys()].join(', ')}); is this the manifest of the export that was run?`,
      );
    }
    seen.add(p.key);
  }
  if (seen.size === 0) {
    throw new ArtilleryImportError(
      'the report has no payload_bench metrics: was it written by `artillery run` of an export (engine payload-bench)? An engine that failed to load is reported by Artillery as a warning at startup',
    );
  }
  const ran = manifest.combinations.filter((c) => seen.has(c.key));
  const warnings: string[] = [];
  const notRun = manifest.combinations.filter((c) => !seen.has(c.key));
  if (notRun.length)
    warnings.push(
      `not in this report (not run, e.g. --scenario-name picked another): ${notRun.map((c) => c.scenarioName).join(', ')}`,
    );

  const counter = (name: string): number => agg.counters[name] ?? 0;
  const cpuUs = counter(GENERATOR_CPU_US);
  const cpuReporters = counter(GENERATOR_CPU_REPORTERS);
  const sentSearchesAll = ran.reduce((n, c) => n + sentSearches(agg, c.key), 0);
  const skipped = counter('vusers.skipped');
  const shared = {
    cpuMsPerSearch: cpuReporters > 0 && sentSearchesAll > 0 ? cpuUs / 1000 / sentSearchesAll : null,
    mixed: ran.length > 1,
    skipped,
  };
  if (skipped > 0)
    warnings.push(
      `Artillery skipped ${skipped} arrival(s) at maxVusers (too many searches in flight): never sent, counted as dropped${ran.length > 1 ? ' (in no combination: a skipped arrival picks none)' : ''}`,
    );
  if (cpuReporters === 0)
    warnings.push('generator CPU not reported by the engine (no reporting worker): client cost is 0');

  const runs = ran.map((c) => toRun(agg, manifest, c, shared, o.coreHourUsd ?? null));
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: o.tool,
    createdAt: o.createdAt ?? new Date().toISOString(),
    env: o.env,
    config: {
      ...manifest.config,
      command: 'report --artillery',
      loadGenerator: {
        tool: 'artillery',
        engine: 'artillery-engine-payload-bench',
        report: o.reportPath ?? null,
        manifest: o.manifestPath ?? null,
        exportedAt: manifest.createdAt,
        exportedBy: manifest.tool,
        cpuReporters,
        firstMetricAt: agg.firstMetricAt ? new Date(agg.firstMetricAt).toISOString() : null,
        lastMetricAt: agg.lastMetricAt ? new Date(agg.lastMetricAt).toISOString() : null,
        percentiles: 'artillery-ddsketch',
        envNote:
          "env is the machine that imported the report; the load ran on Artillery's workers, whose environment Artillery does not report",
      },
    },
    scenarios: [manifest.scenario],
    sizes: [],
    micro: [],
    e2e: runs,
    state: 'complete',
    warnings: [
      `load generated by Artillery (artillery-engine-payload-bench), imported from ${o.reportPath ?? 'an Artillery report'}; ${DDSKETCH_NOTE}`,
      "env describes the machine that imported the report, not Artillery's load generators",
      ...manifest.warnings.filter((w) => !/combinations: a plain/.test(w)),
      ...warnings,
    ],
  };
}

function sentSearches(agg: ArtilleryAggregate, key: string): number {
  const c = (m: string): number => agg.counters[`payload_bench.${key}.${m}`] ?? 0;
  return c(COUNTERS.searchesCompleted) + c(COUNTERS.searchesCapped) + c(COUNTERS.searchesFailed);
}

interface Shared {
  /** Generator CPU per sent search over every combination of the report; null when not reported. */
  cpuMsPerSearch: number | null;
  mixed: boolean;
  skipped: number;
}

function toRun(
  agg: ArtilleryAggregate,
  m: Manifest,
  c: Combination,
  shared: Shared,
  coreHourUsd: number | null,
): E2eRun {
  const prefix = `payload_bench.${c.key}.`;
  const n = (metric: string): number => agg.counters[prefix + metric] ?? 0;
  const summary = (metric: string): ArtillerySummary | undefined => agg.summaries[prefix + metric];
  const errors: Record<string, number> = {};
  for (const [name, v] of Object.entries(agg.counters)) {
    if (name.startsWith(prefix + ERROR_COUNTER_PREFIX))
      errors[errorCode(name.slice((prefix + ERROR_COUNTER_PREFIX).length))] = v;
  }
  const dropped = n(COUNTERS.searchesDropped) + (shared.mixed ? 0 : shared.skipped);
  const batches = m.payloads.find((p) => p.id === c.payloads)?.searches[0]?.length ?? 1;
  const requests = {
    intended: n(COUNTERS.requestsIntended) + (shared.mixed ? 0 : shared.skipped * batches),
    sent: n(COUNTERS.requestsSent),
    dropped: n(COUNTERS.requestsDropped) + (shared.mixed ? 0 : shared.skipped * batches),
    ok: n(COUNTERS.requestsOk),
    errors,
    capped: n(COUNTERS.requestsCapped),
  };
  const searches = {
    intended: n(COUNTERS.searchesIntended) + (shared.mixed ? 0 : shared.skipped),
    completed: n(COUNTERS.searchesCompleted),
    withinBudget: n(COUNTERS.searchesWithinBudget),
    capped: n(COUNTERS.searchesCapped),
    failed: n(COUNTERS.searchesFailed),
    dropped,
  };
  const durationS = m.load.durationMs / 1000;
  const achievedRate = round(searches.completed / durationS, 3);
  // With several combinations mixed in one run, each got a random share of the arrivals.
  const offered = shared.mixed ? searches.intended / durationS : m.load.rate;
  const warnings: string[] = [DDSKETCH_NOTE];

  const sent = searches.completed + searches.capped + searches.failed;
  const clientCpuMsPerSearch = shared.cpuMsPerSearch ?? 0;
  const cost: E2eRun['cost'] = {
    clientCpuMsPerSearch: round(clientCpuMsPerSearch, 3),
    serverCpuMsPerSearch: 0,
    coresPer1kSearchesPerSec: round(clientCpuMsPerSearch, 3),
  };
  if (coreHourUsd !== null) cost.monthlyUsd = Math.round(clientCpuMsPerSearch * coreHourUsd * 730.5 * 100) / 100;
  warnings.push('server CPU not measured in Artillery runs: cost counts the load generator only');
  if (shared.mixed)
    warnings.push(
      "several combinations ran mixed in one Artillery run: generator CPU is the average over all of them, and the offered rate is this combination's share of the arrivals",
    );

  const unscheduled = n(COUNTERS.searchesUnscheduled);
  if (unscheduled > 0)
    warnings.push(
      `${unscheduled} of ${searches.intended} searches had no known schedule (Poisson or ramp phase): latency counts from the scenario step's start, which hides generator lag`,
    );
  const late = n(COUNTERS.searchesLate);
  const lag = summary(HISTOGRAMS.lag);
  const lagP99 = lag ? Math.min(lag.p99, lag.max) : 0;
  if (lagP99 > 1)
    warnings.push(
      `load generator lag p99 ${lagP99} ms > 1 ms: ${late} of ${searches.intended} searches started > 1 ms late (inside the measured latency, which counts from the intended start)`,
    );
  const errorTotal = Object.values(errors).reduce((a, b) => a + b, 0);
  if (errorTotal > 0)
    warnings.push(
      `${errorTotal} requests failed: ${Object.entries(errors)
        .map(([k, v]) => `${k} x${v}`)
        .join(', ')}`,
    );
  if (requests.capped > 0)
    warnings.push(
      `${requests.capped} of ${requests.sent} requests cut at the ${m.load.hardCapMs} ms hard cap (recorded at the cap)`,
    );
  if (dropped > 0)
    warnings.push(
      `${dropped} of ${searches.intended} searches dropped: due when already late by the hard cap, or too many in flight`,
    );
  const broken = accountingProblem(requests, searches);
  if (broken)
    warnings.push(`accounting does not add up: ${broken} (a worker's counters may be missing from the report)`);
  if (searches.completed > 0 && searches.completed < 100)
    warnings.push(`only ${searches.completed} searches measured: p99 needs at least 100`);

  const run: E2eRun = {
    scenario: m.scenario.name,
    format: c.format,
    compression: c.compression,
    batchSize: c.batchSize,
    mode: 'open',
    targetRate: round(offered, 3),
    arrival: m.load.arrival,
    target: `artillery -> ${c.transport === 'grpc' ? m.targets.grpc : m.targets.rest}`,
    searchTarget: Math.round(offered * durationS),
    serialSearchMs: 0,
    durationS,
    endReason: 'duration',
    budgetMs: m.load.budgetMs,
    hardCapMs: m.load.hardCapMs,
    requests,
    searches,
    achievedRate,
    saturated: achievedRate < 0.9 * offered,
    latency: {
      // Capped in the latency: cut at the cap, or dropped already that late (both recorded at the cap).
      request: latencySummary(
        summary(HISTOGRAMS.request),
        requests.capped + n(COUNTERS.requestsDroppedLate),
        n(COUNTERS.requestsOverBudget),
      ),
      search: latencySummary(
        summary(HISTOGRAMS.search),
        searches.capped + n(COUNTERS.searchesDroppedLate),
        n(COUNTERS.searchesOverBudget),
      ),
      service: latencySummary(summary(HISTOGRAMS.service), requests.capped, n(COUNTERS.serviceOverBudget)),
    },
    breakdown: breakdown(summary),
    cost,
    schedulerLagP99Ms: lagP99,
    warnings,
  };
  if (run.breakdown)
    warnings.push(
      "breakdown: each stage's median (Artillery keeps no per-request records); client encode and decode are 0 (the engine sends pre-encoded bytes and does not decode answers)",
    );
  if (sent === 0) warnings.push('no search was sent in the measured phase');
  return run;
}

/** Artillery's summary of one histogram as a LatencySummary: percentiles the sample supports, capped to the maximum. */
export function latencySummary(s: ArtillerySummary | undefined, capped: number, overBudget: number): LatencySummary {
  if (!s || s.count === 0)
    return { count: 0, capped: 0, overBudget: 0, minMs: 0, meanMs: 0, maxMs: 0, percentiles: [] };
  const points: [number, number][] = [
    [50, s.p50],
    [75, s.p75],
    [90, s.p90],
    [95, s.p95],
    [99, s.p99],
    [99.9, s.p999],
  ];
  let prev = 0;
  const percentiles = points
    .filter(([p]) => s.count >= Math.ceil(1 / (1 - p / 100) - 1e-9))
    .map(([p, v]) => {
      // DDSketch may place a percentile a bucket above the true maximum, or below the previous one after rounding.
      const ms = Math.max(prev, Math.min(v, s.max));
      prev = ms;
      return { p, ms, lowMs: null, highMs: null };
    });
  return {
    count: s.count,
    capped: Math.min(capped, s.count),
    overBudget: Math.min(overBudget, s.count),
    minMs: s.min,
    meanMs: s.mean,
    maxMs: s.max,
    percentiles,
  };
}

function breakdown(summary: (metric: string) => ArtillerySummary | undefined): E2eRun['breakdown'] {
  const median = (metric: string): number => {
    const s = summary(metric);
    return s && s.count > 0 ? s.p50 : 0;
  };
  const decode = summary(HISTOGRAMS.serverDecode);
  if (!decode || decode.count === 0) return null;
  const stages = {
    clientEncodeMs: 0,
    clientCompressMs: median(HISTOGRAMS.clientCompress),
    serverReceiveMs: median(HISTOGRAMS.serverReceive),
    serverDecompressMs: median(HISTOGRAMS.serverDecompress),
    serverQueueMs: median(HISTOGRAMS.serverQueue),
    serverDecodeMs: median(HISTOGRAMS.serverDecode),
    serverComputeMs: median(HISTOGRAMS.serverCompute),
    serverInjectedMs: median(HISTOGRAMS.serverInjected),
    clientDecodeMs: 0,
  };
  const attributed = Object.values(stages).reduce((a, b) => a + b, 0);
  const unattributedMs = median(HISTOGRAMS.unattributed);
  const latencyMs = attributed + unattributedMs;
  return {
    requests: decode.count,
    latencyMs: round(latencyMs, 3),
    ...stages,
    unattributedMs: round(unattributedMs, 3),
    attributedShare: latencyMs > 0 ? round(attributed / latencyMs, 3) : 0,
  };
}

function accountingProblem(r: E2eRun['requests'], s: E2eRun['searches']): string | undefined {
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  if (r.intended !== r.sent + r.dropped)
    return `requests: intended ${r.intended} != sent ${r.sent} + dropped ${r.dropped}`;
  if (r.sent !== r.ok + errors + r.capped)
    return `requests: sent ${r.sent} != ok ${r.ok} + errors ${errors} + capped ${r.capped}`;
  if (s.intended !== s.completed + s.capped + s.failed + s.dropped) {
    return `searches: intended ${s.intended} != completed ${s.completed} + capped ${s.capped} + failed ${s.failed} + dropped ${s.dropped}`;
  }
  if (s.withinBudget > s.completed) return `searches within budget ${s.withinBudget} > completed ${s.completed}`;
  return undefined;
}

/** `HTTP_503` back to `HTTP 503`; gRPC status names and socket codes as they are. */
function errorCode(suffix: string): string {
  return /^HTTP_\d{3}$/.test(suffix) ? suffix.replace('_', ' ') : suffix;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));
