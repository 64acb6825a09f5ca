// `payload-bench report [--in results/latest.json] [--out results/]`: renders charts, summary,
// HTML report and exports from a saved results file alone, so a results file from CI can
// be rendered anywhere. Appends the summary to $GITHUB_STEP_SUMMARY when that is set.
// Exit codes: 0 written; 2 bad usage or the input file is missing/unreadable;
// 3 the input is not a payload-bench Results object of a known schemaVersion.
// With --artillery, the input is an Artillery report of an export (`npm run export -- artillery`),
// imported into results first (src/report/import-artillery.ts) and kept as <out>/artillery.json.
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { collectEnv, toolVersion } from '../../common/env.js';
import {
  ArtilleryImportError,
  importArtillery,
  parseArtilleryReport,
  parseManifest,
} from '../../report/import-artillery.js';
import { writeReport } from '../../report/index.js';
import { readResults as validateResults } from '../../results/index.js';

const USAGE = `usage: payload-bench report [--in results/latest.json] [--out results/]
       payload-bench report --artillery <report.json> [--manifest <manifest.json>] [--out results/]

  --in   results file written by \`npm run bench\` (default results/latest.json)
  --artillery  an Artillery report (\`artillery run --output\`) of a \`npm run export -- artillery\`
         folder: imported into results (also written as <out>/artillery.json), then rendered
  --manifest   that export's manifest.json (default: the one next to the report)
  --out  directory for summary.md, report.html, charts/, results.csv,
         github-benchmark.json and bencher.json (default results/)`;

function fail(code: 2 | 3, message: string): never {
  process.stderr.write(`report: ${message}\n`);
  process.exit(code);
}

function main(): void {
  let values: { in?: string; out?: string; artillery?: string; manifest?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        in: { type: 'string' },
        out: { type: 'string' },
        artillery: { type: 'string' },
        manifest: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }));
  } catch (err) {
    fail(2, `${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.artillery !== undefined && values.in !== undefined)
    fail(2, '--in and --artillery both name the input; give one');
  if (values.manifest !== undefined && values.artillery === undefined)
    fail(2, '--manifest goes with --artillery <report.json>');
  const input = resolve(values.artillery ?? values.in ?? 'results/latest.json');
  const outDir = resolve(values.out ?? 'results');

  let text: string;
  try {
    if (!statSync(input).isFile()) fail(2, `--in ${input} is not a file`);
    text = readFileSync(input, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' && values.artillery !== undefined)
      fail(
        2,
        `no Artillery report at ${input} (\`artillery run <export>/artillery.yml --output <export>/report.json\` writes it)`,
      );
    if (e.code === 'ENOENT') fail(2, `no results file at ${input} (run \`npm run bench\` first, or pass --in PATH)`);
    fail(2, `cannot read ${input}: ${e.message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    fail(3, `${input} is not JSON: ${(err as Error).message}`);
  }
  if (values.artillery !== undefined) parsed = fromArtillery(parsed, input, values.manifest);
  const check = validateResults(parsed);
  if (check.state === 'unknown-version') fail(3, `${input}: ${check.message}`);
  if (check.state === 'invalid') {
    fail(3, `${input} is not a payload-bench results file:\n${check.errors.map((e) => `  - ${e}`).join('\n')}`);
  }

  if (values.artillery !== undefined) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'artillery.json'), `${JSON.stringify(check.results, null, 2)}\n`);
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

/** An Artillery report plus its export's manifest, as payload-bench results (exit 3 when they do not fit). */
function fromArtillery(report: unknown, reportPath: string, manifestArg: string | undefined): unknown {
  const manifestPath = resolve(manifestArg ?? join(dirname(reportPath), 'manifest.json'));
  if (!existsSync(manifestPath)) {
    fail(
      2,
      `no export manifest at ${manifestPath}: write the report into the export folder, or pass --manifest <export>/manifest.json`,
    );
  }
  try {
    const manifest = parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8')), manifestPath);
    const agg = parseArtilleryReport(report, reportPath);
    return importArtillery(agg, manifest, {
      env: collectEnv(['gzip', 'deflate']),
      tool: { name: 'payload-bench', version: toolVersion() },
      reportPath: relative(process.cwd(), reportPath) || reportPath,
      manifestPath: relative(process.cwd(), manifestPath) || manifestPath,
    });
  } catch (err) {
    if (err instanceof ArtilleryImportError || err instanceof SyntaxError) fail(3, (err as Error).message);
    throw err;
  }
}

main();
