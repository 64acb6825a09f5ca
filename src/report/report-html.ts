// results/report.html: one self-contained page (Chart.js, the chart runtime and the data
// inlined; no network needed) with interactive versions of the same charts as the PNGs
// (hover shows values), the findings, tables, environment, config and warnings.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Results } from '../results/index.js';
import { buildCharts, type ChartSet } from './charts.js';
import { peersTable } from './table-peers.js';
import { findings } from './findings.js';
import { compactJson, escapeHtml, htmlTable, inlineHtml } from './markdown.js';
import { num } from './number-format.js';
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

export interface HtmlOptions {
  /** Charts already built. @default buildCharts(results) */
  charts?: ChartSet;
  /** Source of Chart.js's UMD bundle. @default node_modules/chart.js/dist/chart.umd.min.js */
  chartJsSource?: string;
  /** Source of chart-runtime.js. @default the file next to this module */
  runtimeSource?: string;
  /** Extra environment rows, e.g. which font the PNGs used. */
  notes?: [string, string][];
}

/** Font stack of the interactive charts (the PNGs pin the bundled Roboto instead). */
export const HTML_FONT_FAMILY = 'Roboto, "Segoe UI", "Helvetica Neue", Arial, sans-serif';

let chartJsCache: string | undefined;

/** Chart.js's UMD bundle, to inline (it registers every component itself). */
export function chartJsBundle(): string {
  if (chartJsCache === undefined) {
    const require = createRequire(import.meta.url);
    // chart.js exports no package.json; its CommonJS entry sits in dist/ next to the UMD bundle.
    const dist = dirname(require.resolve('chart.js'));
    chartJsCache = readFileSync(join(dist, 'chart.umd.min.js'), 'utf8');
  }
  return chartJsCache;
}

export function chartRuntimeSource(): string {
  return readFileSync(new URL('./chart-runtime.js', import.meta.url), 'utf8');
}

/** Text safe inside <script>: no `</script`, no `<!--`. */
function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const CSS = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-alt: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 ${HTML_FONT_FAMILY}; color: var(--fg); margin: 0; background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
.meta, .note, figcaption { color: var(--muted); font-size: 13px; }
nav a { margin-right: 14px; }
ul.findings li { margin: 6px 0; }
figure.chart { margin: 0 0 28px; }
.canvas-box { position: relative; width: 100%; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
canvas { display: block; }
table { border-collapse: collapse; margin: 8px 0 4px; font-size: 13.5px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 6px 0; }
th, td { border: 1px solid var(--line); padding: 4px 9px; }
th { background: var(--bg-alt); }
td.right, th.right { text-align: right; }
td.left, th.left { text-align: left; }
tbody tr:nth-child(even) { background: #fbfcfd; }
.table-wrap { overflow-x: auto; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg-alt); padding: 1px 4px; border-radius: 4px; }
pre { background: var(--bg-alt); padding: 12px; overflow-x: auto; border-radius: 6px; font-size: 12.5px; }
.skipped { background: #fff8c5; border: 1px solid #d4a72c66; padding: 8px 14px; border-radius: 6px; }
`;

function tableBlock(html: string): string {
  return `<div class="table-wrap">\n${html}\n</div>`;
}

export function reportHtml(r: Results, opts: HtmlOptions = {}): string {
  const charts = opts.charts ?? buildCharts(r);
  const scenario = primaryScenario(r);
  const info = scenario ? scenarioInfo(r, scenario) : undefined;
  const title = `payload-bench: ${scenario ?? 'results'}`;
  const meta = [
    info
      ? `${num(info.candidates)} candidates × ${info.features} features (${info.contextFeatures} context), seed ${info.seed}`
      : undefined,
    `${r.tool.name} ${r.tool.version}`,
    r.createdAt,
    r.env.gitCommit ? `commit ${r.env.gitCommit.slice(0, 7)}${r.env.gitDirty ? ' (dirty)' : ''}` : undefined,
    `state: ${r.state}`,
  ].filter(Boolean) as string[];

  const body: string[] = [];
  body.push(`<header><h1>${escapeHtml(title)}</h1><p class="meta">${meta.map(escapeHtml).join(' · ')}</p>`);
  body.push(
    '<nav><a href="#findings">Findings</a><a href="#charts">Charts</a><a href="#tables">Tables</a><a href="#environment">Environment</a><a href="#config">Config</a><a href="#warnings">Warnings</a></nav></header>',
  );

  const found = findings(r);
  body.push('<section id="findings"><h2>Findings</h2><ul class="findings">');
  for (const f of found.length > 0 ? found : ['No measurements to compare.']) body.push(`<li>${inlineHtml(f)}</li>`);
  body.push('</ul></section>');

  body.push('<section id="charts"><h2>Charts</h2>');
  for (const c of charts.drawn) {
    body.push(
      `<figure class="chart" id="figure-${c.id}"><div class="canvas-box"><canvas id="chart-${c.id}" role="img" aria-label="${escapeHtml(c.caption)}"></canvas></div>`,
      `<figcaption>${escapeHtml(c.caption)}</figcaption></figure>`,
    );
  }
  if (charts.skipped.length > 0) {
    body.push('<div class="skipped" id="skipped-charts"><strong>Charts not drawn</strong><ul>');
    for (const s of charts.skipped)
      body.push(`<li data-chart="${s.id}"><strong>${escapeHtml(s.title)}</strong>: ${escapeHtml(s.reason)}.</li>`);
    body.push('</ul></div>');
  }
  body.push('</section>');

  body.push('<section id="tables"><h2>Tables</h2>');
  const names = scenarioNames(r);
  for (const name of names) {
    if (names.length > 1) body.push(`<h3>${escapeHtml(name)}</h3>`);
    const tables = [
      ['sizes', sizeTable(r, name)],
      ['cpu', cpuTable(r, name)],
      ['codec-cpu', codecCpuTable(r, name)],
      ['peers', peersTable(r, name)],
      ['e2e', e2eTable(r, name)],
      ['harness-floor', harnessFloorTable(r)],
      ['breakdown', breakdownTable(r, name)],
      ...sweepTables(r, name).map((t, i) => [`sweep-${i}`, t] as const),
    ] as const;
    for (const [id, t] of tables)
      if (t) body.push(tableBlock(htmlTable(t, `table-${id}${names.length > 1 ? `-${name}` : ''}`)));
  }
  body.push('</section>');

  const env = envTable(r);
  for (const [k, v] of opts.notes ?? []) env.rows.push([k, v]);
  body.push(`<section id="environment"><h2>Environment</h2>${tableBlock(htmlTable(env, 'table-env'))}</section>`);
  body.push(`<section id="config"><h2>Config</h2><pre>${escapeHtml(compactJson(r.config))}</pre></section>`);

  const warnings = [
    ...r.warnings,
    ...(r.e2e ?? []).flatMap((x) =>
      x.warnings.map(
        (w) => `${x.format} ${x.compression} batch ${x.batchSize}${x.bandwidth ? ` @ ${x.bandwidth}` : ''}: ${w}`,
      ),
    ),
  ];
  body.push('<section id="warnings"><h2>Warnings</h2>');
  body.push(
    warnings.length > 0 ? `<ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : '<p>None.</p>',
  );
  body.push('</section>');

  const specs = charts.drawn.map((c) => ({ id: c.id, config: c.config, tickLabels: c.tickLabels }));
  const data = JSON.stringify(specs).replace(/</g, '\\u003c');
  const init = `
${opts.runtimeSource ?? chartRuntimeSource()}
const FONT = ${JSON.stringify(HTML_FONT_FAMILY)};
const specs = JSON.parse(document.getElementById('payload-bench-charts').textContent);
applyChartDefaults(window.Chart, FONT);
let drawn = 0;
const failed = [];
for (const spec of specs) {
  const canvas = document.getElementById('chart-' + spec.id);
  try {
    const chart = new window.Chart(canvas, prepareChartConfig(spec, { responsive: true, fontFamily: FONT }));
    canvas.dataset.rendered = 'true';
    canvas.dataset.datasets = String(chart.data.datasets.length);
    // Share of sampled pixels that are not white: proof the chart was painted.
    const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    let seen = 0;
    for (let i = 0; i < px.length; i += 4 * 7) {
      seen++;
      if (px[i] < 235 || px[i + 1] < 235 || px[i + 2] < 235) ink++;
    }
    canvas.dataset.ink = (ink / seen).toFixed(3);
    drawn++;
  } catch (err) {
    canvas.dataset.error = String((err && err.message) || err);
    failed.push(spec.id);
  }
}
document.body.dataset.chartsDrawn = String(drawn);
document.body.dataset.chartErrors = failed.join(',');
`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    `<body data-charts-expected="${charts.drawn.length}">`,
    '<main>',
    ...body,
    '</main>',
    `<script type="application/json" id="payload-bench-charts">${data}</script>`,
    `<script>${scriptSafe(opts.chartJsSource ?? chartJsBundle())}</script>`,
    `<script type="module">${scriptSafe(init)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
