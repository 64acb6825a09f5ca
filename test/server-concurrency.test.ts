// The stub under concurrency, on real sockets: N worker threads run N calls at once; TF
// Serving's batching merges concurrent requests (up to max_batch_size, or when the timeout
// fires), pads to allowed_batch_sizes, splits large tasks, refuses too-large tasks and full
// queues with TF Serving's errors, and answers every request with bit-identical scores;
// calls whose deadline passed while queued are not computed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FORMATS, getFormat, type Format } from '../src/formats/index.js';
import { generate, loadScenario, type Scenario } from '../src/scenario/index.js';
import {
  BATCH_HEADERS,
  defaultBatchingParameters,
  RankingModel,
  startServer,
  STATS_PATH,
  type BatchingParameters,
  type RunnerStats,
  type RunningServer,
} from '../src/server/index.js';
import { createRawClient, type RawCallResult, type RawClient } from '../src/common/raw-client.js';
import { toFeatureBatch, type RankingRequest } from '../src/tensors/index.js';
import { protoType } from '../src/wire/protos.js';
import { poll } from './helpers.js';

const OK = 0;

function scenario(candidates: number, seed = 1): Scenario {
  return loadScenario('tiny', { candidates, seed });
}

function batching(p: Partial<BatchingParameters>): BatchingParameters {
  const b = { ...defaultBatchingParameters(2), ...p };
  if (p.maxExecutionBatchSize === undefined) b.maxExecutionBatchSize = b.maxBatchSize;
  return b;
}

function predictScores(r: RawCallResult): Float32Array {
  assert.equal(r.code, OK, `${r.code} ${r.details}`);
  const T = protoType('tensorflow.serving.PredictResponse');
  const o = T.toObject(T.decode(r.response!), { defaults: true }) as { outputs: { scores: { float_val: number[] } } };
  return Float32Array.from(o.outputs.scores.float_val);
}

function expected(req: RankingRequest, cost = 0): Float32Array {
  return new RankingModel(req.schema, { cost }).score(toFeatureBatch(req));
}

function assertBits(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} scores for ${want.length} candidates`);
  assert.deepEqual(
    new Uint32Array(got.buffer, got.byteOffset, got.length),
    new Uint32Array(want.buffer, want.byteOffset, want.length),
    what,
  );
}

async function stats(server: RunningServer): Promise<RunnerStats> {
  const r = await fetch(`http://${server.restAddress}${STATS_PATH}`);
  return (await r.json()) as RunnerStats;
}

/** Waits until the server's stats show a state (see poll). */
const until = (server: RunningServer, what: string, ok: (s: RunnerStats) => boolean): Promise<void> =>
  poll(what, () => ok(server.stats()));

const batchOf = (r: RawCallResult): { size: number; requests: number } => ({
  size: Number(r.trailers[BATCH_HEADERS.size]),
  requests: Number(r.trailers[BATCH_HEADERS.requests]),
});

describe('worker pool', () => {
  // Two concurrent calls whose compute dominates (~150 ms each): with 2 workers both are in a
  // worker at once, with one the second waits. Counted by the runner (peakBusy), not inferred
  // from times: a main-thread stall on a loaded machine shifts the times, not the count.
  const twoAtOnce = async (workers: number): Promise<RunnerStats> => {
    const sc = scenario(20);
    const server = await startServer({ port: 0, restPort: 0, scenario: sc, workers, modelCost: 40_000 });
    const client = createRawClient(server.grpcAddress);
    try {
      const bytes = getFormat('tensor-content').encode(generate(sc));
      await client.call('Predict', bytes); // warm both paths up
      const [a, b] = await Promise.all([client.call('Predict', bytes), client.call('Predict', bytes)]);
      for (const r of [a, b]) assert.equal(r.code, OK, r.details);
      return server.stats();
    } finally {
      client.close();
      await server.close();
    }
  };

  it('2 workers run 2 concurrent calls at once; 1 worker runs them one after the other', async () => {
    const two = await twoAtOnce(2);
    assert.equal(two.workers, 2);
    assert.equal(two.peakBusy, 2, 'with 2 workers both calls were in a worker at once');
    const one = await twoAtOnce(1);
    assert.equal(one.peakBusy, 1, 'with 1 worker the second call waited for the first');
    assert.equal(one.modelCalls, 3);
  });

  it('workers 0 (main thread) and workers 2 give the same scores, and report the hand-off only with threads', async () => {
    const sc = scenario(30, 7);
    const req = generate(sc);
    const want = expected(req);
    for (const workers of [0, 2]) {
      const server = await startServer({ port: 0, restPort: 0, scenario: sc, workers });
      const client = createRawClient(server.grpcAddress);
      try {
        const r = await client.call('Predict', getFormat('tensor-content').encode(req));
        assertBits(predictScores(r), want, `workers ${workers}`);
        assert.equal(r.timing.handoff !== undefined, workers > 0, `handoff reported with workers ${workers}`);
      } finally {
        client.close();
        await server.close();
      }
    }
  });
});

describe('TF Serving batching', () => {
  it('merges concurrent requests up to max_batch_size; every request gets its own scores', async () => {
    const sc = scenario(10);
    // A long timeout: batches run only when full, so 6 x 10 rows make exactly 2 batches of 30.
    const server = await startServer({
      port: 0,
      restPort: 0,
      scenario: sc,
      workers: 2,
      batching: batching({ maxBatchSize: 30, batchTimeoutMicros: 20_000_000 }),
    });
    const client = createRawClient(server.grpcAddress);
    try {
      const reqs = Array.from({ length: 6 }, (_, i) => generate(scenario(10, 100 + i)));
      const rs = await Promise.all(reqs.map((r) => client.call('Predict', getFormat('tensor-content').encode(r))));
      rs.forEach((r, i) => {
        assertBits(predictScores(r), expected(reqs[i]!), `request ${i}`);
        assert.deepEqual(batchOf(r), { size: 30, requests: 3 }, `request ${i} batch`);
        assert.ok(r.timing.batchWait! >= 0 && r.timing.merge! >= 0);
      });
      const s = await stats(server);
      assert.equal(s.modelCalls, 2);
      assert.equal(s.rowsScored, 60);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('a lone request runs when batch_timeout_micros has passed, padded up to the next allowed batch size', async () => {
    const sc = scenario(10);
    const timeoutMicros = 80_000;
    const server = await startServer({
      port: 0,
      restPort: 0,
      scenario: sc,
      workers: 1,
      batching: batching({ maxBatchSize: 32, batchTimeoutMicros: timeoutMicros, allowedBatchSizes: [16, 32] }),
    });
    const client = createRawClient(server.grpcAddress);
    try {
      const req = generate(sc);
      const r = await client.call('Predict', getFormat('tensor-content').encode(req));
      assertBits(predictScores(r), expected(req), 'padded batch');
      assert.deepEqual(batchOf(r), { size: 16, requests: 1 });
      assert.ok(
        r.timing.batchWait! >= timeoutMicros / 1000 - 1,
        `waited ${r.timing.batchWait} ms for the ${timeoutMicros / 1000} ms timeout`,
      );
      const s = await stats(server);
      assert.equal(s.paddingRows, 6);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('enable_large_batch_splitting: a task larger than max_execution_batch_size runs in pieces, scores reassembled', async () => {
    const sc = scenario(20, 3);
    const server = await startServer({
      port: 0,
      restPort: 0,
      scenario: sc,
      workers: 2,
      batching: batching({ maxBatchSize: 32, maxExecutionBatchSize: 8, enableLargeBatchSplitting: true }),
    });
    const client = createRawClient(server.grpcAddress);
    try {
      const req = generate(sc);
      const r = await client.call('Predict', getFormat('tensor-content').encode(req));
      assertBits(predictScores(r), expected(req), 'split task');
      const s = await stats(server);
      assert.equal(s.splitTasks, 1);
      assert.equal(s.modelCalls, 3, '20 rows in pieces of 8, 8 and 4');
    } finally {
      client.close();
      await server.close();
    }
  });

  it("too-large tasks and a full queue get TF Serving's errors (gRPC status and REST body)", async () => {
    const sc = scenario(6);
    const server = await startServer({
      port: 0,
      restPort: 0,
      scenario: sc,
      workers: 1,
      batching: batching({
        maxBatchSize: 10,
        maxEnqueuedBatches: 1,
        // Long enough that the open batch is still waiting when the second call is decoded.
        batchTimeoutMicros: 3_000_000,
        numBatchThreads: 1,
      }),
    });
    const client = createRawClient(server.grpcAddress);
    try {
      const big = generate(scenario(11));
      const tooLarge = await client.call('Predict', getFormat('tensor-content').encode(big));
      assert.equal(tooLarge.code, 3);
      assert.equal(tooLarge.details, 'Task size 11 is larger than maximum input batch size 10');
      const rest = await fetch(`http://${server.restAddress}/v1/models/ranker:predict`, {
        method: 'POST',
        body: getFormat('json-columnar').encode(big),
      });
      assert.equal(rest.status, 400);
      assert.deepEqual(await rest.json(), { error: 'Task size 11 is larger than maximum input batch size 10' });

      // First request waits in the open batch (timeout 3 s); a second that does not fit finds the queue full.
      const req = generate(sc);
      const first = client.call('Predict', getFormat('tensor-content').encode(req));
      await until(server, 'the first request waiting in the batching queue', (s) => s.inBatchQueue === 1);
      const full = await client.call('Predict', getFormat('tensor-content').encode(req));
      assert.equal(full.code, 14);
      assert.equal(
        full.details,
        'The batch scheduling queue to which this task was submitted is full; currently 1 batches enqueued and max_enqueued_batches is 1',
      );
      assertBits(predictScores(await first), expected(req), 'the queued request is answered');
      const s = await stats(server);
      assert.equal(s.rejectedTooLarge, 2);
      assert.equal(s.rejectedQueueFull, 1);
    } finally {
      client.close();
      await server.close();
    }
  });

  describe('scores are identical batched and unbatched, in every format', () => {
    let server: RunningServer | undefined;
    let client: RawClient | undefined;
    const sc = scenario(12, 5);
    const req = generate(sc);
    before(async () => {
      server = await startServer({
        port: 0,
        restPort: 0,
        scenario: sc,
        workers: 2,
        batching: batching({ maxBatchSize: 1000, batchTimeoutMicros: 30_000 }),
      });
      client = createRawClient(server.grpcAddress);
    });
    after(async () => {
      client?.close();
      await server?.close();
    });

    const via = async (f: Format): Promise<{ scores: Float32Array; requests: number }> => {
      const bytes = f.encode(req);
      if (f.transport === 'grpc') {
        const r = await client!.call(f.rpc as 'Predict' | 'Regress', bytes);
        assert.equal(r.code, OK, `${f.id}: ${r.details}`);
        const T = protoType(
          f.rpc === 'Predict' ? 'tensorflow.serving.PredictResponse' : 'tensorflow.serving.RegressionResponse',
        );
        const o = T.toObject(T.decode(r.response!), { defaults: true }) as {
          outputs?: { scores: { float_val: number[] } };
          result?: { regressions: { value: number }[] };
        };
        const scores = o.outputs
          ? Float32Array.from(o.outputs.scores.float_val)
          : Float32Array.from(o.result!.regressions, (x) => x.value);
        return { scores, requests: batchOf(r).requests };
      }
      const res = await fetch(`http://${server!.restAddress}/v1/models/ranker:predict`, {
        method: 'POST',
        body: bytes,
        headers: { 'content-type': f.contentType! },
      });
      assert.equal(res.status, 200, f.id);
      const requests = Number(res.headers.get(BATCH_HEADERS.requests));
      if (f.contentType === 'application/msgpack') {
        const { Unpackr } = await import('msgpackr');
        const out = (
          new Unpackr({ useRecords: false, mapsAsObjects: true }).unpack(Buffer.from(await res.arrayBuffer())) as {
            outputs: { scores: { data: Uint8Array } };
          }
        ).outputs.scores;
        return { scores: new Float32Array(new Uint8Array(out.data).buffer), requests };
      }
      const j = (await res.json()) as Record<string, number[]>;
      return { scores: Float32Array.from(j.predictions ?? j.outputs!), requests };
    };

    it("every format at once (merged where they share a signature) gets the model's own scores", async () => {
      const want = expected(req);
      const formats = FORMATS.filter((x) => x.protocol !== 'oip');
      const got = await Promise.all(formats.map(via));
      got.forEach((g, i) => assertBits(g.scores, want, formats[i]!.id));
      assert.ok(
        got.some((g) => g.requests > 1),
        'some requests were merged into one model call',
      );
    });
  });
});

describe('deadlines: expired calls are not computed', () => {
  it('a call whose deadline passes while it waits for the worker is dropped before decoding', async () => {
    const sc = scenario(5);
    // Every call stalls the single worker for 2 s: the second call, sent once the first holds the
    // worker, waits past its 100 ms deadline.
    const server = await startServer({
      port: 0,
      restPort: 0,
      scenario: sc,
      workers: 1,
      faults: { delayMs: 0, stallEvery: 1, stallMs: 2000, errorRate: 0, seed: 1 },
    });
    const client = createRawClient(server.grpcAddress);
    try {
      const bytes = getFormat('tensor-content').encode(generate(sc));
      const first = client.call('Predict', bytes);
      await until(server, 'the first call holding the worker', (s) => s.busy === 1);
      const late = await client.call('Predict', bytes, { deadlineMs: 100 });
      assert.equal(late.code, 4, 'the client saw DEADLINE_EXCEEDED');
      assert.equal((await first).code, OK);
      await until(server, 'the late call dropped', (s) => s.droppedBeforeDecode + s.modelCalls >= 2);
      const s = await stats(server);
      assert.equal(s.droppedBeforeDecode, 1);
      assert.equal(s.modelCalls, 1, 'only the first call was computed');
    } finally {
      client.close();
      await server.close();
    }
  });

  it("batching queue: a batch whose every task expired fails with TF Serving's error and is not computed", async () => {
    const sc = scenario(5);
    const server = await startServer({
      port: 0,
      restPort: 0,
      scenario: sc,
      workers: 1,
      restTimeoutMs: 300,
      // Batches wait 1 s: the 300 ms REST deadline has always passed when one runs (and a REST call
      // queued behind a decode on the single worker is not dropped before it joins a batch).
      batching: batching({ maxBatchSize: 100, batchTimeoutMicros: 1_000_000 }),
    });
    try {
      const body = getFormat('json-columnar').encode(generate(sc));
      const res = await fetch(`http://${server.restAddress}/v1/models/ranker:predict`, { method: 'POST', body });
      assert.equal(res.status, 429);
      assert.deepEqual(await res.json(), { error: 'Run() timeout exceeded while waiting in batching queue' });
      let s = await stats(server);
      assert.equal(s.droppedInBatchQueue, 1);
      assert.equal(s.modelCalls, 0);
      // A live batch-mate keeps an expired task computed (BatchingSession runs the whole batch).
      const client = createRawClient(server.grpcAddress);
      try {
        const [r, g] = await Promise.all([
          fetch(`http://${server.restAddress}/v1/models/ranker:predict`, { method: 'POST', body }),
          client.call('Predict', getFormat('tensor-content').encode(generate(sc))),
        ]);
        assert.equal(g.code, OK);
        assert.equal(r.status, 200);
        assert.equal(batchOf(g).requests, 2);
      } finally {
        client.close();
      }
      s = await stats(server);
      assert.equal(s.expiredComputed, 1);
      assert.equal(s.modelCalls, 1);
    } finally {
      await server.close();
    }
  });
});
