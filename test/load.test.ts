// Unit tests of the load generator's parts that need no stub server: request slicing, pacer,
// order statistics and latency samples, accounting (against independent counts), fan-out
// (batches in flight together, seen by a server), drivers, transports' status handling,
// response decoding, the shaping relay, cost, argument parsing and the console printer.
// Timing assertions are relations and lower bounds only: the machine is shared.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { pack } from 'msgpackr';
import { getFormat } from '../src/formats/index.js';
import {
  Accounting,
  cellSearches,
  checkAccounting,
  computeCost,
  costTable,
  createBatchSender,
  createGrpcTransport,
  createPacer,
  createRestTransport,
  decodeScores,
  formatBandwidth,
  latencyTable,
  LatencySamples,
  minSamplesFor,
  orderStatistic,
  parseBandwidth,
  percentileCiRanks,
  parseDurationMs,
  parseRttMs,
  Recorder,
  runClosedLoop,
  runOpenLoop,
  runSearch,
  sliceRequest,
  splitRequest,
  startRelay,
  uniqueBatchSizes,
  autoRate,
  type BatchResult,
  type E2eConfig,
  type SearchResult,
  type Transport,
  type TransportCounts,
} from '../src/load/index.js';
import { defaultE2eConfig } from '../src/args/e2e-args.js';
import { E2E_USAGE } from '../src/args/e2e-args.js';
import { parseE2eArgs } from '../src/args/e2e-args.js';
import { Prng } from '../src/scenario/index.js';
import type { E2eRun } from '../src/results/index.js';
import { diffBatches, toFeatureBatch, type Column, type RankingRequest, type Values } from '../src/tensors/index.js';
import { protoType } from '../src/wire/protos.js';
import { testRequest } from './helpers.js';

/** Inverse of splitRequest: item columns concatenated in order, context columns from the first part. */
function concatRequests(parts: RankingRequest[]): RankingRequest {
  const first = parts[0]!;
  const columns = new Map<string, Column>();
  for (const spec of first.schema.features) {
    const cols = parts.map((p) => p.columns.get(spec.name)!);
    if (spec.scope === 'context') {
      columns.set(spec.name, cols[0]!);
      continue;
    }
    const values = concatValues(cols.map((c) => c.values));
    if (cols[0]!.rowSplits) {
      const rows = parts.reduce((n, p) => n + p.candidates, 0);
      const splits = new Int32Array(rows + 1);
      let r = 0;
      let base = 0;
      for (const c of cols) {
        const s = c.rowSplits!;
        for (let i = 1; i < s.length; i++) splits[++r] = base + s[i]!;
        base += s[s.length - 1]!;
      }
      columns.set(spec.name, { values, rowSplits: splits });
    } else columns.set(spec.name, { values });
  }
  return { schema: first.schema, candidates: parts.reduce((n, p) => n + p.candidates, 0), columns };
}

function concatValues(vs: Values[]): Values {
  if (Array.isArray(vs[0])) return (vs as Uint8Array[][]).flat();
  const total = vs.reduce((n, v) => n + v.length, 0);
  const out = vs[0] instanceof Float32Array ? new Float32Array(total) : new BigInt64Array(total);
  let at = 0;
  for (const v of vs) {
    (out as Float32Array).set(v as Float32Array, at);
    at += v.length;
  }
  return out;
}

describe('slice-request', () => {
  for (const scenario of ['tiny', 'etsy-search', 'ctr-small']) {
    it(`${scenario}: split into batches and concatenated back equals the original`, () => {
      const req = testRequest(scenario);
      for (const size of [1, 3, 7, req.candidates - 1, req.candidates, req.candidates + 5]) {
        if (size < 1) continue;
        const parts = splitRequest(req, size);
        assert.equal(parts.length, Math.ceil(req.candidates / size));
        assert.ok(
          parts.every(
            (p, i) => p.candidates === (i < parts.length - 1 ? size : req.candidates - size * (parts.length - 1)),
          ),
        );
        const back = concatRequests(parts);
        assert.equal(
          diffBatches(req.schema, toFeatureBatch(req), toFeatureBatch(back)),
          undefined,
          `batch size ${size}`,
        );
      }
    });
  }

  it('a slice keeps context columns as they are and is a valid request every format encodes and decodes', () => {
    const req = testRequest('etsy-search');
    const part = sliceRequest(req, 10, 35);
    assert.equal(part.candidates, 25);
    for (const spec of req.schema.features)
      if (spec.scope === 'context') assert.equal(part.columns.get(spec.name), req.columns.get(spec.name));
    for (const id of [
      'tensor-content',
      'tf-example',
      'elwc',
      'json-rows',
      'tensor-broadcast',
      'tensor-packed',
    ] as const) {
      const f = getFormat(id);
      const decoded = f.decode(f.encode(part), part.schema);
      assert.equal(diffBatches(part.schema, decoded.batch, toFeatureBatch(part)), undefined, id);
    }
  });

  it('rejects empty or out-of-range slices', () => {
    const req = testRequest('tiny');
    assert.throws(() => sliceRequest(req, 2, 2), /0 <= start < end <= 4/);
    assert.throws(() => sliceRequest(req, 0, 5), /got \[0, 5\)/);
    assert.throws(() => splitRequest(req, 0), /batch size >= 1/);
  });
});

describe('pacer', () => {
  it('constant arrivals are evenly spaced', () => {
    const p = createPacer(200, 'constant');
    assert.deepEqual([p.next(), p.next(), p.next()], [0, 5, 10]);
  });
  it('Poisson arrivals average the rate and repeat with the seed', () => {
    const a = createPacer(100, 'poisson', 7);
    const b = createPacer(100, 'poisson', 7);
    let last = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      last = a.next();
      assert.equal(last, b.next());
    }
    const meanGap = last / n;
    assert.ok(Math.abs(meanGap - 10) < 0.3, `mean gap ${meanGap} ms, expected ~10`);
    assert.notEqual(createPacer(100, 'poisson', 8).next(), createPacer(100, 'poisson', 7).next());
  });
  it('rejects a rate that is not positive', () => {
    assert.throws(() => createPacer(0, 'constant'), /rate > 0/);
  });
});

describe('order statistics', () => {
  it('confidence ranks match the textbook ones (median of 100: 40th to 61st; of 30: 10th to 21st)', () => {
    assert.deepEqual(percentileCiRanks(100, 50), { low: 40, high: 61 });
    assert.deepEqual(percentileCiRanks(30, 50), { low: 10, high: 21 });
    assert.deepEqual(percentileCiRanks(6, 50), { low: 1, high: 6 });
    // p99 of exactly 100 samples: the sample cannot bound it from above.
    assert.equal(percentileCiRanks(100, 99).high, 101);
    assert.ok(percentileCiRanks(1000, 99).high <= 1000);
  });

  it('a 95 % interval covers the true percentile in at least 95 % of samples (uniform data, 2,000 trials)', () => {
    const rng = new Prng(11, 'coverage');
    for (const [n, p] of [
      [40, 50],
      [200, 90],
      [300, 99],
    ] as const) {
      let covered = 0;
      const trials = 2000;
      for (let t = 0; t < trials; t++) {
        const xs = Float64Array.from({ length: n }, () => rng.next()).sort();
        const o = orderStatistic(xs, p)!;
        const truth = p / 100; // the p-th percentile of U(0, 1)
        if ((o.low ?? -Infinity) <= truth && truth <= (o.high ?? Infinity)) covered++;
      }
      assert.ok(covered / trials >= 0.94, `n=${n} p${p}: covered ${covered} of ${trials}`);
    }
  });

  it('a percentile needs 1 / (1 - p) samples', () => {
    assert.equal(minSamplesFor(50), 2);
    assert.equal(minSamplesFor(99), 100);
    assert.equal(minSamplesFor(99.9), 1000);
    const xs = Float64Array.from({ length: 99 }, (_, i) => i + 1);
    assert.equal(orderStatistic(xs, 99), undefined);
    assert.equal(
      orderStatistic(
        Float64Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      )!.value,
      99,
    );
  });
});

describe('latency samples', () => {
  it('percentiles are exact order statistics, hidden below their sample thresholds and present above', () => {
    const at = (n: number): LatencySamples => {
      const s = new LatencySamples();
      for (let i = n; i >= 1; i--) s.record(i);
      return s;
    };
    const ps = (n: number): number[] =>
      at(n)
        .summary(1e9)
        .percentiles.map((p) => p.p);
    assert.ok(!ps(99).includes(99) && ps(100).includes(99), 'p99 from 100 samples');
    assert.ok(!ps(999).includes(99.9) && ps(1000).includes(99.9), 'p99.9 from 1,000 samples');
    assert.ok(!ps(9).includes(90) && ps(10).includes(90), 'p90 from 10 samples');
    const s = at(1000).summary(900);
    assert.equal(s.count, 1000);
    assert.equal(s.percentiles.find((p) => p.p === 50)!.ms, 500);
    assert.equal(s.percentiles.find((p) => p.p === 99)!.ms, 990);
    assert.equal(s.maxMs, 1000);
    assert.equal(s.minMs, 1);
    assert.equal(s.meanMs, 500.5);
    assert.equal(s.overBudget, 100);
    for (const p of s.percentiles) assert.ok(p.lowMs! <= p.ms && p.ms <= (p.highMs ?? Infinity), `p${p.p}`);
    assert.deepEqual(new LatencySamples().summary(1).percentiles, []);
  });

  it('a search cut at the hard cap counts at the cap, over budget, and is not a survivor', () => {
    const s = new LatencySamples();
    for (let i = 0; i < 8; i++) s.record(10);
    s.recordCapped(2500);
    s.recordCapped(2500);
    const sum = s.summary(250);
    assert.equal(sum.count, 10);
    assert.equal(sum.capped, 2);
    assert.equal(sum.overBudget, 2);
    assert.equal(sum.maxMs, 2500);
    assert.equal(sum.percentiles.find((p) => p.p === 90)!.ms, 2500, 'the tail is the capped searches');
    assert.equal(sum.answered, 8);
    assert.equal(sum.answeredMedianMs, 10);
  });
});

const STAGES = {
  clientCompressMs: 0,
  serverReceiveMs: 1,
  serverDecompressMs: 0,
  serverQueueMs: 0.5,
  serverDecodeMs: 1,
  serverComputeMs: 1,
  serverInjectedMs: 0,
  clientDecodeMs: 0.1,
};
const ok = (endAt: number, startAt = 0): BatchResult => ({
  kind: 'ok',
  startAt,
  sentAt: startAt,
  endAt,
  encodeMs: 0.1,
  stages: STAGES,
});
const failed = (kind: 'error' | 'capped', code?: string): BatchResult => ({
  kind,
  ...(code ? { code } : {}),
  startAt: 0,
  sentAt: 0,
  endAt: 5,
  encodeMs: 0,
});

/** A transport stub: answers OK after `ms`, counting its calls; `extraCalls` puts each call on the wire that many more times. */
function fakeTransport(ms = 0, extraCalls = 0): Transport & { served: number } {
  const c: TransportCounts = { calls: 0, ok: 0, errors: 0, capped: 0 };
  const t = {
    served: 0,
    call: async (bytes: Uint8Array) => {
      c.calls += 1 + extraCalls;
      t.served += 1 + extraCalls;
      await new Promise((r) => setTimeout(r, ms));
      c.ok += 1 + extraCalls;
      const body = new TextEncoder().encode(
        `{"outputs":[${Array.from({ length: bytes[0]! }, () => '0.5').join(',')}]}`,
      );
      return { kind: 'ok' as const, body, timing: {}, endAt: performance.now() };
    },
    ready: async () => {},
    counts: () => ({ ...c }),
    close: () => {},
  };
  return t;
}

describe('accounting', () => {
  const transport = (calls: number, okCount: number, errors: number, capped: number): TransportCounts => ({
    calls,
    ok: okCount,
    errors,
    capped,
  });

  it('a recorder agrees with the driver and the transport for any mix of outcomes', () => {
    const acc = new Accounting(250);
    let t = transport(0, 0, 0, 0);
    for (let i = 0; i < 200; i++) {
      if (i % 7 === 0) {
        acc.dropSearch(3);
        continue;
      }
      const batches = [0, 1, 2].map((j) =>
        (i * 3 + j * j) % 5 === 0
          ? (i + j) % 2
            ? failed('capped')
            : failed('error', j ? 'UNAVAILABLE' : 'INVALID_ARGUMENT')
          : ok(5),
      );
      t = transport(
        t.calls + 3,
        t.ok + batches.filter((b) => b.kind === 'ok').length,
        t.errors + batches.filter((b) => b.kind === 'error').length,
        t.capped + batches.filter((b) => b.kind === 'capped').length,
      );
      acc.addSearch({ intendedAt: 0, startAt: 0, endAt: 5, ok: batches.every((b) => b.kind === 'ok'), batches });
    }
    assert.equal(
      checkAccounting(acc.requests, acc.searches, { scheduledSearches: 200, scheduledRequests: 600, transport: t }),
      undefined,
    );
    assert.ok(acc.requests.capped > 0 && Object.keys(acc.requests.errors).length === 2 && acc.requests.dropped > 0);
    assert.equal(acc.searches.withinBudget, acc.searches.completed, 'every completed search took 5 ms, within 250');
    // The same counts against independent ones that disagree: each disagreement is named.
    const check = (over: Partial<Parameters<typeof checkAccounting>[2]>) =>
      checkAccounting(acc.requests, acc.searches, {
        scheduledSearches: 200,
        scheduledRequests: 600,
        transport: t,
        ...over,
      });
    assert.match(check({ scheduledSearches: 201 })!, /the driver scheduled 201/);
    assert.match(check({ scheduledRequests: 603 })!, /were 603 requests/);
    assert.match(check({ transport: { ...t, calls: t.calls + 1 } })!, /the transport put \d+ calls on the wire/);
    assert.match(check({ transport: { ...t, capped: t.capped - 1 } })!, /capped, but the transport cut/);
  });

  it('searches over budget are completed, not within budget', () => {
    const acc = new Accounting(250);
    acc.addSearch({ intendedAt: 0, startAt: 0, endAt: 300, ok: true, batches: [ok(300)] });
    acc.addSearch({ intendedAt: 0, startAt: 0, endAt: 100, ok: true, batches: [ok(100)] });
    assert.deepEqual(acc.searches, { intended: 2, completed: 2, withinBudget: 1, capped: 0, failed: 0, dropped: 0 });
  });

  it('the run-time check fires on a sender that puts a batch on the wire twice, and not on a correct one', async () => {
    // The real fan-out, recorder and driver; only the transport is a stub that counts its calls.
    const format = getFormat('json-columnar');
    const req = testRequest('tiny');
    const run = async (extraCalls: number) => {
      const t = fakeTransport(1, extraCalls);
      // tiny has 4 candidates: the stub transport answers with bytes[0] scores, so give it 4.
      const sender = createBatchSender({ ...format, encode: () => new Uint8Array([req.candidates]) }, [req], {}, t);
      const rec = new Recorder(250, 2500);
      const before = t.counts();
      const r = await runClosedLoop(
        2,
        (at, cap) => runSearch(1, sender, at, cap),
        { finished: (s) => rec.finished(s) },
        { durationMs: null, maxSearches: 10, hardCapMs: 2500 },
      );
      const after = t.counts();
      return checkAccounting(rec.accounting.requests, rec.accounting.searches, {
        scheduledSearches: r.scheduled,
        scheduledRequests: r.scheduled,
        transport: {
          calls: after.calls - before.calls,
          ok: after.ok - before.ok,
          errors: after.errors - before.errors,
          capped: after.capped - before.capped,
        },
      });
    };
    assert.equal(await run(0), undefined);
    assert.match((await run(1))!, /20 calls on the wire/);
  });

  it('a driver that loses a search is caught', async () => {
    const rec = new Recorder(250, 2500);
    let n = 0;
    const r = await runClosedLoop(
      1,
      fakeSearch(1),
      { finished: (s) => (n++ === 3 ? undefined : rec.finished(s)) },
      { durationMs: null, maxSearches: 6, hardCapMs: 1000 },
    );
    const sent = rec.accounting.requests.sent;
    assert.match(
      checkAccounting(rec.accounting.requests, rec.accounting.searches, {
        scheduledSearches: r.scheduled,
        scheduledRequests: r.scheduled,
        transport: { calls: r.scheduled, ok: r.scheduled, errors: 0, capped: 0 },
      })!,
      /5 accounted for, but the driver scheduled 6/,
    );
    assert.equal(sent, 5);
  });
});

/**
 * A gRPC server that holds every call until `together` calls have arrived (or 10 s have passed),
 * then answers them all: sent one after another, calls never reach `together` in flight.
 */
async function overlapServer(
  together: number,
): Promise<{ address: string; maxInFlight: () => number; calls: () => number; close: () => void }> {
  const server = new grpc.Server();
  const passthrough = (b: Buffer): Buffer => b;
  let inFlight = 0;
  let max = 0;
  let calls = 0;
  const held: (() => void)[] = [];
  const scores = protoType('tensorflow.serving.PredictResponse');
  server.addService(
    {
      Predict: {
        path: '/tensorflow.serving.PredictionService/Predict',
        requestStream: false,
        responseStream: false,
        requestSerialize: passthrough,
        requestDeserialize: passthrough,
        responseSerialize: passthrough,
        responseDeserialize: passthrough,
      },
    } as grpc.ServiceDefinition,
    {
      Predict: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        calls++;
        max = Math.max(max, ++inFlight);
        const answer = (): void => {
          clearTimeout(fallback);
          inFlight--;
          const body = scores
            .encode(
              scores.fromObject({
                outputs: { scores: { dtype: 1, tensor_shape: { dim: [{ size: 2 }] }, float_val: [0.5, 0.25] } },
              }),
            )
            .finish();
          cb(null, Buffer.from(body));
        };
        // Answered through `held` below clears this; otherwise it is still in `held`.
        const fallback = setTimeout(() => {
          held.splice(held.indexOf(answer), 1);
          answer();
        }, 10_000);
        held.push(answer);
        if (held.length >= together) for (const a of held.splice(0)) a();
      },
    },
  );
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  return {
    address: `127.0.0.1:${port}`,
    maxInFlight: () => max,
    calls: () => calls,
    close: () => server.forceShutdown(),
  };
}

describe('fan-out', () => {
  it('a search completes only when its last batch returns; its latency is at least every batch latency', async () => {
    const delays = [30, 5, 15, 1];
    const t0 = performance.now();
    const s = await runSearch(
      delays.length,
      (i) => new Promise((resolve) => setTimeout(() => resolve(ok(performance.now(), t0)), delays[i])),
      t0,
      t0 + 1000,
    );
    assert.ok(s.ok);
    assert.equal(s.batches.length, 4);
    const maxEnd = Math.max(...s.batches.map((b) => b.endAt));
    assert.equal(s.endAt, maxEnd);
    for (const b of s.batches) assert.ok(s.endAt - s.intendedAt >= b.endAt - s.intendedAt);
    assert.ok(s.endAt - t0 >= 29, `search took ${s.endAt - t0} ms, its slowest batch 30 ms`);
  });

  it('the batches of one search are in flight together: the server sees them all at once', async () => {
    // The server answers once 4 calls are in flight; sent one after another, it would never see more than one.
    const server = await overlapServer(4);
    const format = getFormat('tensor-content');
    const req = testRequest('tiny');
    const batches = splitRequest(req, 2); // 2 batches of 2 candidates
    const more = [...batches, ...splitRequest(req, 2)]; // 4 batches in one search
    const transport = createGrpcTransport(format, {
      address: server.address,
      compression: 'identity',
      connections: 1,
      modelName: 'ranker',
    });
    try {
      await transport.ready(5000);
      const send = createBatchSender(format, more, {}, transport);
      const t0 = performance.now();
      const s = await runSearch(more.length, send, t0, t0 + 10_000);
      assert.ok(s.ok, JSON.stringify(s.batches.map((b) => b.code ?? b.kind)));
      assert.equal(server.calls(), 4);
      assert.equal(server.maxInFlight(), 4, 'every batch of the search was at the server at the same time');
      assert.equal(transport.counts().calls, 4);
    } finally {
      transport.close();
      server.close();
    }
  });

  it('a failed batch fails the search and keeps it out of the latency; a capped one counts at the cap', async () => {
    const rec = new Recorder(250, 2500);
    const s = await runSearch(
      2,
      async (i) => (i === 0 ? ok(performance.now()) : failed('error', 'UNAVAILABLE')),
      0,
      100,
    );
    assert.equal(s.ok, false);
    rec.finished(s);
    assert.equal(rec.search.count, 0, 'a failed search is not a latency sample');
    assert.equal(rec.request.count, 1);
    const c = await runSearch(2, async (i) => (i === 0 ? ok(performance.now()) : failed('capped')), 0, 100);
    rec.finished(c);
    assert.equal(rec.search.count, 1);
    assert.equal(rec.search.capped, 1);
    assert.equal(rec.search.summary(250).maxMs, 2500);
    assert.deepEqual(rec.accounting.searches, {
      intended: 2,
      completed: 0,
      withinBudget: 0,
      capped: 1,
      failed: 1,
      dropped: 0,
    });
    assert.equal(rec.accounting.requests.capped, 1);
  });

  it('latency that keeps growing through the run shows in the trend; a steady one does not', () => {
    const steady = new Recorder(250, 2500);
    const growing = new Recorder(250, 2500);
    for (let i = 0; i < 40; i++) {
      steady.finished({
        intendedAt: i * 10,
        startAt: i * 10,
        endAt: i * 10 + 12 + (i % 3),
        ok: true,
        batches: [ok(i * 10 + 12, i * 10)],
      });
      growing.finished({
        intendedAt: i * 10,
        startAt: i * 10,
        endAt: i * 10 + 12 + i * 8,
        ok: true,
        batches: [ok(i * 10 + 12 + i * 8, i * 10)],
      });
    }
    const s = steady.trend()!;
    const g = growing.trend()!;
    assert.ok(s.lastMs < 2 * s.firstMs, JSON.stringify(s));
    assert.ok(g.lastMs > 2 * g.firstMs && g.lastMs - g.firstMs > 50, JSON.stringify(g));
    assert.equal(new Recorder(250, 2500).trend(), null);
  });

  it('the breakdown is the median request, and its stages plus unattributed add up to its latency', () => {
    const rec = new Recorder(250, 2500);
    for (let i = 1; i <= 99; i++) {
      rec.finished({
        intendedAt: 0,
        startAt: 0,
        endAt: i,
        ok: true,
        batches: [
          {
            kind: 'ok',
            startAt: 0,
            sentAt: 0.5,
            endAt: i,
            encodeMs: 0.5,
            stages: { ...STAGES, serverDecodeMs: i / 2 },
          },
        ],
      });
    }
    const b = rec.breakdown()!;
    assert.ok(b.requests >= 1 && b.requests <= 12, `${b.requests} requests around the median`);
    assert.ok(Math.abs(b.latencyMs - 50) <= 1, `median-band latency ${b.latencyMs}`);
    const stages =
      b.clientEncodeMs +
      b.clientCompressMs +
      b.serverReceiveMs +
      b.serverDecompressMs +
      b.serverQueueMs +
      b.serverDecodeMs +
      b.serverComputeMs +
      b.serverInjectedMs +
      b.clientDecodeMs;
    assert.ok(Math.abs(stages + b.unattributedMs - b.latencyMs) < 0.01);
    assert.ok(
      Math.abs(b.serverDecodeMs - b.latencyMs / 2) < 0.01,
      'the stages of those requests, not per-stage medians',
    );
    assert.equal(new Recorder(250, 2500).breakdown(), null);
  });
});

const fakeSearch =
  (ms: number) =>
  (intendedAt: number): Promise<SearchResult> =>
    new Promise((resolve) => {
      const startAt = performance.now();
      setTimeout(() => {
        const endAt = performance.now();
        resolve({ intendedAt, startAt, endAt, ok: true, batches: [ok(endAt, startAt)] });
      }, ms);
    });

describe('drivers', () => {
  it('open loop: sends on schedule whatever the latency, and accounts for every search', async () => {
    const rec = new Recorder(250, 1000);
    const r = await runOpenLoop(
      { rate: 100, arrival: 'constant', seed: 1 },
      fakeSearch(40),
      { started: (l) => rec.started(l), dropped: () => rec.dropped(1), finished: (s) => rec.finished(s) },
      { durationMs: 500, maxSearches: null, hardCapMs: 1000 },
    );
    assert.equal(r.endReason, 'duration');
    assert.ok(r.windowMs >= 500, 'the window runs to the last answer');
    // 40 ms per search at 10 ms spacing: about 4 in flight, which a closed loop of 1 could not do.
    assert.equal(r.scheduled, 50);
    assert.equal(rec.accounting.searches.intended, 50);
    assert.equal(
      checkAccounting(rec.accounting.requests, rec.accounting.searches, {
        scheduledSearches: 50,
        scheduledRequests: 50,
        transport: { calls: rec.accounting.requests.sent, ok: rec.accounting.requests.ok, errors: 0, capped: 0 },
      }),
      undefined,
    );
    assert.equal(rec.accounting.searches.completed + rec.accounting.searches.dropped, 50);
  });
  it('open loop: a search due when the loop is already late by the hard cap is dropped and counted', async () => {
    const rec = new Recorder(10, 20);
    let first = true;
    const blocking = (intendedAt: number): Promise<SearchResult> => {
      if (first) {
        first = false;
        const until = performance.now() + 80;
        while (performance.now() < until); // the client is busy (a long synchronous encode)
      }
      return fakeSearch(1)(intendedAt);
    };
    const r = await runOpenLoop(
      { rate: 200, arrival: 'constant', seed: 1 },
      blocking,
      { started: (l) => rec.started(l), dropped: (l) => rec.dropped(1, l), finished: (s) => rec.finished(s) },
      // Long enough that schedule is left after the block for the loop to catch up on (late starts).
      { durationMs: 1000, maxSearches: null, hardCapMs: 20 },
    );
    assert.ok(rec.accounting.searches.dropped >= 5, `dropped ${rec.accounting.searches.dropped}`);
    assert.ok(rec.lateStarts >= 1);
    assert.equal(r.scheduled, 200);
    assert.equal(rec.accounting.searches.intended, 200);
    assert.equal(rec.accounting.requests.dropped, rec.accounting.searches.dropped);
    // Late by the hard cap, a dropped search's latency is at least the cap: it is a sample there, not left out.
    assert.ok(rec.search.capped >= rec.accounting.searches.dropped);
    assert.equal(rec.search.count, rec.accounting.searches.intended - rec.accounting.searches.failed);
  });
  it('open loop stops after --requests searches; the window is their scheduled span', async () => {
    let n = 0;
    const r = await runOpenLoop(
      { rate: 500, arrival: 'constant', seed: 1 },
      fakeSearch(1),
      { finished: () => n++ },
      { durationMs: null, maxSearches: 25, hardCapMs: 1000 },
    );
    assert.equal(r.endReason, 'requests');
    assert.equal(n, 25);
    assert.equal(r.scheduled, 25);
    assert.ok(r.windowMs >= 50, `window ${r.windowMs} ms: at least the 50 ms schedule`);
  });
  it('closed loop: N in flight, stops at the search count', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let n = 0;
    const search = async (t: number): Promise<SearchResult> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const s = await fakeSearch(5)(t);
      inFlight--;
      return s;
    };
    const r = await runClosedLoop(
      3,
      search,
      { finished: () => n++ },
      { durationMs: 10_000, maxSearches: 12, hardCapMs: 1000 },
    );
    assert.equal(r.endReason, 'requests');
    assert.equal(n, 12);
    assert.equal(maxInFlight, 3);
  });
  it('an abort stops a driver as interrupted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await runOpenLoop(
      { rate: 100, arrival: 'poisson', seed: 1 },
      fakeSearch(1),
      { finished: () => {} },
      { durationMs: 10_000, maxSearches: null, hardCapMs: 100, signal: ac.signal },
    );
    assert.equal(r.endReason, 'interrupted');
    assert.ok(r.scheduled < 1000, `${r.scheduled} searches scheduled: fewer than the full 10 s would have`);
  });
});

describe('transports: status handling', () => {
  it('gRPC: DEADLINE_EXCEEDED from the server is an error; the hard cap is the client cutting the call', async () => {
    const server = new grpc.Server();
    const passthrough = (b: Buffer): Buffer => b;
    const def = (name: string): grpc.MethodDefinition<Buffer, Buffer> => ({
      path: `/tensorflow.serving.PredictionService/${name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: passthrough,
      requestDeserialize: passthrough,
      responseSerialize: passthrough,
      responseDeserialize: passthrough,
    });
    let mode: 'deadline' | 'hang' | 'unavailable' = 'deadline';
    server.addService({ Predict: def('Predict') } as grpc.ServiceDefinition, {
      Predict: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        if (mode === 'deadline')
          cb({ code: grpc.status.DEADLINE_EXCEEDED, details: 'request queued past its deadline' });
        else if (mode === 'unavailable') cb({ code: grpc.status.UNAVAILABLE, details: 'overloaded' });
        else setTimeout(() => cb(null, Buffer.alloc(0)), 400);
      },
    });
    const port = await new Promise<number>((res, rej) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
    );
    const t = createGrpcTransport(getFormat('tensor-content'), {
      address: `127.0.0.1:${port}`,
      compression: 'identity',
      connections: 1,
      modelName: 'ranker',
    });
    try {
      await t.ready(5000);
      const a = await t.call(new Uint8Array(3), performance.now() + 1000);
      assert.equal(a.kind, 'error');
      assert.equal(a.kind === 'error' && a.code, 'DEADLINE_EXCEEDED');
      mode = 'unavailable';
      const b = await t.call(new Uint8Array(3), performance.now() + 1000);
      assert.equal(b.kind === 'error' && b.code, 'UNAVAILABLE');
      mode = 'hang';
      const t0 = performance.now();
      const c = await t.call(new Uint8Array(3), t0 + 60);
      assert.equal(c.kind, 'capped');
      assert.ok(c.endAt - t0 >= 55, `cut after ${c.endAt - t0} ms`);
      assert.deepEqual(t.counts(), { calls: 3, ok: 0, errors: 2, capped: 1 }, 'the transport counts its own calls');
    } finally {
      t.close();
      server.forceShutdown();
    }
  });

  it('REST: HTTP errors by status, a slow answer is cut at the hard cap, gzip bodies carry Content-Encoding and their compression is timed', async () => {
    let mode: 'ok' | 'fail' | 'hang' = 'ok';
    let seenEncoding: string | undefined;
    const server = http.createServer((req, res) => {
      seenEncoding = req.headers['content-encoding'];
      req.resume();
      req.on('end', () => {
        if (mode === 'fail') {
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"overloaded"}');
        } else if (mode === 'hang') {
          setTimeout(() => res.writeHead(200).end('{"outputs":[1]}'), 400);
        } else {
          res
            .writeHead(200, {
              'content-type': 'application/json',
              'x-server-decode-ms': '1.250',
              'x-server-compute-ms': '0.500',
            })
            .end('{"outputs":[0.5,0.25]}');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const t = createRestTransport(getFormat('json-columnar'), {
      address: `127.0.0.1:${port}`,
      compression: 'gzip',
      connections: null,
      modelName: 'ranker',
    });
    try {
      const a = await t.call(new TextEncoder().encode('{"inputs":{}}'), performance.now() + 2000);
      assert.equal(a.kind, 'ok');
      assert.equal(seenEncoding, 'gzip');
      assert.deepEqual(a.kind === 'ok' && a.timing, { decode: 1.25, compute: 0.5 });
      assert.ok(a.kind === 'ok' && a.compressMs !== undefined && a.compressMs >= 0, 'gzip timed by the client');
      assert.deepEqual(a.kind === 'ok' && [...decodeScores(getFormat('json-columnar'), a.body)], [0.5, 0.25]);
      mode = 'fail';
      const b = await t.call(new Uint8Array(2), performance.now() + 2000);
      assert.equal(b.kind === 'error' && b.code, 'HTTP 503');
      mode = 'hang';
      const t0 = performance.now();
      const c = await t.call(new Uint8Array(2), t0 + 60);
      assert.equal(c.kind, 'capped');
      assert.ok(c.endAt - t0 >= 55);
      assert.deepEqual(t.counts(), { calls: 3, ok: 1, errors: 1, capped: 1 });
    } finally {
      t.close();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('decode-response', () => {
  it('reads scores from PredictResponse, RegressionResponse, MultiInference, ClassificationResponse, JSON rows and msgpack', () => {
    const Predict = protoType('tensorflow.serving.PredictResponse');
    const scores = new Float32Array([0.5, -1, 2.25]);
    const predict = Predict.encode(
      Predict.fromObject({
        outputs: { scores: { dtype: 1, tensor_shape: { dim: [{ size: 3 }] }, float_val: [...scores] } },
      }),
    ).finish();
    assert.deepEqual([...decodeScores(getFormat('tensor-content'), predict)], [...scores]);
    assert.throws(
      () =>
        decodeScores(
          getFormat('tensor-content'),
          Predict.encode(Predict.fromObject({ outputs: { other: { dtype: 1, float_val: [1] } } })).finish(),
        ),
      /no "scores" output \(outputs: other\)/,
    );
    const Regress = protoType('tensorflow.serving.RegressionResponse');
    const reg = Regress.encode(
      Regress.fromObject({ result: { regressions: [{ value: 0.5 }, { value: 0.25 }] } }),
    ).finish();
    assert.deepEqual(decodeScores(getFormat('elwc'), reg), [0.5, 0.25]);
    const Multi = protoType('tensorflow.serving.MultiInferenceResponse');
    const multi = Multi.encode(
      Multi.fromObject({ results: [{ regression_result: { regressions: [{ value: 1.5 }] } }] }),
    ).finish();
    assert.deepEqual(decodeScores({ ...getFormat('elwc'), rpc: 'MultiInference' }, multi), [1.5]);
    const Classify = protoType('tensorflow.serving.ClassificationResponse');
    const cls = Classify.encode(
      Classify.fromObject({
        result: {
          classifications: [
            {
              classes: [
                { label: '0', score: 0.1 },
                { label: '1', score: 0.9 },
              ],
            },
          ],
        },
      }),
    ).finish();
    assert.deepEqual(
      decodeScores({ ...getFormat('elwc'), rpc: 'Classify' }, cls).map((x) => Number(x.toFixed(5))),
      [0.9],
    );
    const rows = new TextEncoder().encode('{"predictions":[0.5,[0.25]]}');
    assert.deepEqual(decodeScores(getFormat('json-rows'), rows), [0.5, 0.25]);
    const mp = pack({ outputs: { scores: { dtype: 'float32', shape: [3], data: Buffer.from(scores.buffer) } } });
    assert.deepEqual([...decodeScores(getFormat('msgpack-columnar'), mp)], [...scores]);
    assert.throws(
      () => decodeScores(getFormat('json-rows'), new TextEncoder().encode('{"error":"x"}')),
      /no "predictions" or "outputs"/,
    );
  });
});

describe('shaping relay', () => {
  it('adds the round-trip time and limits bandwidth, per direction', async () => {
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const target = `127.0.0.1:${(echo.address() as AddressInfo).port}`;
    const roundTrip = async (port: number, bytes: number): Promise<number> => {
      const sock = net.connect({ port, host: '127.0.0.1' });
      await new Promise((r) => sock.once('connect', r));
      sock.setNoDelay(true);
      const t0 = performance.now();
      let got = 0;
      const done = new Promise<void>((r) =>
        sock.on('data', (c: Buffer) => ((got += c.length) >= bytes ? r() : undefined)),
      );
      sock.write(Buffer.alloc(bytes, 7));
      await done;
      const ms = performance.now() - t0;
      sock.destroy();
      return ms;
    };
    const rttRelay = await startRelay({ target, bandwidthBps: null, rttMs: 40 });
    const bwRelay = await startRelay({ target, bandwidthBps: 8e6, rttMs: 0 });
    try {
      const rtt = Math.min(await roundTrip(rttRelay.port, 10), await roundTrip(rttRelay.port, 10));
      // Never early: at least the RTT asked for.
      assert.ok(rtt >= 40, `round trip ${rtt} ms through a 40 ms RTT relay`);
      // 200 kB at 8 Mbit/s: 200 ms up, and the echo shares the other direction's link in parallel.
      const ms = await roundTrip(bwRelay.port, 200_000);
      assert.ok(ms >= 180, `200 kB echoed through 8 Mbit/s in ${ms} ms`);
      assert.ok(bwRelay.bytes().up >= 200_000 && bwRelay.bytes().down >= 200_000);
    } finally {
      await rttRelay.close();
      await bwRelay.close();
      echo.close();
    }
  });
});

describe('cost', () => {
  it('cores per 1,000 searches/s is CPU-ms per search; monthly cost at a core-hour price', () => {
    const c = computeCost({ clientCpuMs: 300, serverCpuMs: 700, searches: 100, coreHourUsd: 0.05 });
    assert.deepEqual(c, {
      clientCpuMsPerSearch: 3,
      serverCpuMsPerSearch: 7,
      coresPer1kSearchesPerSec: 10,
      monthlyUsd: 365.25,
    });
    assert.deepEqual(computeCost({ clientCpuMs: 10, serverCpuMs: null, searches: 0, coreHourUsd: null }), {
      clientCpuMsPerSearch: 0,
      serverCpuMsPerSearch: 0,
      coresPer1kSearchesPerSec: 0,
    });
  });
  it('auto rate is half the one-at-a-time rate, bounded', () => {
    assert.equal(autoRate(10), 50);
    assert.equal(autoRate(1e9), 0.2);
    assert.deepEqual(uniqueBatchSizes([25, 1000, 5000], 1000), [25, 1000]);
  });
  it('a cell gets its target searches, fewer when one at a time they would not fit the cap, never below the minimum', () => {
    const c = {
      searches: 200,
      minSearches: 30,
      durationMs: 6000,
      load: { mode: 'open' as const, rate: 'auto' as const, arrival: 'constant' as const },
    };
    assert.equal(cellSearches(c, 8), 200);
    assert.equal(cellSearches(c, 60), 200, 'two in flight: 6 s x 2 / 60 ms');
    assert.equal(cellSearches(c, 120), 100);
    assert.equal(cellSearches(c, 600), 30);
    assert.equal(cellSearches({ ...c, load: { mode: 'closed', concurrency: 4 } }, 120), 200);
    assert.equal(cellSearches({ ...c, searches: 20 }, 600), 20);
  });
});

describe('units', () => {
  it('parses durations, bandwidths and RTTs', () => {
    assert.equal(parseDurationMs('10s'), 10_000);
    assert.equal(parseDurationMs('500ms'), 500);
    assert.equal(parseDurationMs('2m'), 120_000);
    assert.equal(parseDurationMs('1.5'), 1500);
    assert.equal(parseBandwidth('100mbit'), 1e8);
    assert.equal(parseBandwidth('1gbit'), 1e9);
    assert.equal(parseBandwidth('1.5GBIT'), 1.5e9);
    assert.equal(formatBandwidth(1e8), '100mbit');
    assert.equal(formatBandwidth(2.5e9), '2.5gbit');
    assert.equal(parseRttMs('2ms'), 2);
    assert.equal(parseRttMs('0'), 0);
    assert.throws(() => parseDurationMs('ten'), /expected a duration such as 10s/);
    assert.throws(() => parseBandwidth('100mbps'), /kbit, mbit or gbit/);
    assert.throws(() => parseRttMs('2'), /with a unit/);
  });
});

describe('parse-args', () => {
  const run = (argv: string[]): E2eConfig => {
    const p = parseE2eArgs(argv);
    assert.equal(p.kind, 'run', p.kind === 'error' ? p.message : '');
    return (p as { config: E2eConfig }).config;
  };
  const error = (argv: string[]): string => {
    const p = parseE2eArgs(argv);
    assert.equal(p.kind, 'error', `expected an error for ${argv.join(' ')}`);
    assert.equal((p as { exitCode: number }).exitCode, 2);
    return (p as { message: string }).message;
  };

  it('defaults: open loop at the automatic rate, main formats, batch 25 and 1000, identity and gzip', () => {
    const c = run([]);
    assert.deepEqual(c.load, { mode: 'open', rate: 'auto', arrival: 'constant' });
    assert.deepEqual(c.formats, [
      'json-rows',
      'tf-example',
      'elwc',
      'tensor-content',
      'tensor-broadcast',
      'tensor-packed',
    ]);
    assert.deepEqual(c.batchSizes, [25, 1000]);
    assert.deepEqual(c.compressions, ['identity', 'gzip']);
    assert.equal(c.deadlineMs, 250);
    assert.equal(c.hardCapMs, 2500, 'ten budgets');
    assert.equal(c.searches, 200);
    assert.equal(c.durationMs, 10_000, 'the time cap of a cell');
    assert.equal(c.minSearches, 30);
    assert.equal(c.floorCalls, 500);
    assert.deepEqual(c.bandwidths, [null]);
    assert.equal(c.target, null);
    assert.equal(parseE2eArgs(['--help']).kind, 'help');
    assert.deepEqual(defaultE2eConfig({ out: 'x' }), { ...c, out: 'x' });
    assert.match(E2E_USAGE, /--sweep bandwidth=/);
  });

  it('every option', () => {
    const c = run([
      '--scenario',
      'tiny',
      '--candidates',
      '8',
      '--seed',
      '3',
      '--formats',
      'tensor-content,json-columnar',
      '--compression',
      'identity,gzip,deflate',
      '--batch-size',
      '5,25,100,1000',
      '--rate',
      '50',
      '--arrival',
      'poisson',
      '--duration',
      '10s',
      '--requests',
      '500',
      '--warmup',
      '2s',
      '--deadline-ms',
      '100',
      '--connections',
      '4',
      '--json',
      '--out',
      'x',
      '--target',
      '127.0.0.1:8500',
      '--rest-target',
      'localhost:8501',
      '--model-name',
      'm',
      '--signature',
      'sig',
      '--core-hour-usd',
      '0.04',
      '--rtt',
      '2ms',
      '--sweep',
      'bandwidth=1gbit,100mbit,10gbit',
    ]);
    assert.deepEqual(c.load, { mode: 'open', rate: 50, arrival: 'poisson' });
    assert.equal(c.durationMs, 10_000);
    assert.equal(c.searches, 500);
    assert.equal(c.warmupMs, 2000);
    assert.deepEqual(c.bandwidths, [1e8, 1e9, 1e10]);
    assert.equal(c.rttMs, 2);
    assert.equal(c.connections, 4);
    assert.equal(c.coreHourUsd, 0.04);
    assert.equal(c.signature, 'sig');
    assert.equal(c.json, true);
    assert.deepEqual(run(['--concurrency', '8', '--bandwidth', '1gbit']).load, { mode: 'closed', concurrency: 8 });
    assert.deepEqual(run(['--concurrency', '8', '--bandwidth', '1gbit']).bandwidths, [1e9]);
    assert.deepEqual(
      run(['--delay-ms', '5', '--stall-every', '10', '--stall-ms', '50', '--error-rate', '0.1', '--model-cost', '2'])
        .stub,
      { delayMs: 5, stallEvery: 10, stallMs: 50, errorRate: 0.1, modelCost: 2 },
    );
    const onlyRequests = run(['--requests', '100']);
    assert.equal(onlyRequests.durationMs, 120_000, '--requests alone: a long cap');
    const onlyDuration = run(['--duration', '3s']);
    assert.deepEqual([onlyDuration.searches, onlyDuration.durationMs], [null, 3000], '--duration alone: time-bound');
    const caps = run([
      '--deadline-ms',
      '100',
      '--hard-cap-ms',
      '400',
      '--min-searches',
      '10',
      '--requests',
      '50',
      '--floor-calls',
      '100',
    ]);
    assert.deepEqual(
      [caps.deadlineMs, caps.hardCapMs, caps.minSearches, caps.searches, caps.floorCalls],
      [100, 400, 10, 50, 100],
    );
    assert.equal(run(['--deadline-ms', '100']).hardCapMs, 1000);
    assert.equal(run(['--requests', '10']).minSearches, 10, 'never more than asked for');
  });

  it('bad arguments are usage errors naming the value and what is expected', () => {
    assert.match(error(['--rate', '5', '--concurrency', '2']), /exclude each other/);
    assert.match(error(['--concurrency', '2', '--arrival', 'poisson']), /--arrival applies to the open loop/);
    assert.match(error(['--arrival', 'bursty']), /constant or poisson, got "bursty"/);
    assert.match(error(['--rate', '0']), /--rate: expected searches per second/);
    assert.match(error(['--compression', 'zstd']), /unknown compression "zstd"/);
    assert.match(error(['--batch-size', '25,0']), /--batch-size: expected an integer from 1/);
    assert.match(error(['--batch-size', '25,25']), /"25" is listed twice/);
    assert.match(error(['--formats', 'protobuf']), /unknown format "protobuf"/);
    assert.match(error(['--duration', '5 parsecs']), /--duration: expected a duration from/);
    assert.match(error(['--duration', '1ms']), /from 10ms to 1h/);
    assert.match(error(['--warmup', '0', '--rate', 'auto']), /automatic rate/);
    assert.match(error(['--target', 'localhost']), /host:port/);
    assert.match(error(['--target', '127.0.0.1:8500']), /travel over REST; give --rest-target/);
    assert.match(
      error(['--target', '127.0.0.1:8500', '--rest-target', '127.0.0.1:8501', '--delay-ms', '5']),
      /spawned stub server only/,
    );
    assert.match(error(['--stall-every', '10']), /go together/);
    assert.match(error(['--error-rate', '2']), /--error-rate: expected a decimal number from 0 to 1/);
    assert.match(error(['--bandwidth', 'fast']), /expected a bandwidth/);
    assert.match(error(['--bandwidth', '1gbit', '--sweep', 'bandwidth=1gbit,10gbit']), /give one of them/);
    assert.match(error(['--sweep', 'rtt=1ms']), /unknown dimension "rtt"/);
    assert.match(error(['--sweep', 'bandwidth=1gbit,1000mbit']), /1gbit is given twice/);
    assert.match(error(['--rtt', '2']), /with a unit/);
    assert.match(error(['--core-hour-usd', '0']), /--core-hour-usd: expected a decimal number above 0/);
    assert.match(error(['--deadline-ms', 'soon']), /--deadline-ms/);
    assert.match(
      error(['--deadline-ms', '300', '--hard-cap-ms', '200']),
      /--hard-cap-ms: 200 is below the 300 ms budget/,
    );
    assert.match(error(['--requests', '20', '--min-searches', '30']), /--min-searches: 30 is more than --requests 20/);
    assert.match(error(['--connections', '0']), /--connections: expected an integer from 1 to 256/);
    assert.match(error(['--frobnicate']), /unknown option "--frobnicate"/);
    assert.match(error(['--scenario']), /--scenario: expected a value, got nothing/);
    assert.match(error(['extra']), /unexpected argument "extra"/);
  });
});

const latency = (
  count: number,
  p50: number,
  extra: Partial<E2eRun['latency']['search']> = {},
): E2eRun['latency']['search'] => ({
  count,
  capped: 0,
  overBudget: 0,
  minMs: p50 / 2,
  meanMs: p50 * 1.1,
  maxMs: p50 * 3,
  percentiles: [
    { p: 50, ms: p50, lowMs: p50 * 0.9, highMs: p50 * 1.1 },
    ...(count >= 10 ? [{ p: 90, ms: p50 * 1.5, lowMs: p50 * 1.3, highMs: p50 * 1.8 }] : []),
    ...(count >= 100 ? [{ p: 99, ms: p50 * 2, lowMs: p50 * 1.8, highMs: null }] : []),
  ],
  ...extra,
});

const sampleRun: E2eRun = {
  scenario: 'etsy-search',
  format: 'tensor-content',
  compression: 'gzip',
  batchSize: 25,
  mode: 'open',
  targetRate: 20,
  arrival: 'constant',
  target: 'stub 127.0.0.1:1',
  searchTarget: 60,
  serialSearchMs: 25,
  durationS: 3,
  endReason: 'requests',
  budgetMs: 250,
  hardCapMs: 2500,
  requests: { intended: 2400, sent: 2360, dropped: 40, ok: 2350, errors: { UNAVAILABLE: 6 }, capped: 4 },
  searches: { intended: 60, completed: 52, withinBudget: 50, capped: 3, failed: 4, dropped: 1 },
  achievedRate: 17.3,
  saturated: true,
  latency: { request: latency(2353, 8.5), search: latency(55, 20.25), service: latency(2353, 8) },
  breakdown: {
    requests: 236,
    latencyMs: 9,
    clientEncodeMs: 0.2,
    clientCompressMs: 1.5,
    serverReceiveMs: 0.5,
    serverDecompressMs: 0.25,
    serverQueueMs: 2,
    serverDecodeMs: 0.5,
    serverComputeMs: 0.25,
    serverInjectedMs: 0,
    clientDecodeMs: 0.02,
    unattributedMs: 3.78,
    attributedShare: 0.58,
  },
  cost: { clientCpuMsPerSearch: 30, serverCpuMsPerSearch: 60, coresPer1kSearchesPerSec: 90, monthlyUsd: 2629.8 },
  schedulerLagP99Ms: 0.5,
  warnings: [],
};

/** Nothing answered within the hard cap: every percentile is the cap, shown as a lower bound. */
const allCapped: E2eRun = {
  ...sampleRun,
  format: 'json-rows',
  batchSize: 1000,
  compression: 'identity',
  requests: { intended: 6, sent: 6, dropped: 0, ok: 0, errors: {}, capped: 6 },
  searches: { intended: 6, completed: 0, withinBudget: 0, capped: 6, failed: 0, dropped: 0 },
  achievedRate: 0,
  latency: {
    request: {
      count: 6,
      capped: 6,
      overBudget: 6,
      minMs: 2500,
      meanMs: 2500,
      maxMs: 2500,
      percentiles: [{ p: 50, ms: 2500, lowMs: 2500, highMs: 2500 }],
      answered: 0,
      answeredMedianMs: null,
    },
    search: {
      count: 6,
      capped: 6,
      overBudget: 6,
      minMs: 2500,
      meanMs: 2500,
      maxMs: 2500,
      percentiles: [{ p: 50, ms: 2500, lowMs: 2500, highMs: 2500 }],
      answered: 0,
      answeredMedianMs: null,
    },
    service: latency(0, 0, { count: 0, percentiles: [] }),
  },
  breakdown: null,
  cost: { clientCpuMsPerSearch: 90, serverCpuMsPerSearch: 170, coresPer1kSearchesPerSec: 260 },
};

describe('print-table', () => {
  it('renders hand-built runs as expected: unsupported percentiles n/a, capped ones as lower bounds', () => {
    assert.equal(
      latencyTable([sampleRun, allCapped]),
      [
        'format          comp      batch  req/search   searches/s  searches  in budget           p50 [95% CI]        p90         p99       p99.9     max  req p50  capped  errors  dropped',
        '--------------  --------  -----  ----------  -----------  --------  ---------  ---------------------  ---------  ----------  ----------  ------  -------  ------  ------  -------',
        'tensor-content  gzip         25          40  20.0→17.3 !     52/60      50/60      20.3 [18.2, 22.3]       30.4  n/a (n=55)  n/a (n=55)    60.8     8.50       3       6        1',
        'json-rows       identity   1000           1     20.0→0 !       0/6        0/6  ≥2,500 [2,500, 2,500]  n/a (n=6)   n/a (n=6)   n/a (n=6)  ≥2,500   ≥2,500       6       0        0',
      ].join('\n'),
    );
    assert.equal(
      costTable([sampleRun, allCapped]),
      [
        'format          comp      batch  request  encode  compress  receive  decompress  queue  decode  compute  resp decode  unattributed  covered  client CPU  server CPU  cores/1k/s  $/month',
        '--------------  --------  -----  -------  ------  --------  -------  ----------  -----  ------  -------  -----------  ------------  -------  ----------  ----------  ----------  -------',
        'tensor-content  gzip         25     9.00   0.200      1.50    0.500       0.250   2.00   0.500    0.250       0.0200          3.78      58%        30.0        60.0        90.0    2,630',
        'json-rows       identity   1000        —       —         —        —           —      —       —        —            —             —        —        90.0         170         260        —',
      ].join('\n'),
    );
  });
});
