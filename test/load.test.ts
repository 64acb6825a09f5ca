// Unit tests of the load generator's parts that need no stub server: request slicing, pacer,
// histograms, accounting, fan-out, drivers, transports' status handling, response decoding,
// the shaping relay, cost, argument parsing and the console printer.
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
  checkAccounting,
  computeCost,
  costTable,
  createGrpcTransport,
  createPacer,
  createRestTransport,
  defaultE2eConfig,
  decodeScores,
  E2E_USAGE,
  formatBandwidth,
  latencyTable,
  LatencyHistogram,
  parseBandwidth,
  parseDurationMs,
  parseE2eArgs,
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
} from '../src/load/index.js';
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
        assert.ok(parts.every((p, i) => p.candidates === (i < parts.length - 1 ? size : req.candidates - size * (parts.length - 1))));
        const back = concatRequests(parts);
        assert.equal(diffBatches(req.schema, toFeatureBatch(req), toFeatureBatch(back)), undefined, `batch size ${size}`);
      }
    });
  }

  it('a slice keeps context columns as they are and is a valid request every format encodes and decodes', () => {
    const req = testRequest('etsy-search');
    const part = sliceRequest(req, 10, 35);
    assert.equal(part.candidates, 25);
    for (const spec of req.schema.features) if (spec.scope === 'context') assert.equal(part.columns.get(spec.name), req.columns.get(spec.name));
    for (const id of ['tensor-content', 'tf-example', 'elwc', 'json-rows', 'tensor-broadcast', 'tensor-packed'] as const) {
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

describe('histogram', () => {
  it('percentiles, mean and max in ms from microsecond records', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.recordMs(i);
    const s = h.summary();
    assert.equal(s.count, 1000);
    assert.ok(Math.abs(s.p50Ms - 500) <= 0.5, String(s.p50Ms));
    assert.ok(Math.abs(s.p99Ms - 990) <= 1, String(s.p99Ms));
    assert.ok(Math.abs(s.maxMs - 1000) <= 1);
    assert.ok(Math.abs(s.meanMs - 500.5) <= 0.5);
    assert.ok(s.p50Ms <= s.p90Ms && s.p90Ms <= s.p99Ms && s.p99Ms <= s.p999Ms && s.p999Ms <= s.maxMs);
    assert.deepEqual(s.curve[0]![0], 0);
    assert.deepEqual(s.curve.at(-1)![0], 100);
    assert.ok(Math.abs(h.shareAboveMs(900) - 0.1) < 0.005);
    assert.equal(new LatencyHistogram().summary().count, 0);
    assert.ok(h.encode().length > 10);
  });
});

const ok = (endAt: number, startAt = 0): BatchResult => ({ kind: 'ok', startAt, endAt, encodeMs: 0.1, parts: { wireQueueMs: 1, serverDecodeMs: 1, serverComputeMs: 1, clientDecodeMs: 0.1 } });

describe('accounting', () => {
  it('intended = sent + dropped and sent = ok + errors + client timeouts, for any mix', () => {
    const acc = new Accounting(3);
    const kinds: BatchResult['kind'][] = ['ok', 'error', 'timeout'];
    for (let i = 0; i < 200; i++) {
      if (i % 7 === 0) {
        acc.dropSearch();
        continue;
      }
      const batches = [0, 1, 2].map((j) => {
        const kind = kinds[(i * 3 + j * j) % 5 === 0 ? 1 + ((i + j) % 2) : 0]!;
        return kind === 'ok' ? ok(5) : ({ kind, code: kind === 'error' ? (j ? 'UNAVAILABLE' : 'INVALID_ARGUMENT') : undefined, startAt: 0, endAt: 5, encodeMs: 0 } as BatchResult);
      });
      acc.addSearch({ intendedAt: 0, startAt: 0, endAt: 5, ok: batches.every((b) => b.kind === 'ok'), batches });
    }
    assert.equal(checkAccounting(acc.requests, acc.searches, 3), undefined);
    assert.ok(acc.requests.clientTimeouts > 0 && Object.keys(acc.requests.errors).length === 2 && acc.requests.dropped > 0);
    assert.equal(acc.searches.intended, 200);
  });
  it('reports the identity that is broken', () => {
    const requests = { intended: 10, sent: 9, dropped: 0, ok: 9, errors: {}, clientTimeouts: 0 };
    assert.match(checkAccounting(requests, { intended: 10, completed: 9, failed: 0 }, 1)!, /intended 10 != sent 9 \+ dropped 0/);
    const r2 = { intended: 10, sent: 10, dropped: 0, ok: 8, errors: { UNAVAILABLE: 1 }, clientTimeouts: 0 };
    assert.match(checkAccounting(r2, { intended: 10, completed: 8, failed: 2 }, 1)!, /sent 10 != ok 8 \+ errors 1/);
  });
});

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
    // The batches ran concurrently: well under the 51 ms they would take one after another.
    assert.ok(s.endAt - t0 < 51 + 200);
  });
  it('one failed batch fails the search; the recorder keeps failures out of the latency', async () => {
    const rec = new Recorder(2);
    const s = await runSearch(2, async (i) => (i === 0 ? ok(performance.now()) : { kind: 'timeout', startAt: 0, endAt: performance.now(), encodeMs: 0 }), 0, 100);
    assert.equal(s.ok, false);
    rec.finished(s);
    assert.equal(rec.search.count, 0);
    assert.equal(rec.request.count, 1);
    assert.deepEqual(rec.accounting.searches, { intended: 1, completed: 0, failed: 1 });
    assert.equal(rec.accounting.requests.clientTimeouts, 1);
    rec.destroy();
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
    const rec = new Recorder(1);
    const r = await runOpenLoop({ rate: 100, arrival: 'constant', seed: 1 }, fakeSearch(40), { started: (l) => rec.started(l), dropped: () => rec.dropped(), finished: (s) => rec.finished(s) }, { durationMs: 500, maxSearches: null, deadlineMs: 1000 });
    assert.equal(r.endReason, 'duration');
    assert.equal(r.windowMs, 500);
    // 40 ms per search at 10 ms spacing: about 4 in flight, which a closed loop of 1 could not do.
    assert.equal(rec.accounting.searches.intended, 50);
    assert.equal(checkAccounting(rec.accounting.requests, rec.accounting.searches, 1), undefined);
    assert.equal(rec.accounting.searches.completed + rec.accounting.droppedSearches, 50);
    rec.destroy();
  });
  it('open loop: a search due when the loop is already late by the deadline is dropped and counted', async () => {
    const rec = new Recorder(1);
    let first = true;
    const blocking = (intendedAt: number): Promise<SearchResult> => {
      if (first) {
        first = false;
        const until = performance.now() + 80;
        while (performance.now() < until); // the client is busy (a long synchronous encode)
      }
      return fakeSearch(1)(intendedAt);
    };
    await runOpenLoop({ rate: 200, arrival: 'constant', seed: 1 }, blocking, { started: (l) => rec.started(l), dropped: () => rec.dropped(), finished: (s) => rec.finished(s) }, { durationMs: 200, maxSearches: null, deadlineMs: 20 });
    assert.ok(rec.accounting.droppedSearches >= 5, `dropped ${rec.accounting.droppedSearches}`);
    assert.ok(rec.lateStarts >= 1);
    assert.equal(checkAccounting(rec.accounting.requests, rec.accounting.searches, 1), undefined);
    assert.equal(rec.accounting.searches.intended, 40);
    rec.destroy();
  });
  it('open loop stops after --requests searches; the window is their scheduled span', async () => {
    let n = 0;
    const r = await runOpenLoop({ rate: 500, arrival: 'constant', seed: 1 }, fakeSearch(1), { finished: () => n++ }, { durationMs: null, maxSearches: 25, deadlineMs: 1000 });
    assert.equal(r.endReason, 'requests');
    assert.equal(n, 25);
    assert.equal(r.windowMs, 50);
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
    const r = await runClosedLoop(3, search, { finished: () => n++ }, { durationMs: 10_000, maxSearches: 12, deadlineMs: 1000 });
    assert.equal(r.endReason, 'requests');
    assert.equal(n, 12);
    assert.equal(maxInFlight, 3);
  });
  it('an abort stops a driver as interrupted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await runOpenLoop({ rate: 100, arrival: 'poisson', seed: 1 }, fakeSearch(1), { finished: () => {} }, { durationMs: 10_000, maxSearches: null, deadlineMs: 100, signal: ac.signal });
    assert.equal(r.endReason, 'interrupted');
    assert.ok(r.windowMs < 5000);
  });
});

describe('transports: status handling', () => {
  it('gRPC: DEADLINE_EXCEEDED from the server is an error; the client deadline is a timeout', async () => {
    const server = new grpc.Server();
    const passthrough = (b: Buffer): Buffer => b;
    const def = (name: string): grpc.MethodDefinition<Buffer, Buffer> => ({ path: `/tensorflow.serving.PredictionService/${name}`, requestStream: false, responseStream: false, requestSerialize: passthrough, requestDeserialize: passthrough, responseSerialize: passthrough, responseDeserialize: passthrough });
    let mode: 'deadline' | 'hang' | 'unavailable' = 'deadline';
    server.addService({ Predict: def('Predict') } as grpc.ServiceDefinition, {
      Predict: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        if (mode === 'deadline') cb({ code: grpc.status.DEADLINE_EXCEEDED, details: 'request queued past its deadline' });
        else if (mode === 'unavailable') cb({ code: grpc.status.UNAVAILABLE, details: 'overloaded' });
        else setTimeout(() => cb(null, Buffer.alloc(0)), 400);
      },
    });
    const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
    const t = createGrpcTransport(getFormat('tensor-content'), { address: `127.0.0.1:${port}`, compression: 'identity', connections: 1, modelName: 'ranker' });
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
      assert.equal(c.kind, 'timeout');
      assert.ok(c.endAt - t0 >= 55 && c.endAt - t0 < 390, `timed out after ${c.endAt - t0} ms`);
    } finally {
      t.close();
      server.forceShutdown();
    }
  });

  it('REST: HTTP errors by status, a slow answer is a client timeout, gzip bodies carry Content-Encoding', async () => {
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
          res.writeHead(200, { 'content-type': 'application/json', 'x-server-decode-ms': '1.250', 'x-server-compute-ms': '0.500' }).end('{"outputs":[0.5,0.25]}');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const t = createRestTransport(getFormat('json-columnar'), { address: `127.0.0.1:${port}`, compression: 'gzip', connections: null, modelName: 'ranker' });
    try {
      const a = await t.call(new TextEncoder().encode('{"inputs":{}}'), performance.now() + 2000);
      assert.equal(a.kind, 'ok');
      assert.equal(seenEncoding, 'gzip');
      assert.deepEqual(a.kind === 'ok' && a.timing, { decode: 1.25, compute: 0.5 });
      assert.deepEqual(a.kind === 'ok' && [...decodeScores(getFormat('json-columnar'), a.body)], [0.5, 0.25]);
      mode = 'fail';
      const b = await t.call(new Uint8Array(2), performance.now() + 2000);
      assert.equal(b.kind === 'error' && b.code, 'HTTP 503');
      mode = 'hang';
      const t0 = performance.now();
      const c = await t.call(new Uint8Array(2), t0 + 60);
      assert.equal(c.kind, 'timeout');
      assert.ok(c.endAt - t0 >= 55 && c.endAt - t0 < 390);
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
    const predict = Predict.encode(Predict.fromObject({ outputs: { scores: { dtype: 1, tensor_shape: { dim: [{ size: 3 }] }, float_val: [...scores] } } })).finish();
    assert.deepEqual([...decodeScores(getFormat('tensor-content'), predict)], [...scores]);
    assert.throws(() => decodeScores(getFormat('tensor-content'), Predict.encode(Predict.fromObject({ outputs: { other: { dtype: 1, float_val: [1] } } })).finish()), /no "scores" output \(outputs: other\)/);
    const Regress = protoType('tensorflow.serving.RegressionResponse');
    const reg = Regress.encode(Regress.fromObject({ result: { regressions: [{ value: 0.5 }, { value: 0.25 }] } })).finish();
    assert.deepEqual(decodeScores(getFormat('elwc'), reg), [0.5, 0.25]);
    const Multi = protoType('tensorflow.serving.MultiInferenceResponse');
    const multi = Multi.encode(Multi.fromObject({ results: [{ regression_result: { regressions: [{ value: 1.5 }] } }] })).finish();
    assert.deepEqual(decodeScores({ ...getFormat('elwc'), rpc: 'MultiInference' }, multi), [1.5]);
    const Classify = protoType('tensorflow.serving.ClassificationResponse');
    const cls = Classify.encode(Classify.fromObject({ result: { classifications: [{ classes: [{ label: '0', score: 0.1 }, { label: '1', score: 0.9 }] }] } })).finish();
    assert.deepEqual(decodeScores({ ...getFormat('elwc'), rpc: 'Classify' }, cls).map((x) => Number(x.toFixed(5))), [0.9]);
    const rows = new TextEncoder().encode('{"predictions":[0.5,[0.25]]}');
    assert.deepEqual(decodeScores(getFormat('json-rows'), rows), [0.5, 0.25]);
    const mp = pack({ outputs: { scores: { dtype: 'float32', shape: [3], data: Buffer.from(scores.buffer) } } });
    assert.deepEqual([...decodeScores(getFormat('msgpack-columnar'), mp)], [...scores]);
    assert.throws(() => decodeScores(getFormat('json-rows'), new TextEncoder().encode('{"error":"x"}')), /no "predictions" or "outputs"/);
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
      const done = new Promise<void>((r) => sock.on('data', (c: Buffer) => ((got += c.length) >= bytes ? r() : undefined)));
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
      assert.ok(rtt >= 38 && rtt < 40 + 150, `round trip ${rtt} ms through a 40 ms RTT relay`);
      // 200 kB at 8 Mbit/s: 200 ms up, and the echo shares the other direction's link in parallel.
      const ms = await roundTrip(bwRelay.port, 200_000);
      assert.ok(ms >= 180 && ms < 200 * 3 + 200, `200 kB echoed through 8 Mbit/s in ${ms} ms`);
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
    assert.deepEqual(c, { clientCpuMsPerSearch: 3, serverCpuMsPerSearch: 7, coresPer1kSearchesPerSec: 10, monthlyUsd: 365.25 });
    assert.deepEqual(computeCost({ clientCpuMs: 10, serverCpuMs: null, searches: 0, coreHourUsd: null }), { clientCpuMsPerSearch: 0, serverCpuMsPerSearch: 0, coresPer1kSearchesPerSec: 0 });
  });
  it('auto rate is half the one-at-a-time rate, bounded', () => {
    assert.equal(autoRate(10), 50);
    assert.equal(autoRate(1e9), 0.2);
    assert.deepEqual(uniqueBatchSizes([25, 1000, 5000], 1000), [25, 1000]);
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
    assert.deepEqual(c.formats, ['json-rows', 'tf-example', 'elwc', 'tensor-content', 'tensor-broadcast', 'tensor-packed']);
    assert.deepEqual(c.batchSizes, [25, 1000]);
    assert.deepEqual(c.compressions, ['identity', 'gzip']);
    assert.equal(c.deadlineMs, 250);
    assert.deepEqual(c.bandwidths, [null]);
    assert.equal(c.target, null);
    assert.equal(parseE2eArgs(['--help']).kind, 'help');
    assert.deepEqual(defaultE2eConfig({ out: 'x' }), { ...c, out: 'x' });
    assert.match(E2E_USAGE, /--sweep bandwidth=/);
  });

  it('every option', () => {
    const c = run([
      '--scenario', 'tiny', '--candidates', '8', '--seed', '3', '--formats', 'tensor-content,json-columnar', '--compression', 'identity,gzip,deflate',
      '--batch-size', '5,25,100,1000', '--rate', '50', '--arrival', 'poisson', '--duration', '10s', '--requests', '500', '--warmup', '2s',
      '--deadline-ms', '100', '--connections', '4', '--json', '--out', 'x', '--target', '127.0.0.1:8500', '--rest-target', 'localhost:8501',
      '--model-name', 'm', '--signature', 'sig', '--core-hour-usd', '0.04', '--rtt', '2ms', '--sweep', 'bandwidth=1gbit,100mbit,10gbit',
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
    assert.deepEqual(run(['--delay-ms', '5', '--stall-every', '10', '--stall-ms', '50', '--error-rate', '0.1', '--model-cost', '2']).stub, { delayMs: 5, stallEvery: 10, stallMs: 50, errorRate: 0.1, modelCost: 2 });
    const onlyRequests = run(['--requests', '100']);
    assert.equal(onlyRequests.durationMs, null);
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
    assert.match(error(['--duration', '5 parsecs']), /expected a duration such as 10s/);
    assert.match(error(['--duration', '1ms']), /from 10ms to 1h/);
    assert.match(error(['--warmup', '0', '--rate', 'auto']), /automatic rate/);
    assert.match(error(['--target', 'localhost']), /host:port/);
    assert.match(error(['--target', '127.0.0.1:8500']), /travel over REST; give --rest-target/);
    assert.match(error(['--target', '127.0.0.1:8500', '--rest-target', '127.0.0.1:8501', '--delay-ms', '5']), /spawned stub server only/);
    assert.match(error(['--stall-every', '10']), /go together/);
    assert.match(error(['--error-rate', '2']), /--error-rate: expected a number from 0 to 1/);
    assert.match(error(['--bandwidth', 'fast']), /expected a bandwidth/);
    assert.match(error(['--bandwidth', '1gbit', '--sweep', 'bandwidth=1gbit,10gbit']), /give one of them/);
    assert.match(error(['--sweep', 'rtt=1ms']), /unknown dimension "rtt"/);
    assert.match(error(['--sweep', 'bandwidth=1gbit,1000mbit']), /1gbit is given twice/);
    assert.match(error(['--rtt', '2']), /with a unit/);
    assert.match(error(['--core-hour-usd', '0']), /--core-hour-usd: expected a number above 0/);
    assert.match(error(['--deadline-ms', 'soon']), /--deadline-ms/);
    assert.match(error(['--connections', '0']), /--connections: expected an integer from 1 to 256/);
    assert.match(error(['--frobnicate']), /unknown option "--frobnicate"/);
    assert.match(error(['--scenario']), /needs a value/);
    assert.match(error(['extra']), /unexpected argument "extra"/);
  });
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
  durationS: 3,
  endReason: 'duration',
  requests: { intended: 2400, sent: 2360, dropped: 40, ok: 2350, errors: { UNAVAILABLE: 6 }, clientTimeouts: 4 },
  searches: { intended: 60, completed: 55, failed: 4 },
  achievedRate: 18.3,
  rateShortfall: true,
  latency: {
    request: { count: 2350, meanMs: 9, p50Ms: 8.5, p90Ms: 12, p99Ms: 20, p999Ms: 30, maxMs: 31, curve: [] },
    search: { count: 55, meanMs: 21, p50Ms: 20.25, p90Ms: 25, p99Ms: 40, p999Ms: 41, maxMs: 41.5, curve: [] },
  },
  breakdown: { clientEncodeMs: 0.2, wireQueueMs: 5, serverDecodeMs: 0.5, serverComputeMs: 0.25, clientDecodeMs: 0.02 },
  cost: { clientCpuMsPerSearch: 30, serverCpuMsPerSearch: 60, coresPer1kSearchesPerSec: 90, monthlyUsd: 2629.8 },
  schedulerLagP99Ms: 0.5,
  warnings: [],
};

describe('print-table', () => {
  it('renders a hand-built run as expected', () => {
    assert.equal(
      latencyTable([sampleRun]),
      [
        'format          comp  batch  req/search   searches/s  searches   p50   p90   p99  p99.9   max  req p50  req p99  timeouts  errors  dropped',
        '--------------  ----  -----  ----------  -----------  --------  ----  ----  ----  -----  ----  -------  -------  --------  ------  -------',
        'tensor-content  gzip     25          40  20.0→18.3 !     55/60  20.3  25.0  40.0   41.0  41.5     8.50     20.0         4       6       40',
      ].join('\n'),
    );
    assert.equal(
      costTable([sampleRun]),
      [
        'format          comp  batch  encode  wire+queue  srv decode  srv compute  resp decode  client CPU  server CPU  cores/1k/s  $/month',
        '--------------  ----  -----  ------  ----------  ----------  -----------  -----------  ----------  ----------  ----------  -------',
        'tensor-content  gzip     25   0.200        5.00       0.500        0.250       0.0200        30.0        60.0        90.0    2,630',
      ].join('\n'),
    );
  });
});
