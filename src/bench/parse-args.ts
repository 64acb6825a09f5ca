// Command-line parsing for `npm run bench`: argv in, a typed BenchConfig or a usage error out
// (the entry point prints it and exits 2). Pure: loads no scenario file, touches nothing.
import { parseArgs as nodeParseArgs } from 'node:util';
import { CodecError, parseCodecList } from '../codecs/index.js';
import { parseDataFormat, type DataSpec } from '../data/load-data.js';
import { defaultFormats, FormatError, parseFormatList, type FormatId } from '../formats/index.js';
import { MAX_CANDIDATES } from '../scenario/index.js';
import { CHECK_PLAN, DEFAULT_CODECS, DEFAULT_OUT_DIR, DEFAULT_PLAN, DEFAULT_SCENARIO, QUICK_PLAN, type MeasurePlan } from './measure-plan.js';

export type SweepDimension = 'candidates' | 'features';

export interface SweepSpec {
  dimension: SweepDimension;
  values: number[];
}

/** The fully resolved configuration of one bench run; recorded verbatim in the results. */
export interface BenchConfig {
  /** Preset names or scenario file paths, in the order given. */
  scenarios: string[];
  formats: FormatId[];
  /** Codec labels, e.g. `identity`, `gzip:6`. */
  codecs: string[];
  /** Overrides every scenario's candidate count; null keeps each scenario's own. */
  candidates: number | null;
  /** Overrides every scenario's seed; null keeps each scenario's own. */
  seed: number | null;
  /** Output folder for latest.json, summary.md, results.csv. */
  out: string;
  /** Print the results JSON on stdout (and nothing else there). */
  json: boolean;
  quick: boolean;
  sweeps: SweepSpec[];
  plan: MeasurePlan;
  /** Also run the short end-to-end pass against the stub server (off with --quick, --check, --no-e2e). */
  e2e: boolean;
  /**
   * --peers: in each child, also time protobufjs, protobuf-es, JSON.parse + gather and msgpackr
   * on the same bytes as ours (results `peers`). Off by default: it adds ~1.5 min, mostly the
   * peers parsing 1,000 tf.Examples, which would take the default run past its 5-minute budget.
   */
  peers?: boolean;
  /** After measuring, compare with the baseline (the CI gate); null when not checking. */
  check: { baseline: string; threshold: number; strict: boolean; instructions?: boolean } | null;
  /**
   * --data: measure the user's recorded requests (the first one, see run-bench.ts) instead of
   * a synthetic one; the schema is inferred unless a --scenario is given. Absent or null: synthetic.
   */
  data?: DataSpec | null;
}

export type ParsedArgs =
  | { kind: 'run'; config: BenchConfig }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string; exitCode: 2 };

export const BENCH_USAGE = `Usage: npm run bench -- [options]

Measures every format x codec on each scenario (bytes, encode, compress, decompress,
decode, and each as a multiple of the scenario's floor) and writes latest.json, summary.md
and results.csv to the output folder.

Options:
  --quick                 short run (1 round, fewer samples; <= 60 s on 2 cores)
  --scenario <preset|file>  scenario preset or JSON file; repeatable (default ${DEFAULT_SCENARIO})
  --data <file>           measure your own recorded requests instead: TFRecord of tf.Example or
                          ExampleListWithContext, or JSON Lines of TF Serving REST bodies. The
                          first request is measured; the schema is inferred from the data, or
                          checked against --scenario when one is given
  --data-format <f>       tfrecord-example, tfrecord-elwc or jsonl (default: detected)
  --skip-corrupt          skip and count corrupt records instead of stopping at the first
  --formats <a,b|all>     formats to measure (default all but oip-typed and oip-json; see npm run formats)
  --codecs <list>         codec specs, e.g. identity,gzip:1,zstd:3
                          (default ${DEFAULT_CODECS})
  --candidates <N>        override every scenario's candidate count (1..${MAX_CANDIDATES});
                          with --data, regroup the recorded examples into requests of N
  --seed <S>              override every scenario's seed (0..4294967295)
  --out <dir>             output folder (default ${DEFAULT_OUT_DIR}/)
  --json                  print the results JSON on stdout; progress and tables go to stderr
  --sweep <dim=v1,v2,..>  also measure growth along candidates or features, e.g.
                          --sweep candidates=10,100,1000,10000; repeatable per dimension
  --rounds <N>            child processes per format (default ${DEFAULT_PLAN.rounds}, quick ${QUICK_PLAN.rounds})
  --time-ms <ms>          time budget per timed op and round (default ${DEFAULT_PLAN.timeMs}, quick ${QUICK_PLAN.timeMs})
  --min-samples <N>       minimum samples per timed op and round (default ${DEFAULT_PLAN.minSamples}, quick ${QUICK_PLAN.minSamples})
  --no-e2e                skip the end-to-end pass (it is skipped by --quick and --check)
  --peers                 also time peer libraries on the same bytes in the same child:
                          protobufjs and protobuf-es (gRPC formats), JSON.parse + gather
                          (JSON formats), msgpackr (msgpack); adds ~1.5 min
  --check                 the CI gate: the quick suite, then compare with the baseline
                          (writes to results/check/ unless --out is given)
  --baseline <file>       baseline for --check (default results/baseline.json)
  --threshold <pct>       timing change that counts as a regression (default 25)
  --strict                with --check, a run too noisy to judge fails
  --instructions          with --check, also count instructions under valgrind and compare
                          with results/baseline-instructions.json (exit 5: valgrind missing)
  -h, --help              show this help

Exit codes: 0 done, 1 unexpected failure (with --check: a confirmed regression), 2 bad
arguments, 3 (--check) missing or incompatible baseline, 4 a format or codec failed its
round-trip check, 130 interrupted (what was measured is written).`;

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

/** A bad command-line argument: the message says which, and what was expected. */
export class UsageError extends Error {
  override name = 'UsageError';
}

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
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (options start with --; see --help)`);

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
    if (!Number.isFinite(t) || t <= 0 || t > 1000) throw new UsageError(`--threshold: expected a percentage > 0, got "${values.threshold}"`);
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
  if (data && (values.scenario?.length ?? 0) > 1) throw new UsageError('--data: give at most one --scenario to check the data against (the data is one scenario)');
  if (data && values.sweep !== undefined) throw new UsageError('--data: --sweep rescales synthetic scenarios; infer one from the data (npm run scenario -- infer) and sweep that');
  if (data && checking) throw new UsageError('--data: --check compares with the synthetic baseline; run --data without --check');
  if (data && values.seed !== undefined) throw new UsageError('--data: --seed applies to synthetic requests; recorded requests are replayed as they are');
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
    check: checking ? { baseline: stringOption('--baseline', values.baseline) ?? `${DEFAULT_OUT_DIR}/baseline.json`, threshold, strict: values.strict === true, ...(values.instructions ? { instructions: true } : {}) } : null,
    data: data ? { ...data, candidates: intOption('--candidates', values.candidates, 1, MAX_CANDIDATES) ?? null } : null,
  };
  return { kind: 'run', config };
}

function nodeParse(argv: readonly string[]) {
  return nodeParseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
}

/** node:util parseArgs errors, reworded on one line without the internal error code. */
export function nodeErrorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const unknown = /Unknown option '([^']+)'/.exec(msg);
  if (unknown) return `unknown option "${unknown[1]}" (see --help)`;
  const missing = /Option '(?:-\w, )?([^' ]+)(?: <value>)?' argument missing/.exec(msg);
  if (missing) return `option "${missing[1]}" needs a value`;
  const ambiguous = /Option '(?:-\w, )?([^' ]+)' argument is ambiguous/.exec(msg);
  if (ambiguous) return `option "${ambiguous[1]}": a value starting with "-" must be written as ${ambiguous[1]}=<value>`;
  return `${msg.split('\n')[0]!.replace(/\.$/, '')} (see --help)`;
}

/** --data, --data-format, --skip-corrupt; the regrouping count is filled in from --candidates. */
function parseData(values: ReturnType<typeof nodeParse>['values']): Omit<DataSpec, 'candidates'> | null {
  const path = stringOption('--data', values.data);
  const formatText = stringOption('--data-format', values['data-format']);
  if (path === undefined) {
    if (formatText !== undefined || values['skip-corrupt'] !== undefined) throw new UsageError('--data-format and --skip-corrupt go with --data <file>');
    return null;
  }
  const format = formatText === undefined ? null : parseDataFormat(formatText);
  if (format === undefined) throw new UsageError(`--data-format: expected tfrecord-example, tfrecord-elwc or jsonl, got ${JSON.stringify(formatText)}`);
  return { path, format, skipCorrupt: values['skip-corrupt'] === true };
}

function stringOption(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === '' || v.startsWith('--')) throw new UsageError(`${name}: expected a value, got ${JSON.stringify(v)}`);
  return v;
}

/** Parses a decimal integer option in [min, max]; undefined when absent. */
export function intOption(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim().replaceAll('_', '');
  if (!/^-?\d+$/.test(t)) throw new UsageError(`${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  const n = Number(t);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${name}: expected an integer from ${min} to ${max}, got ${v}`);
  return n;
}

const SWEEP_LIMITS: Record<SweepDimension, number> = { candidates: MAX_CANDIDATES, features: 100_000 };

/** `candidates=10,100,1000` -> { dimension, values }; each dimension at most once. */
export function parseSweeps(items: readonly string[]): SweepSpec[] {
  const out: SweepSpec[] = [];
  for (const item of items) {
    const m = /^\s*([a-z]+)\s*=\s*(.*)$/.exec(item);
    if (!m) throw new UsageError(`--sweep: expected <dimension>=<v1,v2,...> such as candidates=10,100,1000, got ${JSON.stringify(item)}`);
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
