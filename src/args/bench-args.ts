// Command-line parsing for `npm run bench`: argv in, a typed BenchConfig or a usage error out
// (the entry point prints it and exits 2). Pure: loads no scenario file, touches nothing.
import { BENCH_USAGE } from './bench-usage.js';
import { badValue, nodeErrorText, parseCount, parseOptions, UsageError } from './validators.js';
import { readData } from './shared-options.js';
import { CodecError, parseCodecList } from '../codecs/index.js';
import { parseDataFormat, type DataSpec } from '../data/load-data.js';
import { defaultFormats, FormatError, parseFormatList, type FormatId } from '../formats/index.js';
import { MAX_CANDIDATES } from '../scenario/index.js';
import {
  CHECK_PLAN,
  DEFAULT_CODECS,
  DEFAULT_OUT_DIR,
  DEFAULT_PLAN,
  DEFAULT_SCENARIO,
  QUICK_PLAN,
  type MeasurePlan,
} from '../bench/measure-plan.js';

export type { BenchConfig, SweepDimension, SweepSpec } from '../bench/config.js';
import type { BenchConfig, SweepDimension, SweepSpec } from '../bench/config.js';

export type ParsedArgs =
  | { kind: 'run'; config: BenchConfig }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string; exitCode: 2 };

export { UsageError };

export { BENCH_USAGE };

const OPTIONS = {
  quick: { type: 'boolean' },
  scenario: { type: 'string', multiple: true },
  data: { type: 'string' },
  'data-format': { type: 'string' },
  'skip-corrupt': { type: 'boolean' },
  formats: { type: 'string' },
  codecs: { type: 'string' },
  candidates: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  sweep: { type: 'string', multiple: true },
  rounds: { type: 'string' },
  'time-ms': { type: 'string' },
  'min-samples': { type: 'string' },
  'no-e2e': { type: 'boolean' },
  peers: { type: 'boolean' },
  check: { type: 'boolean' },
  baseline: { type: 'string' },
  threshold: { type: 'string' },
  strict: { type: 'boolean' },
  instructions: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parse `npm run bench` arguments (without node and script). Never throws. */
export function parseBenchArgs(argv: readonly string[]): ParsedArgs {
  try {
    return parseOrThrow(argv);
  } catch (err) {
    if (err instanceof UsageError || err instanceof FormatError || err instanceof CodecError) {
      return { kind: 'error', message: err.message, exitCode: 2 };
    }
    throw err;
  }
}

function parseOrThrow(argv: readonly string[]): ParsedArgs {
  let values: ReturnType<typeof nodeParse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = nodeParse(argv));
  } catch (err) {
    throw new UsageError(nodeErrorText(err));
  }
  if (values.help) return { kind: 'help', text: BENCH_USAGE };
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}" (options start with --; see --help)`);

  const checking = values.check === true;
  const quick = values.quick === true || checking;
  if (!checking && (values.baseline !== undefined || values.threshold !== undefined || values.strict !== undefined)) {
    throw new UsageError('--baseline, --threshold and --strict go with --check');
  }
  if (!checking && values.instructions !== undefined) {
    throw new UsageError('--instructions goes with --check (or use npm run check -- --instructions)');
  }
  let threshold = 0.25;
  if (values.threshold !== undefined) {
    const t = Number(values.threshold);
    if (!Number.isFinite(t) || t <= 0 || t > 1000)
      throw new UsageError(`--threshold: expected a percentage > 0, got "${values.threshold}"`);
    threshold = t / 100;
  }
  const base = checking ? CHECK_PLAN : quick ? QUICK_PLAN : DEFAULT_PLAN;
  const plan: MeasurePlan = {
    ...base,
    rounds: intOption('--rounds', values.rounds, 1, 20) ?? base.rounds,
    timeMs: intOption('--time-ms', values['time-ms'], 1, 60_000) ?? base.timeMs,
    minSamples: intOption('--min-samples', values['min-samples'], 1, 10_000) ?? base.minSamples,
  };
  const data = parseData(values);
  if (data && (values.scenario?.length ?? 0) > 1)
    throw new UsageError('--data: give at most one --scenario to check the data against (the data is one scenario)');
  if (data && values.sweep !== undefined)
    throw new UsageError(
      '--data: --sweep rescales synthetic scenarios; infer one from the data (npm run scenario -- infer) and sweep that',
    );
  if (data && checking)
    throw new UsageError('--data: --check compares with the synthetic baseline; run --data without --check');
  if (data && values.seed !== undefined)
    throw new UsageError('--data: --seed applies to synthetic requests; recorded requests are replayed as they are');
  const scenarios = (values.scenario ?? (data ? [] : [DEFAULT_SCENARIO])).map((s) => {
    if (s.trim() === '') throw new UsageError('--scenario: expected a preset name or a file path, got an empty string');
    return s;
  });
  const dup = scenarios.find((s, i) => scenarios.indexOf(s) !== i);
  if (dup !== undefined) throw new UsageError(`--scenario: "${dup}" is given twice`);
  const formatList = stringOption('--formats', values.formats);
  const formats = (formatList === undefined ? defaultFormats() : parseFormatList(formatList)).map((f) => f.id);
  const codecs = parseCodecList(stringOption('--codecs', values.codecs) ?? DEFAULT_CODECS).map((c) => c.label);
  const out = stringOption('--out', values.out) ?? (checking ? `${DEFAULT_OUT_DIR}/check` : DEFAULT_OUT_DIR);
  const config: BenchConfig = {
    scenarios,
    formats,
    codecs,
    candidates: intOption('--candidates', values.candidates, 1, MAX_CANDIDATES) ?? null,
    seed: intOption('--seed', values.seed, 0, 0xffffffff) ?? null,
    out,
    json: values.json === true,
    quick,
    sweeps: parseSweeps(values.sweep ?? []),
    plan,
    e2e: !quick && values['no-e2e'] !== true,
    peers: values.peers === true,
    check: checking
      ? {
          baseline: stringOption('--baseline', values.baseline) ?? `${DEFAULT_OUT_DIR}/baseline.json`,
          threshold,
          strict: values.strict === true,
          ...(values.instructions ? { instructions: true } : {}),
        }
      : null,
    data: data
      ? { ...data, candidates: intOption('--candidates', values.candidates, 1, MAX_CANDIDATES) ?? null }
      : null,
  };
  return { kind: 'run', config };
}

function nodeParse(argv: readonly string[]) {
  return parseOptions(argv, OPTIONS, { positionals: Number.MAX_SAFE_INTEGER });
}

/** --data, --data-format, --skip-corrupt (shared); the regrouping count is filled in from --candidates. */
function parseData(values: ReturnType<typeof nodeParse>['values']): Omit<DataSpec, 'candidates'> | null {
  const d = readData(values);
  return d && { path: d.path, format: d.format, skipCorrupt: d.skipCorrupt };
}

function stringOption(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === '' || v.startsWith('--')) throw badValue(name, 'a value', v);
  return v;
}

/** A count option through the shared validator; undefined when absent. */
export function intOption(name: string, v: string | undefined, min: number, max: number): number | undefined {
  return v === undefined ? undefined : parseCount(name, v, { min, max });
}

const SWEEP_LIMITS: Record<SweepDimension, number> = { candidates: MAX_CANDIDATES, features: 100_000 };

/** `candidates=10,100,1000` -> { dimension, values }; each dimension at most once. */
export function parseSweeps(items: readonly string[]): SweepSpec[] {
  const out: SweepSpec[] = [];
  for (const item of items) {
    const m = /^\s*([a-z]+)\s*=\s*(.*)$/.exec(item);
    if (!m)
      throw new UsageError(
        `--sweep: expected <dimension>=<v1,v2,...> such as candidates=10,100,1000, got ${JSON.stringify(item)}`,
      );
    const dim = m[1]!;
    if (dim !== 'candidates' && dim !== 'features') {
      throw new UsageError(`--sweep: unknown dimension "${dim}" (expected candidates or features)`);
    }
    if (out.some((s) => s.dimension === dim)) throw new UsageError(`--sweep: dimension "${dim}" is given twice`);
    const parts = m[2]!.split(',').map((s) => s.trim());
    if (parts.length === 0 || parts.some((p) => p === '')) {
      throw new UsageError(`--sweep ${dim}: expected a comma-separated list of integers, got ${JSON.stringify(m[2])}`);
    }
    const values = parts.map((p) => intOption(`--sweep ${dim}`, p, 1, SWEEP_LIMITS[dim])!);
    const dup = values.find((v, i) => values.indexOf(v) !== i);
    if (dup !== undefined) throw new UsageError(`--sweep ${dim}: value ${dup} is given twice`);
    out.push({ dimension: dim, values: [...values].sort((a, b) => a - b) });
  }
  return out;
}

/** Defaults, with `overrides` applied on top (shallow). */
export function defaultBenchConfig(overrides: Partial<BenchConfig> = {}): BenchConfig {
  const parsed = parseBenchArgs([]);
  if (parsed.kind !== 'run') throw new Error('unreachable: the bench defaults parse');
  return { ...parsed.config, ...overrides };
}
