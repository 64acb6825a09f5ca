// `npm run report -- [--in results/latest.json] [--out results/]`: renders charts, summary,
// HTML report and exports from a saved results file alone, so a results file from CI can
// be rendered anywhere. Appends the summary to $GITHUB_STEP_SUMMARY when that is set.
// Exit codes: 0 written; 2 bad usage or the input file is missing/unreadable;
// 3 the input is not a payload-bench Results object of a known schemaVersion.
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { validateResults, writeReport } from '../src/report/index.js';

const USAGE = `usage: npm run report -- [--in results/latest.json] [--out results/]

  --in   results file written by \`npm run bench\` (default results/latest.json)
  --out  directory for summary.md, report.html, charts/, results.csv,
         github-benchmark.json and bencher.json (default results/)`;

function fail(code: 2 | 3, message: string): never {
  process.stderr.write(`report: ${message}\n`);
  process.exit(code);
}

function main(): void {
  let values: { in?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { in: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    }));
  } catch (err) {
    fail(2, `${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const input = resolve(values.in ?? 'results/latest.json');
  const outDir = resolve(values.out ?? 'results');

  let text: string;
  try {
    if (!statSync(input).isFile()) fail(2, `--in ${input} is not a file`);
    text = readFileSync(input, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') fail(2, `no results file at ${input} (run \`npm run bench\` first, or pass --in PATH)`);
    fail(2, `cannot read ${input}: ${e.message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    fail(3, `${input} is not JSON: ${(err as Error).message}`);
  }
  const check = validateResults(parsed);
  if (check.state === 'unknown-version') fail(3, `${input}: ${check.message}`);
  if (check.state === 'invalid') {
    fail(3, `${input} is not a payload-bench results file:\n${check.errors.map((e) => `  - ${e}`).join('\n')}`);
  }

  const written = writeReport(check.results, { outDir });
  const rel = relative(process.cwd(), outDir);
  const shown = rel === '' ? '.' : rel.startsWith('..') ? outDir : rel;
  process.stdout.write(`report: ${written.files.length} files written to ${shown}/\n`);
  for (const f of written.files) process.stdout.write(`  ${f}\n`);
  for (const f of written.removed) process.stdout.write(`  removed stale ${f}\n`);
  if (written.skipped.length > 0) {
    process.stdout.write(`charts not drawn (${written.skipped.length}):\n`);
    for (const s of written.skipped) process.stdout.write(`  ${s.id}: ${s.reason}\n`);
  }
  if (!written.font.bundled) process.stdout.write(`warning: ${written.font.note}\n`);

  const stepSummary = process.env['GITHUB_STEP_SUMMARY'];
  if (stepSummary) {
    appendFileSync(stepSummary, `${written.stepSummary}\n`);
    process.stdout.write(`summary appended to $GITHUB_STEP_SUMMARY (${stepSummary})\n`);
  }
}

main();
