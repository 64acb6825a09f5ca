// The stub-batching chart and the two seed-claim findings, on hand-built results: a sweep of
// batching off / on at 5 and 25 candidates per request (what npm run e2e -- --sweep
// batching=off,<file> --batch-size 5,25 records), and results without such a sweep.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartBatching } from '../src/report/chart-batching.js';
import { batchingFindings } from '../src/report/findings-batching.js';
import type { E2eRun, Results } from '../src/results/index.js';
import { buildFixture } from './fixtures/results-fixture.js';

function sweep(): Results {
  const r = buildFixture();
  const template = r.e2e!.find((x) => x.breakdown !== null && x.compression === 'identity')!;
  const scenario = template.scenario;
  const run = (
    batchSize: number,
    batching: boolean,
    o: { calls: number; cpu: number; clientCpu: number; decode: number; compute: number },
  ): E2eRun => {
    const x = structuredClone(template);
    x.format = 'tensor-content';
    x.batchSize = batchSize;
    x.scenario = scenario;
    x.server = {
      workers: 2,
      batching: batching ? 'batching.txt' : null,
      modelCallsPerSearch: o.calls,
      droppedExpired: 0,
    };
    x.cost = { ...x.cost, serverCpuMsPerSearch: o.cpu, clientCpuMsPerSearch: o.clientCpu };
    x.breakdown = { ...x.breakdown!, serverDecompressMs: 0, serverDecodeMs: o.decode, serverComputeMs: o.compute };
    return x;
  };
  r.e2e = [
    run(5, false, { calls: 200, cpu: 100, clientCpu: 60, decode: 0.3, compute: 0.2 }),
    run(5, true, { calls: 20, cpu: 45, clientCpu: 60, decode: 0.3, compute: 2 }),
    run(25, false, { calls: 40, cpu: 60, clientCpu: 20, decode: 0.4, compute: 0.3 }),
    run(25, true, { calls: 30, cpu: 70, clientCpu: 20, decode: 0.4, compute: 0.5 }),
  ];
  return r;
}

describe('stub batching: chart and seed findings', () => {
  it('findings say which claim reproduces, with the numbers and the reason', () => {
    const r = sweep();
    const f = batchingFindings(r, r.e2e![0]!.scenario);
    assert.equal(f.length, 3, f.join('\n'));
    assert.match(
      f[0]!,
      /Zemanta.*\*\*reproduced\*\* for `tensor-content` at 5 candidates per request with `batching\.txt`: model calls per search 200 → 20\.0 \(10x fewer\), server CPU per search 100 ms → 45\.0 ms \(−55 %\)\.$/,
    );
    assert.match(
      f[1]!,
      /\*\*not reproduced\*\* for `tensor-content` at 25 candidates.*40\.0 → 30\.0 \(1\.3x fewer\).*because a model call served [\d.]+ requests on average: merging needs.*almost no fixed cost per call/,
    );
    assert.match(
      f[2]!,
      /Etsy.*\*\*reproduced\*\*.*server decode \+ compute per request 0\.500 ms → 0\.700 ms \(1\.4x\).*client CPU per search 60\.0 ms → 20\.0 ms/,
    );
  });

  it('the chart draws one line pair per set-up against batch size', () => {
    const c = chartBatching(sweep());
    assert.equal(c.state, 'drawn');
    if (c.state !== 'drawn') return;
    const labels = (c.config.data.datasets as { label: string }[]).map((d) => d.label);
    assert.deepEqual(labels, [
      'batching off, 2 workers',
      'batching off, 2 workers: server CPU/search',
      'batching on, 2 workers',
      'batching on, 2 workers: server CPU/search',
    ]);
  });

  it('without a batching sweep: no findings, the chart is skipped with the reason', () => {
    const r = buildFixture();
    assert.deepEqual(batchingFindings(r, r.e2e![0]!.scenario), []);
    const c = chartBatching(r);
    assert.equal(c.state, 'skipped');
    assert.match(c.state === 'skipped' ? c.reason : '', /--sweep batching=off/);
  });
});
