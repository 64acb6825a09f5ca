// results/summary.md: headline findings computed from the data, the chart images by
// relative path, and the tables, kept under 64 KB so it fits a PR comment (sections are
// left out, least useful first, when a large run would go over).
import type { Results } from '../results/index.js';
import type { Table } from './types.js';
import { buildCharts, type ChartSet } from './charts.js';
import { peersTable } from './table-peers.js';
import { findings } from './findings.js';
import { markdownTable } from './markdown.js';
import { num } from './number-format.js';
import { compactJson } from './markdown.js';
import { primaryScenario, scenarioInfo, scenarioNames } from './select.js';
import {
  breakdownTable,
  codecCpuTable,
  cpuTable,
  e2eTable,
  envTable,
  harnessFloorTable,
  sizeTable,
  sweepTables,
} from './tables.js';

export interface SummaryOptions {
  /** Directory of the chart PNGs relative to the summary. @default 'charts' */
  chartsDir?: string;
  /** Include the chart images; off for $GITHUB_STEP_SUMMARY, where relative paths do not resolve. @default true */
  images?: boolean;
  /** Charts already built (to avoid building them twice). @default buildCharts(results) */
  charts?: ChartSet;
  /** Size budget in bytes (UTF-8). @default 60000, under the 65,536 characters of a GitHub comment */
  maxBytes?: number;
}

/** GitHub comments hold 65,536 characters; stay clear of it. */
export const SUMMARY_MAX_BYTES = 60_000;

interface Section {
  key: string;
  text: string;
  label?: string;
}

/** One way to shrink the summary: replace a section's text, or drop it (text undefined). */
interface Reduction {
  rank: number;
  section: Section;
  text?: string;
  /** What the reader is told was left out. */
  note: string;
}

function header(r: Results): string {
  const scenario = primaryScenario(r);
  const info = scenario ? scenarioInfo(r, scenario) : undefined;
  const parts = [
    info
      ? `${num(info.candidates)} candidates × ${info.features} features (${info.contextFeatures} context), seed ${info.seed}`
      : undefined,
    `${r.tool.name} ${r.tool.version}`,
    r.createdAt
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC')
      .replace(/Z$/, ' UTC'),
    r.env.gitCommit ? `commit ${r.env.gitCommit.slice(0, 7)}${r.env.gitDirty ? ' (dirty)' : ''}` : undefined,
    `Node ${r.env.node} on ${r.env.cpuModel} (${r.env.cores} cores)`,
  ].filter(Boolean);
  return `# payload-bench: ${scenario ?? 'no scenario'}\n\n<sub>${parts.join(' · ')}</sub>`;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function summaryMarkdown(r: Results, opts: SummaryOptions = {}): string {
  const chartsDir = (opts.chartsDir ?? 'charts').replace(/\/+$/, '');
  const images = opts.images ?? true;
  const charts = opts.charts ?? buildCharts(r);
  const maxBytes = opts.maxBytes ?? SUMMARY_MAX_BYTES;
  const sections: Section[] = [{ key: 'header', text: header(r) }];

  const found = findings(r);
  sections.push({
    key: 'findings',
    text: [
      '## Findings',
      '',
      ...(found.length > 0 ? found.map((f) => `- ${f}`) : ['- No measurements to compare.']),
    ].join('\n'),
  });

  const chartLines = ['## Charts', ''];
  if (images) {
    for (const c of charts.drawn)
      chartLines.push(`![${c.title}](${chartsDir}/${c.file})`, '', `<sub>${c.caption}</sub>`, '');
  } else {
    chartLines.push(
      `${charts.drawn.length} charts were rendered: ${charts.drawn.map((c) => `\`${c.file}\``).join(', ')} (see the uploaded results and report.html).`,
      '',
    );
  }
  for (const s of charts.skipped) chartLines.push(`- _Not drawn: ${s.title}_ — ${s.reason}.`);
  sections.push({ key: 'charts', text: chartLines.join('\n').trimEnd() });

  const names = scenarioNames(r);
  const reductions: Reduction[] = [];
  for (const scenario of names) {
    const suffix = names.length > 1 ? ` — ${scenario}` : '';
    const md = (table: Table | undefined) => (table ? markdownTable(table) : undefined);
    const size = md(sizeTable(r, scenario));
    const cpu = md(cpuTable(r, scenario));
    const codec = md(codecCpuTable(r, scenario));
    // The end-to-end section: the harness floor, every run, and where the median request's time goes.
    const e2eParts = (limit: number) => {
      const runs = md(e2eTable(r, scenario, limit));
      return runs
        ? [md(harnessFloorTable(r)), runs, md(breakdownTable(r, scenario))].filter(Boolean).join('\n\n')
        : undefined;
    };
    const e2eFull = e2eParts(Infinity);
    const e2eShort = e2eParts(30);
    const sweeps = sweepTables(r, scenario).map((x) => markdownTable(x));
    const peers = md(peersTable(r, scenario));
    if (size || cpu) {
      const sec = {
        key: `micro-${scenario}`,
        text: [`## Bytes and CPU${suffix}`, ...[size, cpu, peers].filter(Boolean)].join('\n\n'),
      };
      sections.push(sec);
      reductions.push({ rank: 7, section: sec, note: `the bytes and CPU tables${suffix}` });
    }
    if (codec) {
      const sec = { key: `codec-${scenario}`, text: codec };
      sections.push(sec);
      reductions.push({ rank: 4, section: sec, note: `the per-codec CPU table${suffix}` });
    }
    if (e2eFull) {
      const sec = { key: `e2e-${scenario}`, text: `## End to end${suffix}\n\n${e2eFull}` };
      sections.push(sec);
      if (e2eShort !== e2eFull)
        reductions.push({
          rank: 3,
          section: sec,
          text: `## End to end${suffix}\n\n${e2eShort}`,
          note: `end-to-end rows after the first 30${suffix}`,
        });
      reductions.push({ rank: 6, section: sec, note: `the end-to-end table${suffix}` });
    }
    if (sweeps.length > 0) {
      const sec = { key: `sweep-${scenario}`, text: `## Scaling${suffix}\n\n${sweeps.join('\n\n')}` };
      sections.push(sec);
      reductions.push({ rank: 5, section: sec, note: `the scaling tables${suffix}` });
    }
  }

  const warnings = [
    ...r.warnings,
    ...(r.e2e ?? []).flatMap((x) =>
      x.warnings.map(
        (w) => `${x.format} ${x.compression} batch ${x.batchSize}${x.bandwidth ? ` @ ${x.bandwidth}` : ''}: ${w}`,
      ),
    ),
  ];
  if (warnings.length > 0) {
    const shown = warnings.slice(0, 50).map((w) => (w.length > 300 ? `${w.slice(0, 297)}...` : w));
    const more = warnings.length - shown.length;
    sections.push({
      key: 'warnings',
      text: [
        '## Warnings',
        '',
        ...shown.map((w) => `- ${w}`),
        ...(more > 0 ? [`- … and ${more} more (see report.html)`] : []),
      ].join('\n'),
    });
  }

  const env = {
    key: 'env',
    text: ['<details><summary>Environment</summary>', '', markdownTable(envTable(r), '####'), '', '</details>'].join(
      '\n',
    ),
  };
  const config = {
    key: 'config',
    text: ['<details><summary>Config</summary>', '', '```json', compactJson(r.config), '```', '', '</details>'].join(
      '\n',
    ),
  };
  sections.push(env, config);
  reductions.push({ rank: 1, section: config, note: 'the config' }, { rank: 2, section: env, note: 'the environment' });

  const compose = (omitted: string[]) => {
    const body = sections.map((x) => x.text).join('\n\n');
    const note =
      omitted.length > 0
        ? `\n\n<sub>Left out to stay under 64 KB: ${omitted.join('; ')}. report.html has everything.</sub>`
        : '';
    return `${body}${note}\n`;
  };
  const omitted: string[] = [];
  let text = compose(omitted);
  const steps = reductions.sort((a, b) => a.rank - b.rank);
  for (const step of steps) {
    if (bytes(text) <= maxBytes) break;
    const i = sections.indexOf(step.section);
    if (i < 0) continue;
    if (step.text === undefined) sections.splice(i, 1);
    else step.section.text = step.text;
    omitted.push(step.note);
    text = compose(omitted);
  }
  return text;
}
