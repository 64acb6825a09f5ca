// Writes a run's three files into the output folder: latest.json (the Results), summary.md
// and results.csv. Each file is written to a temporary name and renamed, so a reader never
// sees half a file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Results } from '../results/index.js';
import { renderCsv } from './csv.js';
import { MAX_SUMMARY_BYTES, renderMarkdownSummary } from './markdown-summary.js';

export interface WrittenFiles {
  json: string;
  markdown: string;
  csv: string;
}

export function writeResults(results: Results, outDir: string): WrittenFiles {
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  let summary = renderMarkdownSummary(results);
  if (Buffer.byteLength(summary) > MAX_SUMMARY_BYTES) {
    const note = '\n\n*(truncated: see latest.json or results.csv for everything)*\n';
    summary = Buffer.from(summary).subarray(0, MAX_SUMMARY_BYTES - Buffer.byteLength(note) - 4).toString('utf8').replace(/\uFFFD+$/, '') + note;
  }
  const files: WrittenFiles = { json: join(dir, 'latest.json'), markdown: join(dir, 'summary.md'), csv: join(dir, 'results.csv') };
  atomicWrite(files.json, `${JSON.stringify(results, null, 2)}\n`);
  atomicWrite(files.markdown, summary);
  atomicWrite(files.csv, renderCsv(results));
  return files;
}

function atomicWrite(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
