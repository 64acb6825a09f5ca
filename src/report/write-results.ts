// Writes a run's files into the output folder: latest.json (the Results, written to a
// temporary name and renamed, so a reader never sees half a file), then the report
// rendered from it alone: summary.md, results.csv, charts/, report.html and exports.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeReport, type WrittenReport } from './write-report.js';
import type { Results } from '../results/index.js';

export interface WrittenFiles {
  json: string;
  report: WrittenReport;
  dir: string;
}

export function writeResults(results: Results, outDir: string): WrittenFiles {
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'latest.json');
  const tmp = `${json}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(tmp, json);
  return { json, report: writeReport(results, { outDir: dir }), dir };
}
