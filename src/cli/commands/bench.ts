// `npm run bench`: measures every format x codec on the chosen scenarios, prints a table per
// scenario and writes results/latest.json, summary.md and results.csv. See --help.
// Exit codes: 0 done, 1 unexpected failure, 2 bad arguments, 4 round-trip check failed,
// 130 interrupted (what was measured is written).
import {
  assertResults,
  createProgress,
  EXIT_VERIFICATION,
  renderConsole,
  resolveScenarios,
  runBench,
  VerificationError,
  type ResolvedScenarios,
} from '../../bench/index.js';
import { parseBenchArgs } from '../../args/bench-args.js';
import { writeResults } from '../../report/index.js';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchConfig } from '../../bench/index.js';
import { countInstructions, ValgrindMissingError } from '../../bench/instructions/index.js';
import {
  assertComparable,
  check,
  CheckError,
  checkInstructions,
  confirm,
  EXIT_NO_VALGRIND,
  INSTRUCTION_BASELINE,
  loadResults,
  remeasure,
  renderCheckMarkdown,
  type CheckReport,
} from '../../check/index.js';
import { BENCH_E2E_PASS, createE2eProgress, e2eConfigRecord, renderE2eTables, runE2e } from '../../load/index.js';
import { defaultE2eConfig } from '../../args/e2e-args.js';
import type { Results } from '../../results/index.js';
import { ScenarioError } from '../../scenario/index.js';
import { DataError } from '../../data/index.js';

async function main(): Promise<number> {
  const parsed = parseBenchArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`bench: ${parsed.message}\nRun "payload-bench bench --help" for usage.\n`);
    return parsed.exitCode;
  }
  const config = parsed.config;
  let resolved: ResolvedScenarios;
  try {
    resolved = resolveScenarios(config);
  } catch (err) {
    if (err instanceof ScenarioError || err instanceof DataError) {
      process.stderr.write(`bench: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  // First Ctrl-C: stop the running child, keep and write what was measured. Second: quit now.
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const progress = createProgress(process.stderr);
  let results;
  try {
    results = await runBench(config, { signal: abort.signal, onProgress: progress, resolved });
  } catch (err) {
    if (err instanceof VerificationError) {
      process.stderr.write(`\nbench: FAILED round-trip check, no results written: ${err.message}\n`);
      return EXIT_VERIFICATION;
    }
    throw err;
  }
  if (config.e2e && results.state === 'complete' && !abort.signal.aborted) {
    // The short end-to-end pass (BENCH_E2E_PASS): stub server in its own process, the main formats
    // at one common offered load, each cell until it has its searches.
    const e2eConfig = defaultE2eConfig({
      scenario: config.scenarios[0] ?? null,
      data: config.data ?? null,
      candidates: config.candidates,
      seed: config.seed,
      out: config.out,
      ...BENCH_E2E_PASS,
    });
    const e2eProgress = createE2eProgress(process.stderr);
    try {
      const pass = await runE2e(e2eConfig, {
        onProgress: (e) => e2eProgress.listener(e),
        signal: abort.signal,
        scenario: resolved.main[0]!,
        ...(resolved.data ? { requests: resolved.data.requests } : {}),
      });
      results.e2e = pass.runs;
      results.harnessFloor = pass.harnessFloor;
      results.warnings.push(...pass.warnings);
    } catch (err) {
      e2eProgress.close();
      process.stderr.write(`\nbench: the end-to-end pass failed: ${(err as Error).message}\n`);
      results.warnings.push(`end-to-end pass failed: ${(err as Error).message}`);
      results.state = 'interrupted';
    }
    e2eProgress.close();
    results.config.e2e = e2eConfigRecord(e2eConfig);
    if (abort.signal.aborted) results.state = 'interrupted';
  }
  assertResults(JSON.parse(JSON.stringify(results)));
  const files = writeResults(results, config.out);
  const table =
    renderConsole(results) + (results.e2e?.length ? `\n${renderE2eTables(results.e2e, results.harnessFloor)}` : '');
  if (config.json) {
    process.stderr.write(`\n${table}`);
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    process.stdout.write(`\n${table}`);
  }
  process.stderr.write(
    `bench: wrote ${files.json} and ${files.report.files.length} report files in ${files.dir}${files.report.skipped.length ? ` (${files.report.skipped.length} charts skipped: no data)` : ''}\n`,
  );
  if (process.env.GITHUB_STEP_SUMMARY && !config.check)
    appendFileSync(process.env.GITHUB_STEP_SUMMARY, files.report.stepSummary);
  if (results.state === 'interrupted') return 130;
  if (config.check) return runCheck(config.check, results, files.dir);
  return 0;
}

/** --check: compare with the baseline; suspected timing regressions are re-measured once. */
async function runCheck(opts: NonNullable<BenchConfig['check']>, current: Results, outDir: string): Promise<number> {
  try {
    const baseline = loadResults(opts.baseline, 'baseline');
    assertComparable(baseline, current);
    const checkOpts = { threshold: opts.threshold, strict: opts.strict };
    let report = check(baseline, current, checkOpts);
    if (report.suspects.length) {
      process.stderr.write(
        `bench: ${report.suspects.length} suspected timing regression(s); re-measuring ${[...new Set(report.suspects.map((x) => x.format))].join(', ')}\n`,
      );
      report = confirm(
        report,
        check(baseline, await remeasure(current, report.suspects, (c) => runBench(c)), checkOpts),
      );
    }
    const reports: CheckReport[] = [report];
    let noValgrind = false;
    if (opts.instructions) {
      // Instruction counts: the deterministic gate, after the wall-time second opinion.
      try {
        const onProgress = (p: { format: string; done: number; total: number; wallMs: number }): void =>
          void process.stderr.write(
            `bench: counted ${p.format} instructions in ${(p.wallMs / 1000).toFixed(1)} s [${p.done}/${p.total}]\n`,
          );
        const out = await checkInstructions(
          loadResults(INSTRUCTION_BASELINE, 'baseline'),
          INSTRUCTION_BASELINE,
          (c) => countInstructions(c, { onProgress }),
          { strict: opts.strict },
        );
        reports.push(out.report);
      } catch (err) {
        if (!(err instanceof ValgrindMissingError)) throw err;
        noValgrind = true;
        process.stderr.write(`bench: check --instructions cannot run here: ${err.message}\n`);
      }
    }
    const md = reports.map(renderCheckMarkdown).join('\n');
    process.stdout.write(`\n${md}`);
    writeFileSync(join(outDir, 'check.md'), md);
    if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, md);
    for (const r of reports) process.stderr.write(`bench: check ${r.headline}\n`);
    // A regression anywhere wins; then a missing valgrind (5); then the worst other code.
    const codes = reports.map((r) => r.exitCode);
    if (codes.includes(1)) return 1;
    if (noValgrind) return EXIT_NO_VALGRIND;
    return Math.max(...codes);
  } catch (err) {
    if (err instanceof CheckError) {
      process.stderr.write(`bench: check: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
