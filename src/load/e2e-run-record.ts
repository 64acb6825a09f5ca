import { type Format } from '../formats/index.js';
import type { E2eRun, StubRunInfo } from '../results/index.js';
import { MAX_IN_FLIGHT_SEARCHES, type E2eConfig } from './config.js';
import { computeCost } from './cost.js';
import { type DriverResult } from './driver.js';
import { Recorder } from './recorder.js';
import { type StubStats } from './stub-process.js';
import { formatBandwidth } from './units.js';
import type { Group, Ready } from './e2e-cell.js';

export const GROWTH_OF_BUDGET = 0.2;

/** Latency grew through the run when the last quarter's median exceeds the first's this many times, and by this share of the budget. */
export const GROWTH_FACTOR = 2;

export type BaseRun = Pick<
  E2eRun,
  | 'scenario'
  | 'format'
  | 'compression'
  | 'batchSize'
  | 'mode'
  | 'concurrency'
  | 'arrival'
  | 'target'
  | 'bandwidth'
  | 'rttMs'
  | 'budgetMs'
  | 'hardCapMs'
>;

export function baseRun(g: Group, format: Format): BaseRun {
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

export const EMPTY_LATENCY = { count: 0, capped: 0, overBudget: 0, minMs: 0, meanMs: 0, maxMs: 0, percentiles: [] };

/** A cell that could not be measured at all (server unreachable, format rejected). */
export function failedRun(base: BaseRun, why: string): E2eRun {
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

export interface CellFacts {
  rate: number | undefined;
  commonRate: E2eRun['commonRate'];
  searchTarget: number;
  /** The accounting identity that does not hold, if any. */
  broken: string | undefined;
}

export function finishRun(
  g: Group,
  r: Ready,
  rec: Recorder,
  result: DriverResult,
  facts: CellFacts,
  cpu: { clientCpuMs: number; serverCpuMs: number | null },
): E2eRun {
  const { config } = g;
  const acc = rec.accounting;
  const requests = { ...acc.requests, errors: { ...acc.requests.errors } };
  const searches = { ...acc.searches };
  const windowS = result.windowMs / 1000;
  const achievedRate = round(searches.completed / windowS, 3);
  const open = config.load.mode === 'open';
  const shortfall = open && facts.rate !== undefined && achievedRate < (1 - SATURATION_SHORTFALL) * facts.rate;
  const trend = rec.trend();
  const growing =
    open &&
    trend !== null &&
    trend.lastMs > GROWTH_FACTOR * trend.firstMs &&
    trend.lastMs - trend.firstMs > GROWTH_OF_BUDGET * config.deadlineMs;
  const saturated = shortfall || growing;
  const lagP99 = open ? round(rec.lag.percentileMs(99), 3) : 0;
  const sent = searches.intended - searches.dropped;
  const cost = computeCost({
    clientCpuMs: cpu.clientCpuMs,
    serverCpuMs: cpu.serverCpuMs,
    searches: sent,
    coreHourUsd: config.coreHourUsd,
  });
  const warnings: string[] = [];
  if (facts.broken) warnings.push(`BUG: accounting does not add up: ${facts.broken}`);
  if (shortfall) {
    warnings.push(
      `saturated: offered ${facts.rate}/s, answered ${achievedRate}/s: searches queued behind each other, so latency grew through the run (it is still measured, not censored)`,
    );
  } else if (growing) {
    warnings.push(
      `saturated: at ${facts.rate}/s offered the queue kept growing: median search latency ${trend!.firstMs} ms in the first quarter of the run, ${trend!.lastMs} ms in the last (a longer run would report more; measured, not censored)`,
    );
  }
  if (open && lagP99 > 1) {
    warnings.push(
      `load generator lag p99 ${lagP99} ms > 1 ms: ${rec.lateStarts} of ${searches.intended} searches started > 1 ms late (inside the measured latency, which counts from the intended start)`,
    );
  }
  if (searches.dropped > 0)
    warnings.push(
      `${searches.dropped} of ${searches.intended} searches dropped: due when the load generator was already late by the ${config.hardCapMs} ms hard cap, or with ${MAX_IN_FLIGHT_SEARCHES} in flight`,
    );
  if (searches.capped > 0)
    warnings.push(
      `${searches.capped} of ${searches.intended} searches reached the ${config.hardCapMs} ms hard cap without an answer (counted at the cap)`,
    );
  const errorTotal = Object.values(requests.errors).reduce((x, y) => x + y, 0);
  if (errorTotal > 0)
    warnings.push(
      `${errorTotal} requests failed: ${Object.entries(requests.errors)
        .map(([k, v]) => `${k} x${v}`)
        .join(', ')}`,
    );
  if (cpu.serverCpuMs === null) {
    warnings.push(
      g.stub
        ? 'server CPU unknown (no /proc on this platform): cost counts client CPU only'
        : 'server CPU unknown for --target servers: cost counts client CPU only',
    );
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
export function stubRunInfo(
  config: E2eConfig,
  s0: StubStats | null,
  s1: StubStats | null,
  searches: number,
): StubRunInfo {
  const info: StubRunInfo = { workers: config.stub.workers ?? null, batching: config.stub.batchingFile ?? null };
  if (s0 && s1 && searches > 0) {
    info.modelCallsPerSearch = round((s1.modelCalls - s0.modelCalls) / searches, 3);
    info.droppedExpired =
      s1.droppedBeforeDecode - s0.droppedBeforeDecode + (s1.droppedInBatchQueue - s0.droppedInBatchQueue);
  }
  return info;
}

/** Key order as in the schema. */
export function orderRun(r: E2eRun): E2eRun {
  const keys: (keyof E2eRun)[] = [
    'scenario',
    'format',
    'compression',
    'batchSize',
    'mode',
    'concurrency',
    'targetRate',
    'arrival',
    'commonRate',
    'target',
    'server',
    'bandwidth',
    'rttMs',
    'searchTarget',
    'serialSearchMs',
    'durationS',
    'endReason',
    'budgetMs',
    'hardCapMs',
    'requests',
    'searches',
    'achievedRate',
    'saturated',
    'latency',
    'breakdown',
    'cost',
    'schedulerLagP99Ms',
    'warnings',
  ];
  const out: Record<string, unknown> = {};
  for (const k of keys) if (r[k] !== undefined) out[k] = r[k];
  return out as unknown as E2eRun;
}

export const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** Open loop: answers more than this much slower than offered = saturated. */
export const SATURATION_SHORTFALL = 0.1;
