// End-to-end tests of the load generator against the real stub server in its own process:
// accounting, fan-out, the accuracy checks of issue 5 (delay, stalls in open vs closed loop),
// deadline handling, --target against a separately started stub, the shaping relay, and the
// command line (bad arguments exit 2; a run writes e2e.json). Bounds are relations with
// generous margins: the machine is shared, so no absolute timings are asserted.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { checkAccounting, parseE2eArgs, runE2e, spawnStub, type E2eConfig } from '../src/load/index.js';
import type { E2eRun, Results } from '../src/results/index.js';

const ROOT = resolve(import.meta.dirname, '..');

function config(argv: string[]): E2eConfig {
  const p = parseE2eArgs(argv);
  if (p.kind !== 'run') throw new Error(`bad test arguments: ${p.kind === 'error' ? p.message : p.kind}`);
  return p.config;
}

/** One small request per search (tiny: 4 candidates, every dtype and shape). */
const ONE_REQUEST = ['--scenario', 'tiny', '--formats', 'tensor-content', '--batch-size', '4', '--compression', 'identity', '--warmup', '300ms'];

function assertAccounting(r: E2eRun): void {
  const batches = Math.max(1, Math.round(r.requests.intended / Math.max(1, r.searches.intended)));
  assert.equal(checkAccounting(r.requests, r.searches, batches), undefined, `${r.format} ${r.compression} batch ${r.batchSize}`);
  assert.ok(r.searches.completed * batches <= r.requests.ok);
}

/** Share of requests slower than `ms`, read off the percentile curve (conservatively, from below). */
function shareAbove(r: E2eRun, ms: number): number {
  let below = 0;
  for (const [p, v] of r.latency.request.curve) if (v <= ms) below = p;
  return 1 - below / 100;
}

function runCli(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/e2e.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

describe('e2e against the stub server', () => {
  it('accounting adds up in every run, over gRPC and REST, with injected errors; a failed batch fails its search', async () => {
    const runs = await runE2e(
      config(['--scenario', 'tiny', '--candidates', '8', '--formats', 'tensor-content,elwc,json-columnar', '--batch-size', '2,8', '--compression', 'identity,gzip', '--concurrency', '2', '--requests', '15', '--warmup', '200ms', '--error-rate', '0.1']),
    );
    assert.equal(runs.length, 3 * 2 * 2);
    let failedSearches = 0;
    for (const r of runs) {
      assert.equal(r.endReason, 'requests', r.warnings.join('; '));
      assertAccounting(r);
      assert.equal(r.searches.intended, 15);
      assert.equal(r.requests.intended, 15 * (r.batchSize === 2 ? 4 : 1));
      for (const code of Object.keys(r.requests.errors)) assert.ok(code === 'UNAVAILABLE' || code === 'HTTP 503', `unexpected error ${code}`);
      failedSearches += r.searches.failed;
      assert.equal(r.requests.clientTimeouts, 0);
      if (r.latency.search.count > 0 && r.batchSize === 2 && r.searches.failed === 0) {
        // A search ends with its last batch: never faster than a typical request, nor than the slowest.
        assert.ok(r.latency.search.p50Ms >= r.latency.request.p50Ms, `${r.format}: search p50 ${r.latency.search.p50Ms} < request p50 ${r.latency.request.p50Ms}`);
        assert.ok(r.latency.search.maxMs >= r.latency.request.maxMs - 0.01);
      }
      assert.ok(r.breakdown.serverDecodeMs > 0 && r.cost.clientCpuMsPerSearch > 0);
    }
    // 10 % of calls fail: over ~300 requests some searches must have failed.
    assert.ok(failedSearches > 0);
    assert.ok(runs.some((r) => r.cost.serverCpuMsPerSearch > 0), 'server CPU is measured from its own process');
  });

  it('--delay-ms D: p50 is within max(5 %, 1 ms) of D plus the no-delay p50', async (t: TestContext) => {
    const D = 50;
    const args = [...ONE_REQUEST, '--rate', '50', '--duration', '2s'];
    let last = '';
    // The machine is shared: one retry, so a neighbour's burst during one run does not fail the check.
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [base] = await runE2e(config(args));
      const [delayed] = await runE2e(config([...args, '--delay-ms', String(D)]));
      for (const r of [base!, delayed!]) assertAccounting(r);
      const expected = D + base!.latency.request.p50Ms;
      const got = delayed!.latency.request.p50Ms;
      const tolerance = Math.max(0.05 * expected, 1);
      last = `p50 ${got} ms vs expected ${expected.toFixed(3)} ms (no-delay p50 ${base!.latency.request.p50Ms} + ${D}), tolerance ${tolerance.toFixed(2)} ms, attempt ${attempt}`;
      t.diagnostic(last);
      assert.ok(delayed!.latency.request.count >= 50);
      if (Math.abs(got - expected) <= tolerance) return;
    }
    assert.fail(last);
  });

  it('--stall-every N --stall-ms M: open loop shows the stalls in the tail with about the right share; closed loop under-reports them', async (t: TestContext) => {
    const N = 25;
    const M = 100;
    const R = 50;
    const stall = ['--stall-every', String(N), '--stall-ms', String(M), '--duration', '3s'];
    let failure: unknown;
    // The machine is shared: one retry, so a starved client or server in one run does not fail the check.
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [open] = await runE2e(config([...ONE_REQUEST, ...stall, '--rate', String(R)]));
      const [closed] = await runE2e(config([...ONE_REQUEST, ...stall, '--concurrency', '1']));
      assertAccounting(open!);
      assertAccounting(closed!);
      // Open loop: calls due during a stall wait for it. Of every N calls, those arriving in the
      // first M - x ms of a stall (plus the stalled call) take longer than x.
      const x = M / 2;
      const expectedOpen = ((M - x) * (R / 1000) + 1) / N;
      const openShare = shareAbove(open!, x);
      // Closed loop: nothing is sent during a stall, so only the stalled call sees it: 1 / N.
      const closedShare = shareAbove(closed!, x);
      t.diagnostic(`attempt ${attempt}: share of requests over ${x} ms: open ${(openShare * 100).toFixed(1)} % (expected ~${(expectedOpen * 100).toFixed(1)} %), closed ${(closedShare * 100).toFixed(1)} % (expected ~${(100 / N).toFixed(1)} %)`);
      t.diagnostic(`attempt ${attempt}: p90 open ${open!.latency.request.p90Ms} ms, closed ${closed!.latency.request.p90Ms} ms; p99 open ${open!.latency.request.p99Ms}, closed ${closed!.latency.request.p99Ms}; open-loop lag p99 ${open!.schedulerLagP99Ms} ms`);
      try {
        assert.ok(openShare >= expectedOpen / 2 && openShare <= expectedOpen * 2, `open-loop share over ${x} ms: ${openShare}, expected ~${expectedOpen}`);
        assert.ok(open!.latency.request.p99Ms >= M * 0.8, 'the stalls are in the open-loop tail');
        assert.ok(closedShare <= 2.5 / N, `closed-loop share over ${x} ms: ${closedShare}, expected ~${1 / N}`);
        assert.ok(closedShare < openShare / 2, 'closed loop under-reports the stalls');
        assert.ok(closed!.latency.request.p90Ms * 3 < open!.latency.request.p90Ms, 'closed-loop p90 hides what open-loop p90 shows');
        assert.ok(closed!.latency.request.maxMs >= M * 0.9, 'closed loop does see the stalled call itself');
        return;
      } catch (err) {
        failure = err;
      }
    }
    throw failure;
  });

  it('a server slower than the deadline: client timeouts, counted apart from latency, over gRPC and REST', async () => {
    const runs = await runE2e(
      config(['--scenario', 'tiny', '--formats', 'tensor-content,json-columnar', '--batch-size', '4', '--compression', 'identity', '--concurrency', '2', '--requests', '4', '--warmup', '0', '--deadline-ms', '100', '--delay-ms', '300']),
    );
    for (const r of runs) {
      assertAccounting(r);
      assert.equal(r.requests.clientTimeouts, 4, `${r.format}: ${JSON.stringify(r.requests)}`);
      assert.equal(r.requests.ok, 0);
      assert.deepEqual(r.requests.errors, {});
      assert.equal(r.searches.failed, 4);
      assert.equal(r.latency.request.count, 0);
      assert.equal(r.latency.search.count, 0);
      assert.ok(r.warnings.some((w) => /passed the 100 ms client deadline/.test(w)));
    }
  });

  it('--target / --rest-target measure a separately started stub', async () => {
    const stub = await spawnStub({ scenario: 'tiny' });
    try {
      const runs = await runE2e(
        config(['--target', stub.grpcAddress, '--rest-target', stub.restAddress, '--scenario', 'tiny', '--formats', 'tensor-broadcast,json-rows', '--batch-size', '2', '--compression', 'gzip', '--rate', '40', '--requests', '20', '--warmup', '200ms']),
      );
      assert.equal(runs.length, 2);
      for (const r of runs) {
        assertAccounting(r);
        assert.equal(r.requests.ok, 40, JSON.stringify(r.requests));
        assert.equal(r.endReason, 'requests');
        assert.equal(r.target, r.format === 'json-rows' ? stub.restAddress : stub.grpcAddress);
        assert.ok(r.warnings.some((w) => /server CPU unknown for --target/.test(w)));
        // Fan-out: 2 requests per search; a search ends with its slower batch.
        assert.equal(r.searches.completed, 20);
        assert.ok(r.latency.search.p50Ms >= r.latency.request.p50Ms);
        assert.ok(r.latency.search.maxMs >= r.latency.request.maxMs - 0.01);
      }
    } finally {
      assert.equal(await stub.stop(), 0, 'the stub drains and exits 0 on SIGTERM');
    }
  });
});

describe('e2e command line', () => {
  it('bad arguments exit 2 with a message', async () => {
    const a = await runCli(['--rate', '5', '--concurrency', '2']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /e2e: --concurrency \(closed loop\) and --rate \(open loop\) exclude each other/);
    const b = await runCli(['--scenario', 'no-such-preset']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /unknown scenario preset "no-such-preset"/);
    assert.equal(a.stdout + b.stdout, '');
  });

  it('a shaped bandwidth sweep runs through the relay, writes e2e.json and prints JSON with --json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'payload-bench-e2e-'));
    try {
      const r = await runCli([
        '--scenario', 'etsy-search', '--candidates', '60', '--formats', 'tensor-content', '--batch-size', '60', '--compression', 'identity',
        '--sweep', 'bandwidth=10mbit,10gbit', '--rtt', '4ms', '--rate', '8', '--duration', '1s', '--warmup', '300ms', '--core-hour-usd', '0.05',
        '--json', '--out', out,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const printed = JSON.parse(r.stdout) as Results;
      const saved = JSON.parse(readFileSync(join(out, 'e2e.json'), 'utf8')) as Results;
      assert.deepEqual(saved.e2e, printed.e2e);
      assert.equal(saved.state, 'complete');
      assert.deepEqual(saved.sizes, []);
      assert.equal(saved.scenarios[0]!.candidates, 60);
      const [slow, fast] = saved.e2e!;
      assert.equal(slow!.bandwidth, '10mbit');
      assert.equal(fast!.bandwidth, '10gbit');
      assert.equal(slow!.rttMs, 4);
      for (const x of saved.e2e!) {
        assertAccounting(x);
        assert.ok(x.cost.monthlyUsd !== undefined && x.cost.monthlyUsd > 0);
      }
      // ~113 kB per search: ~90 ms on a 10 Mbit/s link, ~0.1 ms on 10 Gbit/s.
      assert.ok(slow!.latency.search.p50Ms - fast!.latency.search.p50Ms >= 50, `10mbit p50 ${slow!.latency.search.p50Ms} vs 10gbit p50 ${fast!.latency.search.p50Ms}`);
      assert.ok(fast!.latency.search.p50Ms >= 4, 'the added RTT is in every search');
      assert.match(r.stderr, /Search latency, ms/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
