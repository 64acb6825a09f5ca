// End-to-end tests of the load generator against the real stub server in its own process:
// accounting (own identities, and against the server's own count of calls), fan-out, the
// accuracy checks (delay attributed to the server, stalls in open vs closed loop), no
// censoring (searches past their budget are timed to their answer; past the hard cap they
// are counted at the cap), an overloaded run, a gzip run's breakdown, the harness floor,
// --target against a separately started stub, the shaping relay, and the command line.
// Every assertion is a count or a relation between measurements (the machine is shared):
// no wall-clock upper bound.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { runE2e, spawnStub, type E2eConfig } from '../src/load/index.js';
import { parseE2eArgs } from '../src/args/e2e-args.js';
import { percentileOf, validateResults, type E2eRun, type Results } from '../src/results/index.js';
import { startServer } from '../src/server/index.js';

const ROOT = resolve(import.meta.dirname, '..');

function config(argv: string[]): E2eConfig {
  const p = parseE2eArgs(argv);
  if (p.kind !== 'run') throw new Error(`bad test arguments: ${p.kind === 'error' ? p.message : p.kind}`);
  return p.config;
}

/** One small request per search (tiny: 4 candidates, every dtype and shape). */
const ONE_REQUEST = [
  '--scenario',
  'tiny',
  '--formats',
  'tensor-content',
  '--batch-size',
  '4',
  '--compression',
  'identity',
  '--warmup',
  '300ms',
  '--floor-calls',
  '50',
];

/** The identities every run satisfies, and no BUG warning (the run-time check compares against the driver's and the transport's own counts). */
function assertAccounting(r: E2eRun): void {
  const q = r.requests;
  const s = r.searches;
  const errors = Object.values(q.errors).reduce((a, b) => a + b, 0);
  const label = `${r.format} ${r.compression} batch ${r.batchSize}`;
  assert.equal(q.intended, q.sent + q.dropped, label);
  assert.equal(q.sent, q.ok + errors + q.capped, label);
  assert.equal(s.intended, s.completed + s.capped + s.failed + s.dropped, label);
  assert.ok(s.withinBudget <= s.completed, label);
  assert.ok(!r.warnings.some((w) => w.startsWith('BUG')), `${label}: ${r.warnings.join('; ')}`);
}

/** Share of requests slower than `ms` (exact: from the percentiles, conservatively from below). */
function shareAbove(r: E2eRun, ms: number): number {
  let below = 0;
  for (const p of r.latency.request.percentiles) if (p.ms <= ms) below = p.p;
  return 1 - below / 100;
}

function p(r: E2eRun, q: number, kind: 'search' | 'request' = 'search'): number {
  const e = percentileOf(r.latency[kind], q);
  assert.ok(e, `${r.format}: no p${q} over ${r.latency[kind].count} samples`);
  return e.ms;
}

function runCli(args: string[], timeoutMs = 90_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/commands/e2e.ts'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
  it('accounting adds up in every run, over gRPC and REST, with injected errors; a failed batch fails its search; the harness floor is measured per transport', async () => {
    const pass = await runE2e(
      config([
        '--scenario',
        'tiny',
        '--candidates',
        '8',
        '--formats',
        'tensor-content,elwc,json-columnar',
        '--batch-size',
        '2,8',
        '--compression',
        'identity,gzip',
        '--concurrency',
        '2',
        '--requests',
        '15',
        '--warmup',
        '200ms',
        '--error-rate',
        '0.1',
        '--floor-calls',
        '50',
      ]),
    );
    const runs = pass.runs;
    assert.equal(runs.length, 3 * 2 * 2);
    let failedSearches = 0;
    for (const r of runs) {
      assert.equal(r.endReason, 'requests', r.warnings.join('; '));
      assertAccounting(r);
      assert.equal(r.searches.intended, 15);
      assert.equal(r.requests.intended, 15 * (r.batchSize === 2 ? 4 : 1));
      for (const code of Object.keys(r.requests.errors))
        assert.ok(code === 'UNAVAILABLE' || code === 'HTTP 503', `unexpected error ${code}`);
      failedSearches += r.searches.failed;
      assert.equal(r.requests.capped, 0);
      if (r.latency.search.count > 0 && r.batchSize === 2 && r.searches.failed === 0) {
        // A search ends with its last batch: never faster than a typical request, nor than the slowest.
        assert.ok(p(r, 50) >= p(r, 50, 'request'), `${r.format}: search p50 below request p50`);
        assert.ok(r.latency.search.maxMs >= r.latency.request.maxMs - 0.01);
      }
      assert.ok(r.breakdown !== null && r.breakdown.serverDecodeMs > 0 && r.cost.clientCpuMsPerSearch > 0);
    }
    // 10 % of calls fail: over ~300 requests some searches must have failed.
    assert.ok(failedSearches > 0);
    assert.ok(
      runs.some((r) => r.cost.serverCpuMsPerSearch > 0),
      'server CPU is measured from its own process',
    );
    assert.deepEqual(
      pass.harnessFloor.map((f) => [f.transport, f.calls]),
      [
        ['grpc', 50],
        ['rest', 50],
      ],
    );
    for (const f of pass.harnessFloor) {
      assert.match(f.call, /^no-op/);
      assert.ok(percentileOf(f.latency, 50)!.ms > 0 && f.clientCpuMsPerCall > 0 && f.serverCpuMsPerCall !== null);
    }
  });

  it("the server's own count of calls matches what the accounting says was sent", async () => {
    const server = await startServer({ port: 0, restPort: 0, scenario: 'tiny' });
    try {
      const before = server.stats().calls;
      const pass = await runE2e(
        config([
          '--target',
          server.grpcAddress,
          '--rest-target',
          server.restAddress,
          '--scenario',
          'tiny',
          '--formats',
          'tensor-content,json-columnar',
          '--batch-size',
          '1',
          '--compression',
          'identity',
          '--concurrency',
          '2',
          '--requests',
          '12',
          '--warmup',
          '0',
          '--floor-calls',
          '20',
        ]),
      );
      const after = server.stats().calls;
      let sent = 0;
      for (const r of pass.runs) {
        assertAccounting(r);
        // Each cell's preflight search is 4 requests of one candidate, then its measured ones.
        sent += 4 + r.requests.sent;
      }
      assert.equal(after - before, sent, 'requests the server answered = preflight + measured requests sent');
      // Against a server that is not known to be the stub, the floor is its cheapest call, named.
      assert.deepEqual(
        pass.harnessFloor.map((f) => f.call.split(' (')[0]),
        ['GetModelMetadata', 'GET /v1/models/ranker'],
      );
    } finally {
      await server.close();
    }
  });

  it('--delay-ms D: the median grows by D, and the breakdown puts it in the server (injected), not in unattributed', async (t: TestContext) => {
    const D = 50;
    const args = [...ONE_REQUEST, '--rate', '40', '--requests', '60'];
    const [base] = (await runE2e(config(args))).runs;
    const [delayed] = (await runE2e(config([...args, '--delay-ms', String(D)]))).runs;
    for (const r of [base!, delayed!]) assertAccounting(r);
    t.diagnostic(
      `request p50 ${p(base!, 50, 'request')} ms -> ${p(delayed!, 50, 'request')} ms with --delay-ms ${D}; breakdown injected ${delayed!.breakdown!.serverInjectedMs} ms, unattributed ${delayed!.breakdown!.unattributedMs} ms`,
    );
    // Every delayed request waited at least D in the server (sleep() guarantees it on the server's
    // clock). The growth is compared on the fastest request of each run: a busy stretch of the
    // machine during the base run alone moves its median by more than the slack, not its minimum.
    const min = (r: E2eRun): number => r.latency.request.minMs;
    assert.ok(min(delayed!) >= D, `every delayed request took at least ${D} ms (fastest ${min(delayed!)} ms)`);
    assert.ok(p(delayed!, 50, 'request') >= D);
    assert.ok(min(delayed!) - min(base!) >= D * 0.9, `fastest ${min(base!)} -> ${min(delayed!)} ms`);
    assert.ok(delayed!.breakdown!.serverInjectedMs >= D, 'the server measured its injected delay');
    assert.ok(
      delayed!.breakdown!.unattributedMs < delayed!.breakdown!.serverInjectedMs,
      'the delay is attributed, not left unattributed',
    );
  });

  it('--stall-every N --stall-ms M: open loop shows the stalls in the tail with about the right share; closed loop under-reports them', async (t: TestContext) => {
    const N = 25;
    const M = 100;
    const R = 50;
    // One worker, so a stall holds up every call behind it (as with a single-threaded server).
    const stall = ['--stall-every', String(N), '--stall-ms', String(M), '--requests', '150', '--workers', '1'];
    let failure: unknown;
    // The machine is shared: one retry, so a starved client or server in one run does not fail the check.
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [open] = (await runE2e(config([...ONE_REQUEST, ...stall, '--rate', String(R)]))).runs;
      const [closed] = (await runE2e(config([...ONE_REQUEST, ...stall, '--concurrency', '1']))).runs;
      assertAccounting(open!);
      assertAccounting(closed!);
      // Open loop: calls due during a stall wait for it. Of every N calls, those arriving in the
      // first M - x ms of a stall (plus the stalled call) take longer than x.
      const x = M / 2;
      const expectedOpen = ((M - x) * (R / 1000) + 1) / N;
      const openShare = shareAbove(open!, x);
      // Closed loop: nothing is sent during a stall, so only the stalled call sees it: 1 / N.
      const closedShare = shareAbove(closed!, x);
      t.diagnostic(
        `attempt ${attempt}: share of requests over ${x} ms: open ${(openShare * 100).toFixed(1)} % (expected ~${(expectedOpen * 100).toFixed(1)} %), closed ${(closedShare * 100).toFixed(1)} % (expected ~${(100 / N).toFixed(1)} %)`,
      );
      try {
        assert.ok(
          openShare >= expectedOpen / 2,
          `open-loop share over ${x} ms: ${openShare}, expected ~${expectedOpen}`,
        );
        assert.ok(p(open!, 99, 'request') >= M * 0.8, 'the stalls are in the open-loop tail');
        assert.ok(closedShare < openShare / 2, 'closed loop under-reports the stalls');
        assert.ok(
          p(closed!, 90, 'request') * 3 < p(open!, 90, 'request'),
          'closed-loop p90 hides what open-loop p90 shows',
        );
        assert.ok(closed!.latency.request.maxMs >= M * 0.9, 'closed loop does see the stalled call itself');
        return;
      } catch (err) {
        failure = err;
      }
    }
    throw failure;
  });

  it('past the budget a search is still timed to its answer; past the hard cap it is counted at the cap; over gRPC and REST', async () => {
    const common = [
      '--scenario',
      'tiny',
      '--formats',
      'tensor-content,json-columnar',
      '--batch-size',
      '4',
      '--compression',
      'identity',
      '--concurrency',
      '2',
      '--requests',
      '4',
      '--warmup',
      '0',
      '--deadline-ms',
      '100',
      '--delay-ms',
      '300',
      '--floor-calls',
      '20',
    ];
    const late = (await runE2e(config([...common, '--hard-cap-ms', '2000']))).runs;
    for (const r of late) {
      assertAccounting(r);
      assert.deepEqual(
        r.searches,
        { intended: 4, completed: 4, withinBudget: 0, capped: 0, failed: 0, dropped: 0 },
        r.format,
      );
      assert.equal(r.latency.search.count, 4, 'every search is a sample');
      assert.equal(r.latency.search.overBudget, 4);
      assert.ok(p(r, 50) >= 300, `${r.format}: median ${p(r, 50)} ms, the answer took 300 ms`);
    }
    const cut = (await runE2e(config([...common, '--hard-cap-ms', '150']))).runs;
    for (const r of cut) {
      assertAccounting(r);
      assert.deepEqual(
        r.searches,
        { intended: 4, completed: 0, withinBudget: 0, capped: 4, failed: 0, dropped: 0 },
        r.format,
      );
      assert.deepEqual(r.requests.errors, {});
      assert.equal(r.requests.capped, 4);
      assert.equal(r.latency.search.count, 4, 'a capped search is a sample, at the cap');
      assert.equal(r.latency.search.capped, 4);
      assert.equal(r.latency.search.maxMs, 150);
      assert.ok(r.warnings.some((w) => /4 of 4 searches reached the 150 ms hard cap/.test(w)));
    }
  });

  it('an overloaded run reports its over-budget share and percentiles over every search, not the survivors', async () => {
    // One worker stalled 40 ms per call serves 25 calls/s; 100/s are offered. Nothing is capped.
    const [r] = (
      await runE2e(
        config([
          ...ONE_REQUEST,
          '--workers',
          '1',
          '--stall-every',
          '1',
          '--stall-ms',
          '40',
          '--rate',
          '100',
          '--requests',
          '40',
          '--deadline-ms',
          '100',
          '--hard-cap-ms',
          '10000',
        ]),
      )
    ).runs;
    assertAccounting(r!);
    assert.equal(r!.saturated, true, `achieved ${r!.achievedRate}/s of ${r!.targetRate}/s`);
    assert.equal(r!.searches.intended, 40);
    assert.equal(r!.searches.completed, 40, 'every search answered, however late');
    assert.equal(r!.latency.search.count, 40, 'and every one is in the latency');
    assert.ok(r!.latency.search.overBudget > 0);
    assert.equal(r!.searches.withinBudget, 40 - r!.latency.search.overBudget);
    assert.ok(p(r!, 90) > r!.budgetMs, `p90 ${p(r!, 90)} ms: the queue behind the overload is in the tail`);
    assert.ok(r!.warnings.some((w) => w.startsWith('saturated')));
  });

  it('a gzip run puts the compression time in client compress and server decompress, not in unattributed (gRPC and REST)', async (t: TestContext) => {
    const pass = await runE2e(
      config([
        '--scenario',
        'etsy-search',
        '--candidates',
        '300',
        '--formats',
        'tensor-content,json-columnar',
        '--batch-size',
        '300',
        '--compression',
        'identity,gzip',
        '--concurrency',
        '1',
        '--requests',
        '20',
        '--warmup',
        '200ms',
        '--floor-calls',
        '20',
      ]),
    );
    for (const format of ['tensor-content', 'json-columnar']) {
      const id = pass.runs.find((x) => x.format === format && x.compression === 'identity')!.breakdown!;
      const gz = pass.runs.find((x) => x.format === format && x.compression === 'gzip')!.breakdown!;
      t.diagnostic(`${format}: identity ${JSON.stringify(id)}`);
      t.diagnostic(`${format}: gzip ${JSON.stringify(gz)}`);
      const compression = gz.clientCompressMs + gz.serverDecompressMs;
      assert.ok(
        gz.clientCompressMs > id.clientCompressMs,
        `${format}: client compress ${gz.clientCompressMs} ms with gzip vs ${id.clientCompressMs} without`,
      );
      // REST's identity decompress is exactly 0. gRPC's is the gap from the last byte to the decoded
      // message (grpc-js deframing, ~0.4 ms, plus any event-loop delay in the stub), so against
      // gzip's ~3 ms inflate one stalled tick could flip a per-stage comparison; there the two
      // compression stages are compared together (gzip's compress alone is ~10 ms here).
      if (format === 'json-columnar')
        assert.ok(
          gz.serverDecompressMs > id.serverDecompressMs,
          `${format}: server decompress ${gz.serverDecompressMs} ms with gzip vs ${id.serverDecompressMs} without`,
        );
      assert.ok(gz.serverDecompressMs > 0, `${format}: the server measured its decompress`);
      assert.ok(
        compression > id.clientCompressMs + id.serverDecompressMs,
        `${format}: compress + decompress ${compression} ms with gzip vs ${id.clientCompressMs + id.serverDecompressMs} without`,
      );
      assert.ok(
        gz.unattributedMs < compression,
        `${format}: unattributed ${gz.unattributedMs} ms, compression ${compression} ms`,
      );
      // What gzip adds to the request is compression, not unattributed time.
      assert.ok(
        gz.unattributedMs - id.unattributedMs < compression,
        `${format}: unattributed grew by more than the compression`,
      );
    }
  });

  it('--target / --rest-target measure a separately started stub', async () => {
    const stub = await spawnStub({ scenario: 'tiny' });
    try {
      const pass = await runE2e(
        config([
          '--target',
          stub.grpcAddress,
          '--rest-target',
          stub.restAddress,
          '--scenario',
          'tiny',
          '--formats',
          'tensor-broadcast,json-rows',
          '--batch-size',
          '2',
          '--compression',
          'gzip',
          '--rate',
          '40',
          '--requests',
          '20',
          '--warmup',
          '200ms',
          '--floor-calls',
          '20',
        ]),
      );
      assert.equal(pass.runs.length, 2);
      for (const r of pass.runs) {
        assertAccounting(r);
        assert.equal(r.requests.ok, 40, JSON.stringify(r.requests));
        assert.equal(r.endReason, 'requests');
        assert.equal(r.target, r.format === 'json-rows' ? stub.restAddress : stub.grpcAddress);
        assert.ok(r.warnings.some((w) => /server CPU unknown for --target/.test(w)));
        // Fan-out: 2 requests per search; a search ends with its slower batch.
        assert.equal(r.searches.completed, 20);
        assert.ok(p(r, 50) >= p(r, 50, 'request'));
        assert.ok(r.latency.search.maxMs >= r.latency.request.maxMs - 0.01);
      }
      assert.equal(pass.harnessFloor.length, 2);
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

  it('a shaped bandwidth sweep runs through the relay, writes e2e.json with the harness floor and prints JSON with --json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'payload-bench-e2e-'));
    try {
      const r = await runCli([
        '--scenario',
        'etsy-search',
        '--candidates',
        '60',
        '--formats',
        'tensor-content',
        '--batch-size',
        '60',
        '--compression',
        'identity',
        '--sweep',
        'bandwidth=10mbit,10gbit',
        '--rtt',
        '4ms',
        '--rate',
        '8',
        '--requests',
        '10',
        '--warmup',
        '300ms',
        '--core-hour-usd',
        '0.05',
        '--floor-calls',
        '50',
        '--json',
        '--out',
        out,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const printed = JSON.parse(r.stdout) as Results;
      const saved = JSON.parse(readFileSync(join(out, 'e2e.json'), 'utf8')) as Results;
      assert.deepEqual(validateResults(saved), []);
      assert.deepEqual(saved.e2e, printed.e2e);
      assert.equal(saved.state, 'complete');
      assert.deepEqual(saved.sizes, []);
      assert.equal(saved.scenarios[0]!.candidates, 60);
      assert.deepEqual(
        saved.harnessFloor!.map((f) => [f.transport, f.calls]),
        [['grpc', 50]],
      );
      const [slow, fast] = saved.e2e!;
      assert.equal(slow!.bandwidth, '10mbit');
      assert.equal(fast!.bandwidth, '10gbit');
      assert.equal(slow!.rttMs, 4);
      for (const x of saved.e2e!) {
        assertAccounting(x);
        assert.ok(x.cost.monthlyUsd !== undefined && x.cost.monthlyUsd > 0);
      }
      // ~113 kB per search: ~90 ms on a 10 Mbit/s link, ~0.1 ms on 10 Gbit/s.
      assert.ok(p(slow!, 50) - p(fast!, 50) >= 50, `10mbit p50 ${p(slow!, 50)} vs 10gbit p50 ${p(fast!, 50)}`);
      assert.ok(p(fast!, 50) >= 4, 'the added RTT is in every search');
      assert.match(r.stderr, /Harness floor: a no-op call/);
      assert.match(r.stderr, /Search latency, ms/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
