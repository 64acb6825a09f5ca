// The Artillery path without Artillery: `export artillery` writes the exact request bytes and a
// script; the engine (driven here as Artillery's runner drives it: constructed with the runner's
// emitter, phaseStarted, one scenario call per arrival) sends them to the stub through a
// counting proxy; its counters add up and match what the proxy saw per format; and the
// importer turns an Artillery-shaped aggregate of those metrics into valid results. The real
// Artillery run is test/artillery.test.ts (opt-in).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import PayloadBenchEngine from '../packages/artillery-engine-payload-bench/index.js';
import { parseMetricName } from '../packages/artillery-engine-payload-bench/lib/metric-names.js';
import { buildExport, scenarioName, writeExport, type ExportConfig, type Manifest } from '../src/export/index.js';
import { parseExportArgs } from '../src/args/export-args.js';
import { getFormat } from '../src/formats/index.js';
import { ReplaySet, resolveE2eInput } from '../src/load/index.js';
import {
  importArtillery,
  latencySummary,
  parseArtilleryReport,
  type ArtillerySummary,
} from '../src/report/import-artillery.js';
import { validateResults, type Env } from '../src/results/index.js';
import { generate, loadScenario } from '../src/scenario/index.js';
import { startServer, type RunningServer } from '../src/server/index.js';
import { startCountingProxy, type CountingProxy } from './artillery-count-proxy.js';

const FORMATS = ['tensor-content', 'elwc', 'json-columnar'] as const;

function exportConfig(extra: string[]): ExportConfig {
  const p = parseExportArgs([
    'artillery',
    '--scenario',
    'tiny',
    '--formats',
    FORMATS.join(','),
    '--batch-size',
    '3',
    '--compression',
    'identity,gzip',
    ...extra,
  ]);
  assert.equal(p.kind, 'run', p.kind === 'error' ? p.message : '');
  return (p as { config: ExportConfig }).config;
}

describe('export artillery: arguments', () => {
  const error = (argv: string[]): string => {
    const p = parseExportArgs(argv);
    assert.equal(p.kind, 'error', `expected an error for ${argv.join(' ')}`);
    return (p as { message: string }).message;
  };
  test('refuses what Artillery cannot do, naming the flag', () => {
    assert.match(error(['artillery', '--concurrency', '4']), /--concurrency/);
    assert.match(error(['artillery', '--rate', 'auto']), /--rate/);
    assert.match(error(['artillery']), /--rate/);
    assert.match(error(['artillery', '--rate', '2.5']), /whole arrivals/);
    assert.match(error(['artillery', '--rate', '5', '--bandwidth', '1gbit']), /--bandwidth/);
    assert.match(error(['artillery', '--rate', '5', '--error-rate', '0.1']), /npm run serve/);
    assert.match(error(['k6', '--rate', '5']), /unknown export target "k6"/);
    // The e2e parser's own validation applies unchanged.
    assert.match(error(['artillery', '--rate', '5', '--formats', 'nope']), /nope/);
  });
  test('--requests becomes the phase time at the rate, when that ends before --duration', () => {
    const c = exportConfig(['--rate', '20', '--requests', '50', '--duration', '10s']);
    assert.equal(c.durationMs, 3000);
    assert.equal(exportConfig(['--rate', '20', '--requests', '1000', '--duration', '4s']).durationMs, 4000);
    assert.equal(c.out, 'artillery-export');
  });
});

describe('export artillery: the folder', () => {
  let dir: string;
  let manifest: Manifest;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pb-export-'));
    const config = exportConfig(['--rate', '7', '--duration', '2s', '--warmup', '500ms', '--out', dir]);
    const built = buildExport(config, await resolveE2eInput({ ...config.e2e, target: null, restTarget: null }));
    writeExport(built, dir);
    manifest = built.manifest;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('each .bin holds exactly the bytes the format encodes for that batch', () => {
    const req = generate(loadScenario('tiny'));
    const batches = new ReplaySet([req], 3).batches[0]!;
    assert.ok(batches.length >= 2, 'tiny splits into several batches of 3');
    for (const id of FORMATS) {
      const set = manifest.payloads.find((p) => p.format === id)!;
      assert.equal(set.searches[0]!.length, batches.length);
      set.searches[0]!.forEach((b, i) => {
        const expected = getFormat(id).encode(batches[i]!, { modelName: 'ranker' });
        assert.deepEqual(new Uint8Array(readFileSync(join(dir, b.file))), expected, `${id} batch ${i}`);
        assert.equal(b.bytes, expected.byteLength);
      });
    }
  });

  test('the script: phases from the options, every payload in includeFiles, one scenario per combination', () => {
    const yml = readFileSync(join(dir, 'artillery.yml'), 'utf8');
    assert.match(yml, /- name: "warmup"\n\s+duration: "500ms"\n\s+arrivalRate: 7/);
    assert.match(yml, /- name: "measure"\n\s+duration: 2\n\s+arrivalRate: 7/);
    for (const set of manifest.payloads)
      for (const b of set.searches.flat()) assert.ok(yml.includes(`- "${b.file}"`), b.file);
    assert.equal(manifest.combinations.length, FORMATS.length * 2);
    for (const c of manifest.combinations)
      assert.ok(
        yml.includes(`- name: "${c.scenarioName}"\n    engine: "payload-bench"\n    flow:\n      - search: "${c.key}"`),
      );
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    assert.match(readme, /artillery run .*artillery\.yml --scenario-name ".*" --output .*report\.json/);
    assert.match(readme, /artillery run-fargate .* --count N/);
    assert.match(readme, /npm run report -- --artillery .*report\.json/);
  });

  test('no scenario name matches another as a pattern (artillery run --scenario-name)', () => {
    const names = [
      scenarioName('tensor-content', 'gzip', 25),
      scenarioName('tensor-content', 'gzip', 250),
      scenarioName('tensor-content', 'gzip', 125),
      scenarioName('tensor-content', 'identity', 25),
    ];
    for (const a of names)
      for (const b of names) if (a !== b) assert.equal(new RegExp(a).test(b), false, `${a} matches ${b}`);
  });
});

describe('engine against the stub, as Artillery drives it', () => {
  let server: RunningServer;
  let proxy: CountingProxy;
  let dir: string;
  let manifest: Manifest;
  const counters = new Map<string, number>();
  const histograms = new Map<string, number[]>();
  const SEARCHES = 6;

  before(async () => {
    server = await startServer({ port: 0, restPort: 0, scenario: 'tiny' });
    proxy = await startCountingProxy({ grpc: server.grpcAddress, rest: server.restAddress });
    dir = mkdtempSync(join(tmpdir(), 'pb-engine-'));
    const config = exportConfig([
      '--rate',
      '50',
      '--duration',
      '1s',
      '--deadline-ms',
      '2000',
      '--target',
      proxy.grpcAddress,
      '--rest-target',
      proxy.restAddress,
      '--out',
      dir,
    ]);
    const built = buildExport(config, await resolveE2eInput({ ...config.e2e, target: null, restTarget: null }));
    writeExport(built, dir);
    manifest = built.manifest;

    const runner = new EventEmitter();
    const scenarioEe = new EventEmitter();
    scenarioEe.on('counter', (name: string, v: number) => counters.set(name, (counters.get(name) ?? 0) + v));
    scenarioEe.on('histogram', (name: string, v: number) => histograms.set(name, [...(histograms.get(name) ?? []), v]));
    const engine = new PayloadBenchEngine(
      { config: { engines: { 'payload-bench': { manifest: join(dir, 'manifest.json') } } } },
      runner,
      {},
    );
    const fns = manifest.combinations.map((c) =>
      engine.createScenario({ name: c.scenarioName, flow: [{ search: c.key }] }, scenarioEe),
    );
    const arrive = (fn: (typeof fns)[number]): Promise<void> =>
      new Promise((resolve, reject) => fn({}, (err) => (err ? reject(err) : resolve())));
    runner.emit('phaseStarted', { name: 'warmup', arrivalRate: 50 });
    await Promise.all(fns.map(arrive));
    runner.emit('phaseStarted', { name: 'measure', arrivalRate: 50 });
    for (let i = 0; i < SEARCHES; i++) await Promise.all(fns.map(arrive));
    runner.emit('done');
  });
  after(async () => {
    await proxy?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('per format, the requests the engine counted (measured + warmup) are the calls the proxy forwarded', () => {
    const seen = proxy.counts();
    for (const id of FORMATS) {
      const combos = manifest.combinations.filter((c) => c.format === id);
      const engineSent = combos.reduce(
        (n, c) =>
          n +
          (counters.get(`payload_bench.${c.key}.requests.sent`) ?? 0) +
          (counters.get(`payload_bench.${c.key}.warmup.requests_sent`) ?? 0),
        0,
      );
      const path = combos[0]!.transport === 'grpc' ? combos[0]!.path : `POST ${combos[0]!.path}`;
      assert.ok(engineSent > 0);
      assert.equal(seen.get(path), engineSent, `${id} at ${path}`);
    }
    assert.equal(
      [...seen.values()].reduce((a, b) => a + b, 0),
      manifest.combinations.reduce(
        (n, c) =>
          n +
          (counters.get(`payload_bench.${c.key}.requests.sent`) ?? 0) +
          (counters.get(`payload_bench.${c.key}.warmup.requests_sent`) ?? 0),
        0,
      ),
    );
  });

  test('accounting adds up and every request was answered', () => {
    for (const c of manifest.combinations) {
      const n = (m: string): number => counters.get(`payload_bench.${c.key}.${m}`) ?? 0;
      const batches = manifest.payloads.find((p) => p.id === c.payloads)!.searches[0]!.length;
      assert.equal(n('searches.intended'), SEARCHES, c.key);
      assert.equal(n('requests.intended'), SEARCHES * batches);
      assert.equal(n('requests.sent') + n('requests.dropped'), n('requests.intended'));
      assert.equal(
        n('requests.ok'),
        n('requests.sent'),
        `${c.key}: ${JSON.stringify(Object.fromEntries([...counters].filter(([k]) => k.includes(c.key))))}`,
      );
      assert.equal(n('searches.completed'), SEARCHES);
      assert.equal(
        n('searches.within_budget') + n('searches.over_budget'),
        n('searches.completed') + n('searches.capped'),
      );
      assert.equal(histograms.get(`payload_bench.${c.key}.request_ms`)?.length, n('requests.ok'));
      assert.equal(histograms.get(`payload_bench.${c.key}.search_ms`)?.length, n('searches.completed'));
      // Search latency counts from the intended start, so it is never below the time from the step's start.
      const search = histograms.get(`payload_bench.${c.key}.search_ms`)!;
      const fromStep = histograms.get(`payload_bench.${c.key}.search_service_ms`)!;
      search.forEach((v, i) => assert.ok(v >= fromStep[i]! - 1e-9));
    }
    assert.equal(counters.get('payload_bench.generator.cpu_reporters'), 1);
    assert.ok((counters.get('payload_bench.generator.cpu_us') ?? 0) > 0);
  });

  test('an Artillery-shaped aggregate of those metrics imports into valid results with the same counts', () => {
    const summaries: Record<string, ArtillerySummary> = {};
    for (const [name, values] of histograms) summaries[name] = summarize(values);
    const report = { aggregate: { counters: Object.fromEntries(counters), summaries, rates: {} }, intermediate: [] };
    const results = importArtillery(parseArtilleryReport(report), manifest, {
      env: fakeEnv(),
      tool: { name: 'payload-bench', version: '0.0.0' },
    });
    assert.deepEqual(validateResults(results), []);
    assert.equal(results.e2e!.length, manifest.combinations.length);
    for (const run of results.e2e!) {
      const key = `${run.format}.${run.compression}.b${run.batchSize}`;
      assert.equal(run.requests.ok, counters.get(`payload_bench.${key}.requests.ok`));
      assert.equal(run.searches.completed, SEARCHES);
      assert.equal(run.latency.search.count, SEARCHES);
      assert.ok(run.warnings.some((w) => /DDSketch/.test(w)));
    }
  });
});

describe('engine: a search due when the generator is already late by the hard cap', () => {
  test('is dropped, never sent, and counted in the latency at the cap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-engine-late-'));
    try {
      // Nothing listens at the targets: a request that went out would fail with an error.
      const config = exportConfig([
        '--rate',
        '1000',
        '--duration',
        '1s',
        '--deadline-ms',
        '5',
        '--hard-cap-ms',
        '20',
        '--target',
        '127.0.0.1:9',
        '--rest-target',
        '127.0.0.1:9',
        '--out',
        dir,
      ]);
      const built = buildExport(config, await resolveE2eInput({ ...config.e2e, target: null, restTarget: null }));
      writeExport(built, dir);
      const c = built.manifest.combinations[0]!;
      const runner = new EventEmitter();
      const ee = new EventEmitter();
      const counters = new Map<string, number>();
      const hist: [string, number][] = [];
      ee.on('counter', (name: string, v: number) => counters.set(name, (counters.get(name) ?? 0) + v));
      ee.on('histogram', (name: string, v: number) => hist.push([name, v]));
      const engine = new PayloadBenchEngine(
        { config: { engines: { 'payload-bench': { manifest: join(dir, 'manifest.json') } } } },
        runner,
        {},
      );
      const fn = engine.createScenario({ name: c.scenarioName, flow: [{ search: c.key }] }, ee);
      runner.emit('phaseStarted', { name: 'measure', arrivalRate: 1000 });
      await new Promise((r) => setTimeout(r, 60));
      // The first arrival was due 1 ms into the phase: it is now ~60 ms late, past the 20 ms cap.
      await new Promise<void>((resolve, reject) => fn({}, (err) => (err ? reject(err) : resolve())));
      engine.close();
      const n = (m: string): number => counters.get(`payload_bench.${c.key}.${m}`) ?? 0;
      const batches = built.manifest.payloads.find((p) => p.id === c.payloads)!.searches[0]!.length;
      assert.equal(n('searches.dropped'), 1);
      assert.equal(n('searches.dropped_late'), 1);
      assert.equal(n('requests.dropped_late'), batches);
      assert.equal(n('requests.sent'), 0);
      assert.equal([...counters.keys()].filter((k) => k.includes('.requests.error.')).length, 0);
      assert.deepEqual(
        hist.filter(([k]) => k.endsWith('.search_ms')).map(([, v]) => v),
        [20],
      );
      assert.equal(hist.filter(([k]) => k.endsWith('.request_ms')).length, batches);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('import-artillery', () => {
  const manifest = (): Manifest =>
    ({
      kind: 'payload-bench/artillery-export',
      manifestVersion: 1,
      tool: { name: 'payload-bench', version: '0.0.0' },
      createdAt: '2026-01-01T00:00:00.000Z',
      modelName: 'ranker',
      scenario: {
        name: 'tiny',
        description: 'd',
        candidates: 4,
        features: 10,
        contextFeatures: 2,
        seed: 1,
        fingerprint: 'b165ee10404f48d6',
      },
      load: {
        rate: 10,
        arrival: 'constant',
        warmupMs: 0,
        durationMs: 10_000,
        budgetMs: 250,
        hardCapMs: 2500,
        connections: null,
      },
      targets: { grpc: '127.0.0.1:8500', rest: '127.0.0.1:8501' },
      payloads: [
        {
          id: 'tensor-content.b2',
          format: 'tensor-content',
          batchSize: 2,
          searches: [
            [
              { file: 'a', bytes: 1, candidates: 2 },
              { file: 'b', bytes: 1, candidates: 2 },
            ],
          ],
        },
      ],
      combinations: [
        {
          key: 'tensor-content.gzip.b2',
          scenarioName: 'tensor-content gzip 2-per-batch',
          format: 'tensor-content',
          compression: 'gzip',
          batchSize: 2,
          transport: 'grpc',
          path: '/x/Predict',
          payloads: 'tensor-content.b2',
        },
      ],
      config: {},
      warnings: [],
    }) as Manifest;
  const s = (count: number, p50: number, p99: number, max: number): ArtillerySummary => ({
    min: 1,
    max,
    count,
    mean: p50,
    p50,
    median: p50,
    p75: p50,
    p90: p99,
    p95: p99,
    p99,
    p999: max + 5,
  });
  const P = 'payload_bench.tensor-content.gzip.b2.';

  test('counters map to the accounting; HTTP_503 back to "HTTP 503"; skipped arrivals are dropped searches', () => {
    const counters = {
      'vusers.skipped': 2,
      [`${P}searches.intended`]: 98,
      [`${P}searches.completed`]: 90,
      [`${P}searches.within_budget`]: 85,
      [`${P}searches.over_budget`]: 7,
      [`${P}searches.capped`]: 2,
      [`${P}searches.failed`]: 5,
      [`${P}searches.dropped`]: 1,
      [`${P}requests.intended`]: 196,
      [`${P}requests.sent`]: 194,
      [`${P}requests.dropped`]: 2,
      [`${P}requests.ok`]: 184,
      [`${P}requests.capped`]: 3,
      [`${P}requests.error.HTTP_503`]: 4,
      [`${P}requests.error.UNAVAILABLE`]: 3,
      'payload_bench.generator.cpu_us': 970_000,
      'payload_bench.generator.cpu_reporters': 1,
    };
    const summaries = {
      [`${P}search_ms`]: s(92, 20, 180, 2500),
      [`${P}request_ms`]: s(187, 15, 150, 2500),
      [`${P}service_ms`]: s(187, 10, 100, 2400),
      [`${P}lag_ms`]: s(97, 0.2, 3.5, 4),
    };
    const r = importArtillery(parseArtilleryReport({ aggregate: { counters, summaries, rates: {} } }), manifest(), {
      env: fakeEnv(),
      tool: { name: 'payload-bench', version: '0.0.0' },
    });
    assert.deepEqual(validateResults(r), []);
    const run = r.e2e![0]!;
    assert.deepEqual(run.requests, {
      intended: 200,
      sent: 194,
      dropped: 6,
      ok: 184,
      errors: { 'HTTP 503': 4, UNAVAILABLE: 3 },
      capped: 3,
    });
    assert.deepEqual(run.searches, {
      intended: 100,
      completed: 90,
      withinBudget: 85,
      capped: 2,
      failed: 5,
      dropped: 3,
    });
    assert.equal(run.achievedRate, 9);
    assert.equal(run.saturated, false);
    assert.equal(run.cost.clientCpuMsPerSearch, Number((970 / 97).toFixed(3)));
    assert.equal(run.schedulerLagP99Ms, 3.5);
    assert.ok(!run.warnings.some((w) => /does not add up/.test(w)), run.warnings.join('\n'));
    // 92 samples: p99 is not supported; p99.9 is capped to the maximum where shown.
    assert.deepEqual(
      run.latency.search.percentiles.map((p) => p.p),
      [50, 75, 90, 95],
    );
    assert.ok(run.latency.search.percentiles.every((p) => p.lowMs === null && p.highMs === null));
    assert.equal(run.latency.search.capped, 2);
    assert.equal(run.latency.search.overBudget, 7);
  });

  test('awkward runs: every request cut at the cap, 6 samples, nothing answered', () => {
    const counters = {
      [`${P}searches.intended`]: 6,
      [`${P}searches.capped`]: 6,
      [`${P}searches.over_budget`]: 6,
      [`${P}requests.intended`]: 12,
      [`${P}requests.sent`]: 12,
      [`${P}requests.capped`]: 12,
      [`${P}requests.over_budget`]: 12,
    };
    const capped: ArtillerySummary = {
      min: 2500,
      max: 2500,
      count: 6,
      mean: 2500,
      p50: 2500,
      p75: 2500,
      p90: 2500,
      p95: 2500,
      p99: 2500,
      p999: 2500,
    };
    const summaries = { [`${P}search_ms`]: capped, [`${P}request_ms`]: { ...capped, count: 12 } };
    const r = importArtillery(parseArtilleryReport({ aggregate: { counters, summaries } }), manifest(), {
      env: fakeEnv(),
      tool: { name: 'payload-bench', version: '0' },
    });
    assert.deepEqual(validateResults(r), []);
    const run = r.e2e![0]!;
    assert.equal(run.searches.completed, 0);
    assert.equal(run.achievedRate, 0);
    assert.equal(run.saturated, true);
    assert.equal(run.breakdown, null);
    assert.deepEqual(
      run.latency.search.percentiles.map((p) => p.p),
      [50, 75],
    );
    assert.equal(run.latency.search.capped, 6);
    assert.deepEqual(run.latency.service.percentiles, []);
    assert.ok(run.warnings.some((w) => /12 of 12 requests cut at the 2500 ms hard cap/.test(w)));
    assert.ok(!run.warnings.some((w) => /does not add up/.test(w)));
  });

  test('a percentile estimate above the maximum is capped to it; an empty summary has no percentiles', () => {
    const l = latencySummary(s(5000, 10, 90, 100), 0, 0);
    assert.equal(l.percentiles.at(-1)!.p, 99.9);
    assert.equal(l.percentiles.at(-1)!.ms, 100);
    assert.deepEqual(latencySummary(undefined, 0, 0).percentiles, []);
  });

  test('a report of another export, or of no export, is refused with the reason', () => {
    const imp = (counters: Record<string, number>): unknown =>
      importArtillery(parseArtilleryReport({ aggregate: { counters, summaries: {} } }), manifest(), {
        env: fakeEnv(),
        tool: { name: 'payload-bench', version: '0' },
      });
    assert.throws(
      () => imp({ 'payload_bench.elwc.identity.b5.requests.sent': 1 }),
      /combination "elwc.identity.b5" is not in the manifest/,
    );
    assert.throws(() => imp({ 'http.requests': 5 }), /no payload_bench metrics/);
    assert.throws(() => parseArtilleryReport({ results: [] }), /not an Artillery report/);
    assert.throws(() => parseArtilleryReport({ aggregate: { counters: { a: -1 } } }), /expected a count/);
  });

  test('metric names split back into their combination', () => {
    assert.deepEqual(parseMetricName('payload_bench.tensor-content.gzip.b250.requests.error.HTTP_503'), {
      format: 'tensor-content',
      compression: 'gzip',
      batchSize: 250,
      key: 'tensor-content.gzip.b250',
      metric: 'requests.error.HTTP_503',
    });
    assert.equal(parseMetricName('payload_bench.generator.cpu_us'), undefined);
  });
});

/** Nearest-rank summary of exact values, in Artillery's summary shape. */
function summarize(values: number[]): ArtillerySummary {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number): number => v[Math.max(0, Math.ceil(q * v.length) - 1)]!;
  return {
    min: v[0]!,
    max: v.at(-1)!,
    count: v.length,
    mean: v.reduce((a, b) => a + b, 0) / v.length,
    p50: at(0.5),
    median: at(0.5),
    p75: at(0.75),
    p90: at(0.9),
    p95: at(0.95),
    p99: at(0.99),
    p999: at(0.999),
  };
}

function fakeEnv(): Env {
  return {
    node: 'v20',
    v8: '11',
    zlib: '1',
    platform: 'linux',
    arch: 'x64',
    os: 'Linux',
    cpuModel: 'cpu',
    cores: 2,
    totalMemGiB: 1,
    packages: {},
    codecVersions: {},
    gitCommit: null,
    gitDirty: null,
  };
}
