// Writes the whole report for a Results object into an output directory: charts/*.png,
// summary.md, report.html, results.csv, github-benchmark.json and bencher.json. Chart files
// a previous run left that this run did not draw are removed, so no stale chart survives.
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Results } from '../results/index.js';
import { buildCharts, CHART_FILES } from './charts.js';
import { bencherJson } from './export-bencher.js';
import { resultsCsv } from './export-csv.js';
import { githubBenchmarkJson } from './export-github-benchmark.js';
import { chartFont, renderPng, type FontChoice } from './render-png.js';
import { reportHtml } from './report-html.js';
import { summaryMarkdown } from './summary-md.js';
import type { SkippedChart } from './types.js';

export interface WriteReportOptions {
  /** Directory to write into (created if missing). */
  outDir: string;
  /** Subdirectory for the PNGs. @default 'charts' */
  chartsDir?: string;
}

export interface WrittenReport {
  /** Paths written, relative to outDir. */
  files: string[];
  /** Stale chart files removed, relative to outDir. */
  removed: string[];
  skipped: SkippedChart[];
  font: FontChoice;
  /** summary.md without images, for $GITHUB_STEP_SUMMARY (relative paths do not resolve there). */
  stepSummary: string;
}

export function writeReport(r: Results, opts: WriteReportOptions): WrittenReport {
  const chartsDir = opts.chartsDir ?? 'charts';
  const charts = buildCharts(r);
  const font = chartFont();
  const files: string[] = [];
  const removed: string[] = [];
  const write = (rel: string, content: string | Buffer) => {
    writeFileSync(join(opts.outDir, rel), content);
    files.push(rel);
  };
  mkdirSync(join(opts.outDir, chartsDir), { recursive: true });
  for (const c of charts.drawn) write(`${chartsDir}/${c.file}`, renderPng(c));
  const drawnFiles = new Set(charts.drawn.map((c) => c.file));
  for (const f of CHART_FILES) {
    const path = join(opts.outDir, chartsDir, f);
    if (!drawnFiles.has(f) && existsSync(path)) {
      rmSync(path);
      removed.push(`${chartsDir}/${f}`);
    }
  }
  write('summary.md', summaryMarkdown(r, { charts, chartsDir }));
  write('report.html', reportHtml(r, { charts, notes: [['chart font (PNG)', font.note]] }));
  write('results.csv', resultsCsv(r));
  write('github-benchmark.json', githubBenchmarkJson(r));
  write('bencher.json', bencherJson(r));
  return { files, removed, skipped: charts.skipped, font, stepSummary: summaryMarkdown(r, { charts, images: false }) };
}
