// Opt-in (PAYLOAD_BENCH_ARTILLERY=1; `.ci/artillery.sh` runs it as its own CI step): real
// Artillery runs an exported folder against the stub on 127.0.0.1 for a few seconds, and the
// report is imported back with `npm run report -- --artillery`. Artillery (582 packages,
// ~600 MB) is never a dependency of payload-bench: it comes from PAYLOAD_BENCH_ARTILLERY_HOME
// (a folder whose node_modules holds artillery and artillery-engine-payload-bench, as
// .ci/artillery.sh prepares it), or is installed here into a temporary folder.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildExport, writeExport, type ExportConfig, type Manifest } from '../src/export/index.js';
import { parseExportArgs } from '../src/args/export-args.js';
import { resolveE2eInput } from '../src/load/index.js';
import { readResults, type Results } from '../src/results/index.js';
import { startServer, type RunningServer } from '../src/server/index.js';
import { startCountingProxy, type CountingProxy } from './artillery-count-proxy.js';

const ENABLED = process.env['PAYLOAD_BENCH_ARTILLERY'] === '1';
const REPO = resolve(import.meta.dirname, '..');
const ENGINE_DIR = join(REPO, 'packages/artillery-engine-payload-bench');
/** Artillery's own run: start-up, 1 s warmup, 3 s measured, drain and report; killed past this. */
const RUN_TIMEOUT_MS = 60_000;
const INSTALL_TIMEOUT_MS = 240_000;
const RATE = 20;

const SKIP_REASON =
  'opt-in: set PAYLOAD_BENCH_ARTILLERY=1 to run (installs Artillery, ~600 MB, unless PAYLOAD_BENCH_ARTILLERY_HOME has it; .ci/artillery.sh does)';

describe('artillery run of an export', () => {
  if (!ENABLED) {
    test('artillery run of an export against the stub, imported back', { skip: SKIP_REASON }, () => {});
    return;
  }
  let home: string;
  let ownHome = false;
  let server: RunningServer;
  let proxy: CountingProxy;
  let dir: string;
  let manifest: Manifest;
  let counters: Record<string, number>;
  let results: Results;

  before(async () => {
    home = process.env['PAYLOAD_BENCH_ARTILLERY_HOME'] ?? '';
    if (home === '') {
      home = mkdtempSync(join(tmpdir(), 'pb-artillery-home-'));
      ownHome = true;
      installArtillery(home);
    }
    assert.ok(existsSync(join(home, 'node_modules/artillery/bin/run')), `no artillery in ${home}/node_modules`);
    assert.ok(
      existsSync(join(home, 'node_modules/artillery-engine-payload-bench/index.js')),
      `no artillery-engine-payload-bench in ${home}/node_modules`,
    );

    server = await startServer({ port: 0, restPort: 0, scenario: 'tiny' });
    proxy = await startCountingProxy({ grpc: server.grpcAddress, rest: server.restAddress });
    dir = mkdtempSync(join(tmpdir(), 'pb-artillery-run-'));
    const p = parseExportArgs([
      'artillery',
      '--scenario',
      'tiny',
      '--formats',
      'tensor-content,elwc,json-columnar',
      '--batch-size',
      '2',
      '--compression',
      'identity,gzip',
      '--rate',
      String(RATE),
      '--duration',
      '3s',
      '--warmup',
      '1s',
      '--deadline-ms',
      '1000',
      '--target',
      proxy.grpcAddress,
      '--rest-target',
      proxy.restAddress,
      '--out',
      dir,
    ]);
    assert.equal(p.kind, 'run', p.kind === 'error' ? p.message : '');
    const config = (p as { config: ExportConfig }).config;
    const built = buildExport(config, await resolveE2eInput({ ...config.e2e, target: null, restTarget: null }));
    writeExport(built, dir);
    manifest = built.manifest;

    const report = join(dir, 'report.json');
    await runArtillery(home, ['run', join(dir, 'artillery.yml'), '--output', report]);
    counters = (JSON.parse(readFileSync(report, 'utf8')) as { aggregate: { counters: Record<string, number> } })
      .aggregate.counters;

    // The third command of the README, as a user runs it.
    const out = join(dir, 'results');
    execFileSync(
      process.execPath,
      ['--import', 'tsx', join(REPO, 'src/cli/commands/report.ts'), '--artillery', report, '--out', out],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'], timeout: 120_000 },
    );
    const read = readResults(JSON.parse(readFileSync(join(out, 'artillery.json'), 'utf8')));
    assert.equal(read.state, 'valid', JSON.stringify(read));
    results = (read as { results: Results }).results;
  });

  after(async () => {
    await proxy?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (ownHome) rmSync(home, { recursive: true, force: true });
  });

  test("per format, the requests in Artillery's report are the calls the stub was sent", () => {
    const seen = proxy.counts();
    for (const format of ['tensor-content', 'elwc', 'json-columnar']) {
      const combos = manifest.combinations.filter((c) => c.format === format);
      const reported = combos.reduce(
        (n, c) =>
          n +
          (counters[`payload_bench.${c.key}.requests.sent`] ?? 0) +
          (counters[`payload_bench.${c.key}.warmup.requests_sent`] ?? 0),
        0,
      );
      const path = combos[0]!.transport === 'grpc' ? combos[0]!.path : `POST ${combos[0]!.path}`;
      assert.ok(reported > 0, `${format}: nothing reported`);
      assert.equal(seen.get(path), reported, `${format} at ${path}`);
    }
  });

  test('every arrival of the measured phase is one search in the imported results, and the accounting adds up', () => {
    const runs = results.e2e ?? [];
    assert.equal(runs.length, manifest.combinations.length);
    const intended = runs.reduce((n, r) => n + r.searches.intended, 0);
    // Every arrival Artillery created is either a warmup search or one of the measured phase's.
    const warmup = manifest.combinations.reduce(
      (n, c) => n + (counters[`payload_bench.${c.key}.warmup.searches`] ?? 0),
      0,
    );
    assert.ok(warmup > 0, 'the warmup phase ran');
    assert.equal(intended + warmup, counters['vusers.created']);
    // Artillery fires duration / tick arrivals per phase (3 s at 20/s); its last tick and its
    // end-of-phase timer fall due together, so one more or fewer is its timers' race, not ours.
    assert.ok(Math.abs(intended - 3 * RATE) <= 1, `${intended} searches in 3 s at ${RATE}/s`);
    for (const r of runs) {
      const errors = Object.values(r.requests.errors).reduce((a, b) => a + b, 0);
      assert.equal(r.requests.intended, r.requests.sent + r.requests.dropped);
      assert.equal(r.requests.sent, r.requests.ok + errors + r.requests.capped);
      assert.equal(
        r.searches.intended,
        r.searches.completed + r.searches.capped + r.searches.failed + r.searches.dropped,
      );
      assert.equal(
        r.latency.search.count,
        r.searches.completed +
          r.searches.capped +
          (counters[`payload_bench.${r.format}.${r.compression}.b${r.batchSize}.searches.dropped_late`] ?? 0),
      );
      assert.ok(r.warnings.some((w) => /DDSketch/.test(w)));
      assert.ok(!r.warnings.some((w) => /does not add up/.test(w)), r.warnings.join('\n'));
    }
    assert.ok((counters['payload_bench.generator.cpu_reporters'] ?? 0) >= 1, 'the engine reported generator CPU');
  });
});

function installArtillery(home: string): void {
  writeFileSync(join(home, 'package.json'), '{ "name": "artillery-home", "private": true }\n');
  const tgz = execFileSync('npm', ['pack', ENGINE_DIR, '--pack-destination', home, '--silent'], {
    cwd: home,
    encoding: 'utf8',
    timeout: 60_000,
  })
    .trim()
    .split('\n')
    .at(-1)!;
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'artillery@2', join(home, tgz)], {
    cwd: home,
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: INSTALL_TIMEOUT_MS,
  });
}

/** `artillery <args>`, bounded in time, telemetry off; rejects on a non-zero exit with its output. */
function runArtillery(home: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(home, 'node_modules/artillery/bin/run'), ...args], {
      cwd: home,
      env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-8000)));
    child.stderr.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-8000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else reject(new Error(`artillery ${args[0]} exited ${code ?? signal}:\n${output}`));
    });
  });
}
