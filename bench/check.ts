// `npm run check`: compares results with a baseline and exits 0 pass, 1 confirmed
// regression, 2 usage error, 3 missing or incompatible baseline, 4 the run failed.
// Bytes are compared exactly; timings as in-run ratios, suspects re-measured.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { assertComparable, check, CheckError, confirm, freshSizes, loadResults, mergeResults, remeasure, renderCheckMarkdown, type CheckReport } from '../src/check/index.js';

export const CHECK_USAGE = `Usage: npm run check -- [options]

  --baseline <file>     baseline results (default results/baseline.json)
  --current <file>      results to check (default results/latest.json)
  --update-baseline     write the current results as the baseline and exit; give --current
                        several times to merge runs (recommended: 3 runs of bench --check)
  --sizes-only          compare payload sizes only; without --current, re-encodes the
                        baseline's scenarios now (seconds; no timing)
  --threshold <pct>     timing change that counts as a regression (default 25)
  --strict              a run too noisy to judge fails (exit 1)
  --no-remeasure        do not re-measure suspected timing regressions
  --json                machine-readable report on stdout
  -h, --help

Exit codes: 0 pass, 1 confirmed regression, 2 usage error, 3 missing or incompatible
baseline, 4 the run itself failed.`;

async function main(): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        baseline: { type: 'string' }, current: { type: 'string', multiple: true }, 'update-baseline': { type: 'boolean' }, 'sizes-only': { type: 'boolean' },
        threshold: { type: 'string' }, strict: { type: 'boolean' }, 'no-remeasure': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
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
  const baselinePath = (values.baseline as string | undefined) ?? 'results/baseline.json';
  const currents = (values.current as string[] | undefined) ?? [];
  const currentPath = currents[0];
  let threshold = 0.25;
  if (values.threshold !== undefined) {
    const t = Number(values.threshold);
    if (!Number.isFinite(t) || t <= 0 || t > 1000) throw new CheckError(`--threshold expects a percentage > 0, got "${String(values.threshold)}"`, 2);
    threshold = t / 100;
  }
  if (values['update-baseline']) {
    const from = currents.length ? currents : ['results/latest.json'];
    const runs = from.map((f) => loadResults(f, 'current'));
    const bad = runs.findIndex((r) => r.state !== 'complete');
    if (bad >= 0) throw new CheckError(`${from[bad]} is from an interrupted run: not taken as a baseline`, 4);
    const merged = mergeResults(runs);
    mkdirSync(dirname(baselinePath), { recursive: true });
    writeFileSync(baselinePath, `${JSON.stringify(merged, null, 2)}\n`);
    process.stderr.write(`check: ${baselinePath} now holds ${from.join(' + ')} (${merged.sizes.length} sizes, ${merged.micro.length} timings${runs.length > 1 ? `, merged from ${runs.length} runs` : ''}); commit it\n`);
    return 0;
  }
  if (currents.length > 1) throw new CheckError('several --current files are only for --update-baseline (to merge runs into a baseline)', 2);
  const baseline = loadResults(baselinePath, 'baseline');
  const sizesOnly = values['sizes-only'] === true;
  const current = sizesOnly && !currentPath ? freshSizes(baseline) : loadResults(currentPath ?? 'results/latest.json', 'current');
  assertComparable(baseline, current);
  const opts = { threshold, strict: values.strict === true, timings: !sizesOnly };
  let report: CheckReport = check(baseline, current, opts);
  if (report.suspects.length && !values['no-remeasure'] && report.exitCode !== 4) {
    process.stderr.write(`check: ${report.suspects.length} suspected timing regression(s); re-measuring ${[...new Set(report.suspects.map((s) => s.format))].join(', ')}\n`);
    const again = await remeasure(current, report.suspects);
    report = confirm(report, check(baseline, again, opts));
  }
  return emit(report, values.json === true);
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
