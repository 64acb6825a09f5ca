// Report tests: golden files for the Markdown summary and the three exports (regenerate
// with UPDATE_GOLDEN=1), chart configurations and PNG sizes, skipped charts, the 64 KB
// budget, results validation, the CLI, and report.html rendered in headless Chromium
// (skipped with a message when no browser is installed).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { E2eRun, Results } from '../src/results/index.js';
import {
  bencherBmf,
  bencherJson,
  buildCharts,
  CHART_HEIGHT,
  CHART_WIDTH,
  CSV_COLUMNS,
  chartFont,
  findings,
  githubBenchmark,
  githubBenchmarkJson,
  parseBandwidthMbps,
  renderPng,
  reportHtml,
  resultsCsv,
  summaryMarkdown,
  writeReport,
  type DrawnChart,
} from '../src/report/index.js';
import { readResults as validateResults } from '../src/results/index.js';
import { buildAwkwardE2eFixture, buildFixture, buildFixtureWithoutE2e } from './fixtures/results-fixture.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOLDEN = join(ROOT, 'test/golden');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const scratch = mkdtempSync(join(tmpdir(), 'payload-bench-report-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const fixture = buildFixture();
const charts = buildCharts(fixture);

function drawn(id: string): DrawnChart {
  const c = charts.drawn.find((x) => x.id === id);
  assert.ok(c, `chart ${id} should be drawn; skipped: ${JSON.stringify(charts.skipped)}`);
  return c;
}

/** Loose view of a chart config: the builders emit JSON, so this is what it holds. */
interface ConfigView {
  type: string;
  data: {
    labels?: string[];
    datasets: { label: string; type?: string; data: unknown[]; borderColor?: string; stack?: string }[];
  };
  options: { scales: Record<string, { type: string; stacked?: boolean; title?: { text: string } }> };
}

function view(c: DrawnChart): ConfigView {
  return c.config as unknown as ConfigView;
}

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  assert.ok(existsSync(path), `golden file ${path} missing: run UPDATE_GOLDEN=1 npm test`);
  assert.equal(
    actual,
    readFileSync(path, 'utf8'),
    `${name} differs from test/golden/${name} (UPDATE_GOLDEN=1 regenerates it after a deliberate change)`,
  );
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('golden outputs', () => {
  test('summary.md', () => golden('summary.md', summaryMarkdown(fixture, { charts })));
  test('results.csv', () => golden('results.csv', resultsCsv(fixture)));
  test('github-benchmark.json', () => golden('github-benchmark.json', githubBenchmarkJson(fixture)));
  test('bencher.json', () => golden('bencher.json', bencherJson(fixture)));
});

describe('e2e cells that must be named, not ranked', () => {
  const awkward = buildAwkwardE2eFixture();
  const found = findings(awkward);
  const text = found.join('\n');

  test('only the healthy cells at the common load are ranked', () => {
    const ranked = found.find((f) => f.startsWith('End to end'))!;
    assert.ok(ranked, text);
    assert.match(
      ranked,
      /`tensor-content` answers a search in 12\.\d ms \(95 % CI [\d.]+-[\d.]+ ms, n = 300\) vs 18\.\d ms \(95 % CI [\d.]+-[\d.]+ ms, n = 300\) for `tensor-packed` \(1\.5x\) at the median; at p99 /,
    );
    for (const bad of ['tf-example', 'json-rows', 'elwc', 'tensor-broadcast', 'msgpack-columnar'])
      assert.ok(!ranked.includes(`\`${bad}\``), `${bad} is not ranked: ${ranked}`);
  });

  test('a difference within the harness floor is not claimed, even with intervals apart', () => {
    // tensor-packed 2.4 ms slower at the median, intervals apart, but the no-op call takes 2.89 ms after idle.
    const close = findings(buildAwkwardE2eFixture(14.8)).find((f) => f.startsWith('End to end'))!;
    assert.match(
      close,
      /for `tensor-packed`: not distinguishable, the difference, 2\.40 ms, is within the 2\.89 ms harness floor at the median/,
    );
  });

  test('each other cell is named with what went wrong', () => {
    const named = found.find((f) => f.startsWith('Not ranked'))!;
    assert.ok(named, text);
    assert.match(
      named,
      /`tf-example`: 14 of 19 searches within 250 ms; median [\d.]+ ms; 5 of 19 searches failed \(UNAVAILABLE x5\)/,
    );
    assert.match(
      named,
      /`json-rows`: 0 of 12 searches within 250 ms; nothing completed: 12 started, 0 completed, 12 cut at the 2\.5 s hard cap/,
    );
    assert.match(
      named,
      /`elwc`: 6 of 6 searches within 250 ms; median [\d.]+ ms; only 6 searches \(ranking needs 30\)/,
    );
    assert.match(named, /`msgpack-columnar`: not measured: preflight search failed/);
    assert.match(text, /measured at another offered load: `tensor-broadcast` \(open loop, 20\/s constant\)/);
    assert.doesNotMatch(text, /Infinity|NaN| 0 ms at/);
  });

  test('the table names them too, and hides percentiles the samples cannot support', () => {
    const md = summaryMarkdown(awkward);
    const row = (format: string) =>
      md.split('\n').find((l) => l.startsWith(`| \`${format}\``) && l.includes('unshaped'))!;
    assert.match(row('elwc'), /n\/a \(n=6\) \| n\/a \(n=6\) \|.*\| only 6 \|$/);
    assert.match(row('json-rows'), /≥ 2,500 \[2,500, 2,500\].*\| nothing completed, 12 capped, saturated \|$/);
    assert.match(row('tf-example'), /\| 5 failed, saturated, only 14 \|$/);
    assert.match(row('msgpack-columnar'), /\| not measured \|$/);
    assert.match(
      row('tensor-content'),
      /\| 300 \/ 300 \| 100 % \| 12\.\d \[[\d.]+, [\d.]+\] \| [\d.]+ \[[\d.]+, [\d.–]+\] \| n\/a \(n=300\) \|.*\| ok \|$/,
    );
    assert.match(md, /### Harness floor/);
  });

  test('the latency chart marks the cells it may not rank, and draws no percentile without its samples', () => {
    const c = buildCharts(awkward).drawn.find((x) => x.id === 'latency')!;
    const v = view(c);
    const labels = v.data.labels as unknown as (string | string[])[];
    assert.deepEqual(
      labels.map((l) => (Array.isArray(l) ? l[0] : l)),
      ['json-rows', 'tf-example', 'elwc', 'tensor-content', 'tensor-packed'],
    );
    assert.deepEqual(labels[2], ['elwc', '(only 6 searches (ranking needs 30))']);
    assert.equal(labels[3], 'tensor-content');
    const p99 = v.data.datasets[1]!.data as (number | null)[];
    assert.deepEqual(
      p99.map((x) => x !== null),
      [false, false, false, true, true],
      'p99 only for the cells with 100 searches',
    );
  });
});

describe('reports of a real short e2e run', () => {
  // The same renderers on a results file a real (short) run wrote, not only on the fixture:
  // three formats at one common offered load through the stub, with its harness floor.
  const out = join(scratch, 'real-e2e');
  let real: Results;

  test('the run writes a valid e2e.json with the harness floor', async () => {
    const args = [
      '--import',
      'tsx',
      join(ROOT, 'src/cli/commands/e2e.ts'),
      '--scenario',
      'tiny',
      '--formats',
      'tensor-content,tf-example,json-columnar',
      '--batch-size',
      '4',
      '--compression',
      'identity',
      '--requests',
      '60',
      '--warmup',
      '300ms',
      '--floor-calls',
      '100',
      '--out',
      out,
    ];
    await run(process.execPath, args, { cwd: ROOT, timeout: 120_000 });
    real = JSON.parse(readFileSync(join(out, 'e2e.json'), 'utf8')) as Results;
    assert.equal(validateResults(real).state, 'valid');
    assert.deepEqual(
      real.harnessFloor!.map((f) => f.transport),
      ['grpc', 'rest'],
    );
    const rates = new Set(real.e2e!.map((x) => x.targetRate));
    assert.equal(rates.size, 1, 'one common offered load');
  });

  test('every format is either ranked or named, with no number that nothing backs', () => {
    const text = findings(real).join('\n');
    for (const x of real.e2e!)
      assert.ok(text.includes(`\`${x.format}\``), `${x.format} appears in the findings:\n${text}`);
    assert.doesNotMatch(text, /Infinity|NaN| 0 ms at/);
    const md = summaryMarkdown(real);
    assert.match(md, /### Harness floor/);
    assert.match(md, /### Where the median request's time goes/);
    for (const x of real.e2e!) {
      // 60 searches: a p99 needs 100, so the table says so instead of showing the maximum.
      const row = md.split('\n').find((l) => l.startsWith(`| \`${x.format}\``))!;
      assert.ok(row.includes(`n/a (n=${x.latency.search.count})`), row);
    }
  });

  test('its latency, breakdown and distribution charts carry the intervals and the floor, and render', () => {
    const set = buildCharts(real);
    const latency = set.drawn.find((c) => c.id === 'latency')!;
    const v = view(latency);
    assert.ok(
      v.data.datasets.some((d) => d.label.startsWith('harness floor')),
      'the harness floor is marked',
    );
    assert.ok(
      (v.data.datasets[0] as unknown as { errorBars: unknown[] }).errorBars.length > 0,
      'p50 carries its interval',
    );
    assert.equal(
      (v.data.datasets[1]!.data as (number | null)[]).filter((x) => x !== null).length,
      0,
      'no p99 from 60 searches',
    );
    const breakdown = view(set.drawn.find((c) => c.id === 'breakdown')!);
    assert.ok(breakdown.data.datasets.some((d) => d.label.startsWith('unattributed')));
    for (const id of ['latency', 'breakdown', 'distribution']) {
      const c = set.drawn.find((x) => x.id === id);
      assert.ok(c, `${id} drawn from the real run: ${JSON.stringify(set.skipped)}`);
      assert.deepEqual(pngSize(renderPng(c)), { width: CHART_WIDTH, height: CHART_HEIGHT });
    }
  });
});

describe('summary', () => {
  test('headline findings are computed from the data', () => {
    const f = findings(fixture);
    assert.ok(
      f.some((x) => x.startsWith('`tensor-content` is 6.4x smaller and decodes 56x faster than `tf-example`')),
      f.join('\n'),
    );
    assert.ok(
      f.some((x) => x.includes('compressing is faster than sending raw bytes below ≈ 530 Mbit/s for `tf-example`')),
      f.join('\n'),
    );
    assert.ok(
      f.some((x) => x.includes('cost grows about linearly')),
      f.join('\n'),
    );
  });

  test('links every drawn chart by relative path and names the skipped ones', () => {
    const md = summaryMarkdown(fixture, { charts });
    for (const c of charts.drawn) assert.ok(md.includes(`](charts/${c.file})`), c.file);
    assert.ok(md.includes('Not drawn: Scaling: CPU vs features'));
  });

  test('stays under 64 KB, also for a very large run', () => {
    assert.ok(Buffer.byteLength(summaryMarkdown(fixture)) < 64 * 1024);
    const big = buildFixture();
    const template = big.e2e!;
    const runs: E2eRun[] = [];
    for (let i = 0; i < 40; i++)
      for (const x of template) runs.push({ ...x, concurrency: i + 1, warnings: [`warning ${i}`] });
    big.e2e = runs;
    big.warnings = Array.from({ length: 500 }, (_, i) => `run-level warning number ${i}`);
    const md = summaryMarkdown(big);
    assert.ok(Buffer.byteLength(md) < 64 * 1024, `summary is ${Buffer.byteLength(md)} bytes`);
    assert.match(md, /Left out to stay under 64 KB: .*end-to-end/);
    assert.match(md, /## Findings/);
  });

  test('without images for $GITHUB_STEP_SUMMARY', () => {
    const md = summaryMarkdown(fixture, { charts, images: false });
    assert.ok(!md.includes(']('), 'no image links');
    assert.ok(md.includes('`bytes.png`'));
  });
});

describe('exports', () => {
  test('github-action-benchmark entries: name, unit, finite value; names unique', () => {
    const entries = githubBenchmark(fixture);
    assert.ok(entries.length > 100);
    const names = new Set<string>();
    for (const e of entries) {
      assert.equal(typeof e.name, 'string');
      assert.ok(['bytes', 'ms'].includes(e.unit), e.unit);
      assert.ok(Number.isFinite(e.value) && e.value > 0, `${e.name}: ${e.value}`);
      assert.ok(!names.has(e.name), `duplicate name ${e.name}`);
      names.add(e.name);
    }
  });

  test('Bencher BMF: every metric has a value inside its bounds', () => {
    const bmf = bencherBmf(fixture);
    for (const [bench, measures] of Object.entries(bmf)) {
      for (const [measure, m] of Object.entries(measures)) {
        assert.ok(Number.isFinite(m.value), `${bench} ${measure}`);
        if (m.lower_value !== undefined) assert.ok(m.lower_value <= m.value, `${bench} ${measure} lower`);
        if (m.upper_value !== undefined) assert.ok(m.upper_value >= m.value, `${bench} ${measure} upper`);
      }
    }
    assert.deepEqual(Object.keys(bmf['etsy-search/tensor-content/decode']!), ['latency']);
    assert.equal(bmf['etsy-search/tensor-content/decode']!['latency']!.value, 2_090_000);
    assert.equal(bmf['etsy-search/tf-example/zstd:1/size']!['file-size']!.value, 1028214);
  });

  test('CSV: one header, the same number of fields on every row', () => {
    const lines = resultsCsv(fixture).trimEnd().split('\n');
    assert.equal(lines[0], CSV_COLUMNS.join(','));
    const fields = (line: string) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.length - (line.endsWith(',') ? 0 : 1);
    for (const line of lines.slice(1)) assert.equal(fields(line), CSV_COLUMNS.length, line);
  });
});

describe('charts', () => {
  test('every config is plain JSON (the HTML report embeds it as is)', () => {
    for (const c of charts.drawn) assert.deepEqual(JSON.parse(JSON.stringify(c.config)), c.config, c.id);
  });

  test('1 bytes: one bar series per codec over the ten formats, log axis', () => {
    const v = view(drawn('bytes'));
    assert.deepEqual(v.data.labels, [
      'json-rows',
      'json-columnar',
      'tf-example',
      'example-list',
      'elwc',
      'tensor-typed',
      'tensor-content',
      'tensor-broadcast',
      'tensor-packed',
      'msgpack-columnar',
    ]);
    assert.deepEqual(
      v.data.datasets.map((d) => d.label),
      ['identity (raw)', 'gzip:6', 'deflate:6', 'zstd:1', 'zstd:3', 'brotli:4'],
    );
    assert.equal(v.options.scales['y']!.type, 'logarithmic');
    assert.match(v.options.scales['y']!.title!.text, /MB/);
  });

  test("2 cpu: encode, decode, total (sum of medians) bars and the scenario's floor, one value for every format, log axis", () => {
    const v = view(drawn('cpu'));
    assert.deepEqual(
      v.data.datasets.map((d) => d.label),
      [
        'encode',
        'decode',
        'total (sum of encode + decode medians, identity)',
        'floor: copy of the logical tensor bytes (fresh allocation, warm)',
      ],
    );
    assert.equal(v.data.datasets[3]!.type, 'line');
    assert.equal(v.options.scales['y']!.type, 'logarithmic');
    const floor = v.data.datasets[3]!.data as number[];
    assert.equal(new Set(floor).size, 1, 'the same floor for every format');
  });

  test('3 latency: p50, p99, p99.9 per e2e format, rising, each only with its samples and its interval; the harness floor across', () => {
    const v = view(drawn('latency'));
    assert.deepEqual(v.data.labels, ['json-columnar', 'tf-example', 'elwc', 'tensor-content', 'tensor-packed']);
    assert.deepEqual(
      v.data.datasets.map((d) => d.label.split(' (')[0]),
      ['p50', 'p99', 'p99.9', 'harness floor'],
    );
    const [p50, p99, p999] = v.data.datasets.map((d) => d.data as (number | null)[]);
    const runs = fixture.e2e!.filter((x) => x.batchSize === 1000 && x.compression === 'identity' && !x.bandwidth);
    for (let i = 0; i < p50!.length; i++) {
      assert.ok(p50![i]! < p99![i]!);
      // p99.9 only for a cell with 1,000 searches.
      assert.equal(
        p999![i] === null,
        runs[i]!.latency.search.count < 1000,
        `${runs[i]!.format}: ${runs[i]!.latency.search.count} searches`,
      );
      if (p999![i] !== null) assert.ok(p99![i]! < p999![i]!);
    }
    const bars = v.data.datasets[0] as unknown as { errorBars: [number | null, number | null][] };
    bars.errorBars.forEach(([lo, hi], i) =>
      assert.ok(lo! <= p50![i]! && p50![i]! <= hi!, 'the interval contains the median'),
    );
    assert.equal(v.options.scales['y']!.type, 'logarithmic');
  });

  test('4 breakdown: the stages of the median request stacked, unattributed named, on a linear axis', () => {
    const v = view(drawn('breakdown'));
    assert.deepEqual(
      v.data.datasets.map((d) => d.label.split(' (')[0]),
      [
        'client encode',
        'client compress',
        'server receive',
        'server decompress',
        'server queue',
        'server decode',
        'server compute',
        'client response decode',
        'unattributed',
        'harness floor',
      ],
    );
    assert.equal(v.options.scales['y']!.type, 'linear');
    assert.equal(v.options.scales['y']!.stacked, true);
    assert.equal(v.options.scales['x']!.stacked, true);
    // Each bar adds up to the median request's latency.
    const runs = fixture.e2e!.filter((x) => x.batchSize === 1000 && x.compression === 'identity' && !x.bandwidth);
    const stacks = v.data.datasets.filter((d) => d.stack === 'stages').map((d) => d.data as number[]);
    runs.forEach((x, i) =>
      assert.ok(Math.abs(stacks.reduce((s, d) => s + d[i]!, 0) - x.breakdown!.latencyMs) < 0.01, x.format),
    );
  });

  test('5 batch sweep: latency and CPU lines per format over batch sizes 25 and 1000', () => {
    const v = view(drawn('batch-sweep'));
    assert.equal(v.data.datasets.length, 10);
    const xs = (v.data.datasets[0]!.data as { x: number }[]).map((p) => p.x);
    assert.deepEqual(xs, [25, 1000]);
    assert.equal(v.options.scales['x']!.type, 'logarithmic');
  });

  test('6 bandwidth: a line per format and codec, break-evens where the lines cross', () => {
    const c = drawn('bandwidth');
    const v = view(c);
    assert.deepEqual(
      v.data.datasets.map((d) => d.label),
      ['tf-example identity', 'tf-example gzip', 'tensor-content identity', 'tensor-content gzip', 'break-even'],
    );
    const evens = v.data.datasets[4]!.data as { x: number }[];
    assert.ok(evens[0]!.x > 400 && evens[0]!.x < 1000, `tf-example break-even ${evens[0]!.x}`);
    assert.ok(evens[1]!.x > 100 && evens[1]!.x < 400, `tensor-content break-even ${evens[1]!.x}`);
    assert.equal(v.options.scales['x']!.type, 'logarithmic');
    assert.equal(v.options.scales['y']!.type, 'logarithmic');
  });

  test('7 scaling: log-log lines per format; the features sweep is skipped with a note', () => {
    const v = view(drawn('scaling-candidates'));
    assert.equal(v.data.datasets.length, 10);
    assert.equal(v.options.scales['x']!.type, 'logarithmic');
    assert.equal(v.options.scales['y']!.type, 'logarithmic');
    const skipped = charts.skipped.find((s) => s.id === 'scaling-features');
    assert.match(skipped!.reason, /no features sweep/);
  });

  test('8 distribution: a percentile curve per format with its confidence band and percentile tick labels', () => {
    const c = drawn('distribution');
    assert.equal(view(c).data.datasets.length, 5 * 3);
    const labels = Object.values(c.tickLabels!['x']!);
    for (const p of ['p50', 'p90', 'p99']) assert.ok(labels.includes(p), p);
    assert.equal(view(c).options.scales['y']!.type, 'logarithmic');
  });

  test('a format has the same colour in every chart', () => {
    const colors = new Map<string, Set<string>>();
    for (const id of ['batch-sweep', 'bandwidth', 'scaling-candidates', 'distribution']) {
      for (const d of view(drawn(id)).data.datasets) {
        const format = d.label.split(' ')[0]!;
        if (format === 'break-even') continue;
        const set = colors.get(format) ?? new Set<string>();
        set.add(d.borderColor!);
        colors.set(format, set);
      }
    }
    for (const [format, set] of colors) assert.equal(set.size, 1, `${format}: ${[...set].join(', ')}`);
  });

  test('every drawn chart renders to a 1000x560 PNG, identically twice', () => {
    assert.equal(chartFont().bundled, true, 'the bundled font in assets/fonts is used');
    for (const c of charts.drawn) {
      const png = renderPng(c);
      assert.deepEqual(pngSize(png), { width: CHART_WIDTH, height: CHART_HEIGHT }, c.id);
      assert.ok(png.length > 10_000, `${c.id}: ${png.length} bytes looks empty`);
    }
    const bytes = drawn('bytes');
    assert.ok(renderPng(bytes).equals(renderPng(bytes)), 'same chart, same bytes');
  });

  test('without e2e results the e2e charts are skipped with a reason, not drawn empty', () => {
    const set = buildCharts(buildFixtureWithoutE2e());
    assert.deepEqual(
      set.drawn.map((c) => c.id),
      ['bytes', 'cpu', 'scaling-candidates'],
    );
    assert.deepEqual(
      set.skipped.map((c) => c.id),
      ['latency', 'breakdown', 'batch-sweep', 'bandwidth', 'scaling-features', 'distribution'],
    );
    for (const s of set.skipped.filter((x) => x.id !== 'scaling-features')) assert.match(s.reason, /e2e/);
  });

  test('bandwidth labels: tc spelling and bit/s', () => {
    assert.equal(parseBandwidthMbps('100mbit'), 100);
    assert.equal(parseBandwidthMbps('1gbit'), 1000);
    assert.equal(parseBandwidthMbps('500kbit'), 0.5);
    assert.equal(parseBandwidthMbps('10mbps'), 80); // tc: bytes per second
    assert.equal(parseBandwidthMbps('2.5 Gbit/s'), 2500);
    assert.equal(parseBandwidthMbps('fast'), undefined);
  });
});

describe('validation and writing', () => {
  test('accepts the fixture, names unknown versions and broken fields', () => {
    assert.equal(validateResults(JSON.parse(JSON.stringify(fixture))).state, 'valid');
    const v1 = validateResults({ ...fixture, schemaVersion: 1 });
    assert.equal(v1.state, 'unknown-version');
    const broken = JSON.parse(JSON.stringify(fixture)) as Results;
    (broken.sizes[3] as unknown as Record<string, unknown>)['rawBytes'] = 'many';
    const bad = validateResults(broken);
    assert.equal(bad.state, 'invalid');
    assert.ok(
      bad.state === 'invalid' &&
        bad.errors.some((e) => e === 'sizes[3].rawBytes: expected a finite number, got "many"'),
      JSON.stringify(bad),
    );
  });

  test('writeReport writes every file and removes charts a later run did not draw', () => {
    const out = join(scratch, 'write');
    const full = writeReport(fixture, { outDir: out });
    assert.ok(existsSync(join(out, 'charts/latency.png')));
    for (const f of full.files) assert.ok(existsSync(join(out, f)), f);
    const partial = writeReport(buildFixtureWithoutE2e(), { outDir: out });
    assert.ok(!existsSync(join(out, 'charts/latency.png')), 'stale latency.png removed');
    assert.ok(partial.removed.includes('charts/latency.png'));
  });

  test('npm run report: writes files, appends the step summary; exit 2 and 3 on bad input', async () => {
    const input = join(scratch, 'latest.json');
    writeFileSync(input, JSON.stringify(fixture));
    const out = join(scratch, 'cli');
    const stepSummary = join(scratch, 'step-summary.md');
    const cli = ['--import', 'tsx', join(ROOT, 'src/cli/commands/report.ts')];
    const env = { ...process.env, GITHUB_STEP_SUMMARY: stepSummary };
    const ok = await run(process.execPath, [...cli, '--in', input, '--out', out], { cwd: ROOT, env });
    assert.match(ok.stdout, /files written/);
    assert.match(ok.stdout, /scaling-features: no features sweep/);
    assert.ok(existsSync(join(out, 'report.html')) && existsSync(join(out, 'charts/bytes.png')));
    const summary = readFileSync(stepSummary, 'utf8');
    assert.match(summary, /## Findings/);
    assert.ok(!summary.includes('](charts/'), 'no relative images in the step summary');

    const missing = await run(process.execPath, [...cli, '--in', join(scratch, 'nope.json'), '--out', out], {
      cwd: ROOT,
    }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((missing as { code: number }).code, 2);
    assert.match((missing as { stderr: string }).stderr, /no results file at/);

    const future = join(scratch, 'future.json');
    writeFileSync(future, JSON.stringify({ ...fixture, schemaVersion: 99 }));
    const version = await run(process.execPath, [...cli, '--in', future, '--out', out], { cwd: ROOT }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal((version as { code: number }).code, 3);
    assert.match((version as { stderr: string }).stderr, /schemaVersion 99/);
  });
});

describe('report.html', () => {
  const html = reportHtml(fixture, { charts });
  const file = join(scratch, 'report.html');
  writeFileSync(file, html);

  test('is self-contained: no external scripts, styles or fetches', () => {
    assert.ok(!/<script[^>]+src=/i.test(html), 'no <script src>');
    assert.ok(!/<link[^>]+href=/i.test(html), 'no <link href>');
    assert.ok(
      !/\bfetch\(|XMLHttpRequest/.test(html.replace(/<script>[\s\S]*?<\/script>/, '')),
      'no fetches outside Chart.js',
    );
    assert.ok(html.includes('Chart.js v4'), 'Chart.js inlined');
    for (const c of charts.drawn) assert.ok(html.includes(`id="chart-${c.id}"`), c.id);
  });

  test('renders its charts and tables in headless Chromium', async (t) => {
    // CHROMIUM=path picks the browser (a missing path exercises the skip).
    const candidates = process.env['CHROMIUM']
      ? [process.env['CHROMIUM']]
      : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
    const browser = candidates.find((p) => existsSync(p));
    if (!browser) {
      t.skip(
        `no Chromium at ${candidates.join(' or ')} (apt-get install chromium, or set CHROMIUM=path): report.html was NOT checked in a browser`,
      );
      return;
    }
    const profile = join(scratch, 'chromium-profile');
    const { stdout } = await run(
      browser,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        `--user-data-dir=${profile}`,
        '--window-size=1200,900',
        '--dump-dom',
        `file://${file}`,
      ],
      { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
    );
    assert.match(stdout, new RegExp(`data-charts-drawn="${charts.drawn.length}"`), 'every chart script ran');
    assert.match(stdout, /data-chart-errors=""/);
    for (const c of charts.drawn) {
      const tag = new RegExp(`<canvas id="chart-${c.id}"[^>]*>`).exec(stdout)?.[0] ?? '';
      assert.match(tag, /data-rendered="true"/, c.id);
      const ink = Number(/data-ink="([\d.]+)"/.exec(tag)?.[1] ?? 0);
      assert.ok(ink > 0.01, `${c.id}: only ${ink} of the canvas painted`);
      assert.ok(/ width="(\d+)"/.exec(tag) && Number(/ width="(\d+)"/.exec(tag)![1]) > 300, `${c.id} has a real width`);
    }
    const sizes = /<table id="table-sizes">[\s\S]*?<\/table>/.exec(stdout)?.[0] ?? '';
    assert.equal((sizes.match(/<tr>/g) ?? []).length, 11, 'header + ten formats');
    assert.match(stdout, /<table id="table-e2e">/);
    assert.match(stdout, /<table id="table-env">/);
  });
});
