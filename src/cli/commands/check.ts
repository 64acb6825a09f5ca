// `npm run check`: compares results with a baseline and exits 0 pass, 1 confirmed
// regression, 2 usage error, 3 missing or incompatible baseline, 4 the run failed.
// Bytes are compared exactly; timings as in-run ratios, suspects re-measured; with
// --instructions, instruction counts under valgrind (5: valgrind missing, nothing counted).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { runBench } from '../../bench/run-bench.js';
import {
  countInstructions,
  INSTRUCTION_DEFAULTS,
  ValgrindMissingError,
  type InstructionConfig,
} from '../../bench/instructions/index.js';
import {
  assertComparable,
  check,
  CheckError,
  checkInstructions,
  confirm,
  EXIT_NO_VALGRIND,
  freshSizes,
  INSTRUCTION_BASELINE,
  instructionConfigOf,
  loadResults,
  mergeResults,
  remeasure,
  renderCheckMarkdown,
  type CheckReport,
  type CountInstructions,
} from '../../check/index.js';
import { formatIds } from '../../formats/index.js';
import type { Results } from '../../results/index.js';

export const CHECK_USAGE = `Usage: payload-bench check [options]

  --baseline <file>     baseline results (default results/baseline.json)
  --current <file>      results to check (default results/latest.json)
  --update-baseline     write the current results as the baseline and exit; give --current
                        several times to merge runs (recommended: 3 runs of bench --check)
  --sizes-only          compare payload sizes only; without --current, re-encodes the
                        baseline's scenarios now (seconds; no timing)
  --threshold <pct>     change that counts as a regression (default 25 for timings,
                        2 for instruction counts)
  --strict              a run too noisy to judge fails (exit 1)
  --no-remeasure        do not re-measure suspected timing regressions
  --instructions        count instructions under valgrind now (one call of every format x
                        op, deterministic) and compare with the instruction baseline
                        (default ${INSTRUCTION_BASELINE}); with --update-baseline, count
                        and write that baseline; with --current, compare a saved count
  --formats a,b         with --instructions: count only these formats
  --runs N              with --instructions: fresh processes per format (default 1; the
                        record keeps every run's count, a warning names any that differ)
  --json                machine-readable report on stdout
  -h, --help

Exit codes: 0 pass, 1 regression (timings: confirmed), 2 usage error, 3 missing or
incompatible baseline, 4 the run itself failed, 5 --instructions cannot run here
(valgrind, its headers or a C compiler missing: the message says what to install).`;

async function main(): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        baseline: { type: 'string' },
        current: { type: 'string', multiple: true },
        'update-baseline': { type: 'boolean' },
        'sizes-only': { type: 'boolean' },
        threshold: { type: 'string' },
        strict: { type: 'boolean' },
        'no-remeasure': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        instructions: { type: 'boolean' },
        formats: { type: 'string' },
        runs: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new CheckError((err as Error).message.split('\n')[0]!, 2);
  }
  if (values.help) {
    process.stdout.write(`${CHECK_USAGE}\n`);
    return 0;
  }
  const instructions = values.instructions === true;
  const baselinePath =
    (values.baseline as string | undefined) ?? (instructions ? INSTRUCTION_BASELINE : 'results/baseline.json');
  const currents = (values.current as string[] | undefined) ?? [];
  const currentPath = currents[0];
  let threshold = instructions ? 0.02 : 0.25;
  if (values.threshold !== undefined) {
    const t = Number(values.threshold);
    if (!Number.isFinite(t) || t <= 0 || t > 1000)
      throw new CheckError(`--threshold expects a percentage > 0 and <= 1000, got "${String(values.threshold)}"`, 2);
    threshold = t / 100;
  }
  if (!instructions) {
    for (const flag of ['formats', 'runs'] as const)
      if (values[flag] !== undefined) throw new CheckError(`--${flag} goes with --instructions`, 2);
  } else {
    if (values['sizes-only'])
      throw new CheckError(
        '--sizes-only and --instructions exclude each other (instruction mode compares sizes too)',
        2,
      );
    return instructionMode(values, baselinePath, currents, threshold, countInstructionsWithProgress);
  }
  if (values['update-baseline']) {
    const from = currents.length ? currents : ['results/latest.json'];
    const runs = from.map((f) => loadResults(f, 'current'));
    const bad = runs.findIndex((r) => r.state !== 'complete');
    if (bad >= 0) throw new CheckError(`${from[bad]} is from an interrupted run: not taken as a baseline`, 4);
    const merged = mergeResults(runs);
    mkdirSync(dirname(baselinePath), { recursive: true });
    writeFileSync(baselinePath, `${JSON.stringify(merged, null, 2)}\n`);
    process.stderr.write(
      `check: ${baselinePath} now holds ${from.join(' + ')} (${merged.sizes.length} sizes, ${merged.micro.length} timings${runs.length > 1 ? `, merged from ${runs.length} runs` : ''}); commit it\n`,
    );
    return 0;
  }
  if (currents.length > 1)
    throw new CheckError('several --current files are only for --update-baseline (to merge runs into a baseline)', 2);
  const baseline = loadResults(baselinePath, 'baseline');
  const sizesOnly = values['sizes-only'] === true;
  const current =
    sizesOnly && !currentPath ? freshSizes(baseline) : loadResults(currentPath ?? 'results/latest.json', 'current');
  assertComparable(baseline, current);
  const opts = { threshold, strict: values.strict === true, timings: !sizesOnly };
  let report: CheckReport = check(baseline, current, opts);
  if (report.suspects.length && !values['no-remeasure'] && report.exitCode !== 4) {
    process.stderr.write(
      `check: ${report.suspects.length} suspected timing regression(s); re-measuring ${[...new Set(report.suspects.map((s) => s.format))].join(', ')}\n`,
    );
    const again = await remeasure(current, report.suspects, (c) => runBench(c));
    report = confirm(report, check(baseline, again, opts));
  }
  return emit(report, values.json === true);
}

/** The counting function handed to the check: the bench layer's, with one progress line per process. */
const countInstructionsWithProgress: CountInstructions = (config) =>
  countInstructions(config, {
    onProgress: (p) =>
      process.stderr.write(
        `check: counted ${p.scenario} ${p.format}${config.runs > 1 ? ` (run ${p.run + 1})` : ''} in ${(p.wallMs / 1000).toFixed(1)} s [${p.done}/${p.total}]\n`,
      ),
  });

/** --instructions: count now (or read --current) and compare with the instruction baseline. */
async function instructionMode(
  values: Record<string, string | boolean | string[] | undefined>,
  baselinePath: string,
  currents: string[],
  threshold: number,
  count: CountInstructions,
): Promise<number> {
  const formats =
    values.formats === undefined
      ? undefined
      : String(values.formats)
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean);
  if (formats) {
    const known = formatIds() as string[];
    const bad = formats.filter((f) => !known.includes(f));
    if (bad.length || !formats.length)
      throw new CheckError(
        `--formats: unknown format "${bad[0] ?? String(values.formats)}"; known: ${known.join(', ')}`,
        2,
      );
  }
  let runs = 1;
  if (values.runs !== undefined) {
    runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1 || runs > 20)
      throw new CheckError(`--runs expects an integer from 1 to 20, got "${String(values.runs)}"`, 2);
  }
  if (currents.length > 1)
    throw new CheckError('--instructions takes at most one --current (counts are deterministic: nothing to merge)', 2);
  const started = performance.now();
  try {
    if (values['update-baseline']) {
      const config: InstructionConfig = {
        ...INSTRUCTION_DEFAULTS,
        scenarios: [...INSTRUCTION_DEFAULTS.scenarios],
        codecs: [...INSTRUCTION_DEFAULTS.codecs],
        seed: null,
        formats: formats ?? formatIds(),
        runs,
      };
      const counted = currents[0] ? loadResults(currents[0], 'current') : await count(config);
      if (!counted.instructions?.length) throw new CheckError(`${currents[0]} holds no instruction counts`, 2);
      mkdirSync(dirname(baselinePath), { recursive: true });
      writeFileSync(baselinePath, `${JSON.stringify(counted, null, 2)}\n`);
      process.stderr.write(
        `check: ${baselinePath} now holds ${counted.instructions.length} instruction counts (${[...new Set(counted.instructions.map((r) => r.format))].length} formats) in ${((performance.now() - started) / 1000).toFixed(0)} s; commit it\n`,
      );
      return 0;
    }
    const baseline = loadResults(baselinePath, 'baseline');
    let report: CheckReport;
    if (currents[0]) {
      const current = loadResults(currents[0], 'current');
      if (!current.instructions?.length) throw new CheckError(`${currents[0]} holds no instruction counts`, 2);
      instructionConfigOf(baseline, baselinePath);
      assertComparable(baseline, current);
      report = check(baseline, current, {
        timings: false,
        instructionThreshold: threshold,
        strict: values.strict === true,
      });
    } else {
      const out = await checkInstructions(baseline, baselinePath, count, {
        ...(formats ? { formats } : {}),
        runs,
        threshold,
        strict: values.strict === true,
      });
      report = out.report;
      mkdirSync('results/check', { recursive: true });
      writeFileSync('results/check/instructions.json', `${JSON.stringify(out.current, null, 2)}\n`);
      report.warnings.push(
        `counted ${out.current.instructions?.length ?? 0} figures in ${((performance.now() - started) / 1000).toFixed(0)} s; written to results/check/instructions.json`,
      );
    }
    return emit(report, values.json === true);
  } catch (err) {
    if (err instanceof ValgrindMissingError)
      throw new CheckError(
        `--instructions cannot run here: ${err.message}. The wall-time check (npm run bench -- --check) still works without valgrind.`,
        EXIT_NO_VALGRIND,
      );
    throw err;
  }
}

export function emit(report: CheckReport, json: boolean): number {
  const md = renderCheckMarkdown(report);
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(md);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, md);
  process.stderr.write(`check: ${report.headline}\n`);
  return report.exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof CheckError) {
      process.stderr.write(`check: ${err.message}\n${err.exitCode === 2 ? `${CHECK_USAGE}\n` : ''}`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`check: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 4;
  },
);
