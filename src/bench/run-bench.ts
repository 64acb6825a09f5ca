// One bench run, config in, Results out: resolve scenarios (or the user's recorded data),
// measure the matrix, then the sweeps, and assemble the schema-versioned results with their
// environment and config.
//
// With --data the matrix measures one recorded request, the first one in the file (after
// --candidates regrouping), converted against the inferred or given schema: deterministic,
// and the request a user would look at first. Its bytes go to each child in the job.
import { parseCodecList } from '../codecs/index.js';
import { elwcRecord, loadData, type DataSummary } from '../data/index.js';
import { SCHEMA_VERSION, type MicroRecord, type Results, type SweepRecord } from '../results/index.js';
import { loadScenario, ScenarioError, type Scenario } from '../scenario/index.js';
import { aggregate } from './aggregate.js';
import { collectEnv, toolVersion } from '../common/env.js';
import type { BenchConfig } from './config.js';
import type { ProgressEvent } from './progress-events.js';
import { runMatrix, type MatrixTarget } from './run-matrix.js';
import { dataScenarioInfo, scenarioInfo } from '../common/scenario-info.js';
import type { RankingRequest } from '../tensors/index.js';
import { P99_MIN_SAMPLES, roundSpreadPct } from './stats.js';
import { floorDescription } from './floor.js';
import { aggregatePeers, peerVersions } from './peers/index.js';
import { scaleScenario, sweepRecords } from './sweep.js';

export interface ResolvedScenarios {
  main: Scenario[];
  /** One entry per scenario x sweep dimension x value, validated up front. */
  sweeps: { base: string; dimension: 'candidates' | 'features'; value: number; scenario: Scenario }[];
  /** --data: the recorded requests and what the results may say about them. */
  data?: ResolvedData;
}

/** The data of a --data run: `main[0]` is its schema, with the measured request's candidates. */
export interface ResolvedData {
  /** Every recorded request (the end-to-end pass replays them round-robin). */
  requests: RankingRequest[];
  /** Index of the request the matrix measures. */
  measured: number;
  /** Base64 ExampleListWithContext of the measured request, for the children. */
  recorded: string;
  summary: DataSummary;
  warnings: string[];
}

/** Which recorded request the matrix measures: the first. */
export const MEASURED_REQUEST = 0;

/**
 * Load and validate every scenario the run needs (before anything is measured).
 * @throws ScenarioError naming the bad reference or field
 */
export function resolveScenarios(config: BenchConfig): ResolvedScenarios {
  const opts = {
    ...(config.candidates !== null ? { candidates: config.candidates } : {}),
    ...(config.seed !== null ? { seed: config.seed } : {}),
  };
  if (config.data) {
    const given = config.scenarios[0] !== undefined ? loadScenario(config.scenarios[0]) : undefined;
    const loaded = loadData(config.data, given ? { scenario: given } : {});
    const req = loaded.requests[MEASURED_REQUEST]!;
    return {
      main: [{ ...loaded.scenario, candidates: req.candidates }],
      sweeps: [],
      data: {
        requests: loaded.requests,
        measured: MEASURED_REQUEST,
        recorded: Buffer.from(elwcRecord(req)).toString('base64'),
        summary: loaded.summary,
        warnings: loaded.warnings,
      },
    };
  }
  const main = config.scenarios.map((ref) => loadScenario(ref, opts));
  const names = main.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ScenarioError(`two scenarios are named "${dup}"; results key scenarios by name`);
  const sweeps: ResolvedScenarios['sweeps'] = [];
  for (const s of main) {
    for (const spec of config.sweeps) {
      for (const value of spec.values)
        sweeps.push({
          base: s.name,
          dimension: spec.dimension,
          value,
          scenario: scaleScenario(s, spec.dimension, value),
        });
    }
  }
  return { main, sweeps };
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** Scenarios already resolved by resolveScenarios (else resolved here). */
  resolved?: ResolvedScenarios;
}

/**
 * Measure everything `config` asks for.
 * @throws VerificationError if a round trip fails (exit 4); Error if a child crashes
 */
export async function runBench(config: BenchConfig, opts: RunOptions = {}): Promise<Results> {
  const started = performance.now();
  const emit = opts.onProgress ?? (() => {});
  const resolved = opts.resolved ?? resolveScenarios(config);
  const codecIds = [...new Set(parseCodecList(config.codecs.join(',')).map((c) => c.id))];
  const env = collectEnv(codecIds);
  const warnings: string[] = [];

  const data = resolved.data;
  const targets: MatrixTarget[] = resolved.main.map((s) => ({
    name: s.name,
    scenario: s,
    ...(data ? { recorded: data.recorded } : {}),
  }));
  const matrix = await runMatrix(
    {
      phase: 'matrix',
      targets,
      formats: config.formats,
      codecs: config.codecs,
      plan: config.plan,
      floor: true,
      peers: config.peers === true,
    },
    { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: emit },
  );
  const { sizes, micro } = aggregate(
    matrix.jobs,
    targets.map((t) => t.name),
    config.formats,
    config.codecs,
  );
  const peers = config.peers
    ? aggregatePeers(
        matrix.jobs,
        targets.map((t) => t.name),
        config.formats,
        peerVersions(),
      )
    : undefined;
  let state = matrix.state;

  const sweeps: SweepRecord[] = [];
  if (state === 'complete' && resolved.sweeps.length > 0) {
    const plan = { ...config.plan, rounds: 1 };
    for (const point of resolved.sweeps) {
      const name = `${point.base} ${point.dimension}=${point.value}`;
      const out = await runMatrix(
        {
          phase: `sweep ${name}`,
          targets: [{ name, scenario: point.scenario }],
          formats: config.formats,
          codecs: config.codecs,
          plan,
          floor: false,
        },
        { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: emit },
      );
      const agg = aggregate(out.jobs, [name], config.formats, config.codecs);
      sweeps.push(...sweepRecords(point.base, point.dimension, point.value, agg.sizes, agg.micro));
      if (out.state === 'interrupted') {
        state = 'interrupted';
        break;
      }
    }
  }

  if (state === 'interrupted') {
    emit({ type: 'interrupted' });
    const done = matrix.jobs.filter((j) => j.outcome.end === 'done').length;
    warnings.push(
      `interrupted: ${done} of ${config.plan.rounds * config.formats.length * targets.length} child processes of the matrix finished; missing cells are absent, not zero`,
    );
  }
  if (data) warnings.push(...data.warnings);
  if (config.plan.rounds < 2)
    warnings.push(`${config.plan.rounds} round: no spread across processes is recorded (use the default run for that)`);
  warnings.push(...spreadWarnings(micro));
  emit({ type: 'done', wallMs: performance.now() - started });

  const results: Results = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'payload-bench', version: toolVersion() },
    createdAt: new Date().toISOString(),
    env,
    config: {
      ...configRecord(config),
      ...(data ? { data: { ...config.data, ...data.summary, measuredRequest: data.measured } } : {}),
    },
    scenarios: data
      ? resolved.main.map((s) => dataScenarioInfo(s, data.summary, data.measured))
      : resolved.main.map(scenarioInfo),
    sizes,
    micro,
    state,
    warnings,
  };
  if (config.sweeps.length > 0) results.sweeps = sweeps;
  if (peers) results.peers = peers;
  return results;
}

/** Spread (max - min of round medians, over the median) above which a cell is called noisy. */
export const NOISY_SPREAD_PCT = 25;

/** One warning per scenario whose encode/decode round medians disagree by more than NOISY_SPREAD_PCT. */
export function spreadWarnings(micro: readonly MicroRecord[]): string[] {
  const out: string[] = [];
  const cells = micro.filter((m) => (m.op === 'encode' || m.op === 'decode') && m.stats.roundMediansMs.length > 1);
  for (const scenario of [...new Set(cells.map((m) => m.scenario))]) {
    const mine = cells.filter((m) => m.scenario === scenario);
    const noisy = mine
      .filter((m) => roundSpreadPct(m.stats) > NOISY_SPREAD_PCT)
      .sort((a, b) => roundSpreadPct(b.stats) - roundSpreadPct(a.stats));
    if (!noisy.length) continue;
    const worst = noisy
      .slice(0, 3)
      .map(
        (m) =>
          `${m.format} ${m.op} ${roundSpreadPct(m.stats).toFixed(0)}% (${m.stats.roundMediansMs.map((x) => x.toPrecision(3)).join(' / ')} ms)`,
      )
      .join(', ');
    out.push(
      `${scenario}: ${noisy.length} of ${mine.length} encode/decode medians differ by more than ${NOISY_SPREAD_PCT}% between rounds (worst: ${worst}); the machine was likely busy, compare those with care`,
    );
  }
  return out;
}

/** The config as recorded in results: every option, resolved, plus how it was measured. */
export function configRecord(config: BenchConfig): Record<string, unknown> {
  return {
    scenarios: config.scenarios,
    formats: config.formats,
    codecs: config.codecs,
    candidates: config.candidates,
    seed: config.seed,
    out: config.out,
    json: config.json,
    quick: config.quick,
    sweeps: config.sweeps.map((s) => ({ dimension: s.dimension, values: s.values })),
    plan: { ...config.plan },
    e2e: config.e2e,
    peers: config.peers === true,
    check: config.check,
    data: config.data ?? null,
    timer: 'tinybench runSync, process.hrtime.bigint',
    isolation:
      'one child process per scenario x format x round, run one at a time, formats rotated across rounds; glibc malloc held in steady state (MALLOC_MMAP_THRESHOLD_ 64 MiB, MALLOC_TRIM_THRESHOLD_ 256 MiB); JavaScript ops (encode, decode, peers) warmed up for 100 calls (at most 10x the warmup time), then a full garbage collection',
    floor: floorDescription(),
    interval:
      "95 % confidence interval: Student's t over per-round medians (rounds - 1 degrees of freedom); none with 1 round",
    p99: `shown only with >= ${P99_MIN_SAMPLES} samples`,
    total:
      'sum of medians of encode + compress + decompress + decode, each timed separately (not timed as one op; no p99)',
  };
}
