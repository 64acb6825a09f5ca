// Runs the scoring calls: one FIFO queue in front of N workers (or the main thread), TF
// Serving's batching when configured, deadlines, injected faults, and where the time went.
//
// - Unbatched: a call waits in the queue for a free worker, which decodes, scores and builds
//   the answer in one op.
// - Batched: a worker decodes; the call's tensors then wait in the Batcher (one queue per
//   signature, TF Serving's rules); a free batch thread (and worker) merges a batch's
//   requests, scores them in one model call, and each call is answered from its slice.
// - Deadlines (gRPC deadline, REST timeout, client gone): a call whose deadline passed or
//   whose client left while it waited for a worker is dropped before decoding (TF Serving has
//   no such check; its gRPC threads would run it). In the batching queue the stub does what
//   BatchingSession::ProcessBatch does: a batch whose every task is past its deadline fails
//   with RESOURCE_EXHAUSTED "Run() timeout exceeded while waiting in batching queue" and is
//   not computed; a batch with one live task is computed whole. Both are counted.
// - Faults are drawn per call when it is handed to a worker: an error answers UNAVAILABLE
//   after decoding, a stall keeps the worker busy, a delay is served after releasing it.
import type { FeatureBatch } from '../tensors/feature-batch.js';
import { Batcher, type BatchTask, type FormedBatch } from './batcher.js';
import type { BatchingParameters } from './batching-params.js';
import { callKind } from './call-kinds.js';
import { ServingError, Status, toServingError } from './errors.js';
import { FaultInjector, sleep, type Fault } from './faults.js';
import { packBatch, unpackBatch } from './pack-batch.js';
import type { Servable } from './servable.js';
import { now, type ServerBatchInfo, type ServerTiming } from '../common/server-timing.js';
import { ownedBytes, type ExecResult, type Executor } from './worker-pool.js';
import type { OpResult, PackedSegment, WorkerOp } from './worker-ops.js';

/** A request decoded on the main thread by the caller's own closure (protocols without a call kind). */
export interface Decoded<T> {
  batch: FeatureBatch;
  respond(scores: Float32Array): T;
  /** Time of decompression inside the decode step (REST bodies), reported apart. */
  decompressMs?: number;
  /** Batching queue key; the stub's own calls use the signature. @default 'default' */
  signature?: string;
}

/** A call a worker can run: a registered call kind (call-kinds.ts), its bytes and arguments. */
export interface CallJob {
  kind: string;
  bytes: Uint8Array;
  args?: unknown;
}

export interface CallContext {
  /** When the request headers arrived (`now()` clock), for receive time. */
  headersAt?: number;
  /** Absolute deadline on the `now()` clock; Infinity or absent: none. */
  deadline?: number;
  /** True once the client has gone (cancelled, disconnected). */
  cancelled?: () => boolean;
}

export type Outcome<T> =
  | { ok: true; value: T; timing: ServerTiming; batch?: ServerBatchInfo }
  | { ok: false; error: ServingError; timing: ServerTiming; batch?: ServerBatchInfo };

/**
 * What the runner did since it started (counters, and peakBusy), plus three gauges read at the
 * moment of the call (inFlight, busy, inBatchQueue): subtract two snapshots' counters, never those.
 */
export interface RunnerStats {
  workers: number;
  threads: boolean;
  batching: boolean;
  /** Calls answered (any status). */
  calls: number;
  ok: number;
  /** Model invocations (one per unbatched call, one per batch). */
  modelCalls: number;
  /** Candidates in model invocations, padding included. */
  rowsScored: number;
  paddingRows: number;
  /** Deadline passed or client gone while waiting for a worker: not decoded, not computed. */
  droppedBeforeDecode: number;
  /** Tasks failed with "Run() timeout exceeded while waiting in batching queue": decoded, not computed. */
  droppedInBatchQueue: number;
  /** Tasks past their deadline computed anyway because a batch-mate was live (TF Serving's rule). */
  expiredComputed: number;
  /** Batching refusals: "Task size ... is larger than maximum input batch size", queue full. */
  rejectedTooLarge: number;
  rejectedQueueFull: number;
  /** Tasks split across batches (enable_large_batch_splitting). */
  splitTasks: number;
  /** Sum and count of worker hand-offs (ms), to average. */
  handoffMsTotal: number;
  handoffs: number;
  /**
   * Most worker operations (a call's decode + compute, or a batch, including a stall that holds
   * the worker) in flight at once; at most the worker count (1 with workers 0: the main thread).
   */
  peakBusy: number;
  /** Gauge: calls accepted and not yet answered. */
  inFlight: number;
  /** Gauge: worker operations in flight (as peakBusy counts them). */
  busy: number;
  /** Gauge: pieces waiting in the batching queues (a split task counts once per piece). */
  inBatchQueue: number;
}

export interface RunnerOptions {
  executor: Executor;
  faults: FaultInjector;
  /** TF Serving batching; absent: every call is its own model call. */
  batching?: BatchingParameters;
}

interface Prepared<T> {
  /** The decoded request: a FeatureBatch on this thread, or packed into one buffer (pack-batch.ts). */
  batch?: FeatureBatch;
  packed?: ArrayBuffer;
  candidates: number;
  respond: (scores: Float32Array) => T;
}

interface Pending<T> {
  arrivedAt: number;
  ctx: CallContext;
  timing: ServerTiming;
  job?: CallJob;
  closure?: () => Decoded<T>;
  fault?: Fault;
  finish: (o: Outcome<T>) => void;
}

interface TaskItem {
  call: Pending<unknown>;
  prepared: Prepared<unknown>;
  scores?: Float32Array;
  failed?: boolean;
  /** Set once counted as expired-but-computed. */
  expiredCounted?: boolean;
}

const expired = (ctx: CallContext, t: number): boolean =>
  (ctx.deadline !== undefined && t >= ctx.deadline) || (ctx.cancelled?.() ?? false);

export class CallRunner {
  private readonly queue: Pending<unknown>[] = [];
  private head = 0;
  private busy = 0;
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly batcher: Batcher<TaskItem> | undefined;
  private readonly executor: Executor;
  private readonly faults: FaultInjector;
  private readonly s: RunnerStats;

  constructor(
    private readonly servable: Servable,
    opts: RunnerOptions,
  ) {
    this.executor = opts.executor;
    this.faults = opts.faults;
    this.batcher = opts.batching ? new Batcher<TaskItem>(opts.batching) : undefined;
    this.s = {
      workers: this.executor.threads ? this.executor.size : 0,
      threads: this.executor.threads,
      batching: !!opts.batching,
      calls: 0,
      ok: 0,
      modelCalls: 0,
      rowsScored: 0,
      paddingRows: 0,
      droppedBeforeDecode: 0,
      droppedInBatchQueue: 0,
      expiredComputed: 0,
      rejectedTooLarge: 0,
      rejectedQueueFull: 0,
      splitTasks: 0,
      handoffMsTotal: 0,
      handoffs: 0,
      peakBusy: 0,
      inFlight: 0,
      busy: 0,
      inBatchQueue: 0,
    };
  }

  /** Calls accepted and not yet answered. */
  get inFlight(): number {
    return this.active;
  }

  stats(): RunnerStats {
    return { ...this.s, inFlight: this.active, busy: this.busy, inBatchQueue: this.batcher?.waiting ?? 0 };
  }

  /** One more worker operation in flight. */
  private occupy(): void {
    this.busy++;
    if (this.busy > this.s.peakBusy) this.s.peakBusy = this.busy;
  }

  /**
   * Run a call whose request arrived at `arrivedAt` (a `now()` reading), decoded on the main
   * thread by `decode` (throws DecodeError / ServingError for bad requests). Never rejects.
   */
  run<T>(arrivedAt: number, decode: () => Decoded<T>, headersAt?: number): Promise<Outcome<T>> {
    return this.enqueue<T>(arrivedAt, headersAt !== undefined ? { headersAt } : {}, { closure: decode });
  }

  /** Run a call of a registered kind; decode and compute go to a worker. Never rejects. */
  runJob<T>(arrivedAt: number, job: CallJob, ctx: CallContext = {}): Promise<Outcome<T>> {
    return this.enqueue<T>(arrivedAt, ctx, { job });
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.executor.close();
  }

  private enqueue<T>(
    arrivedAt: number,
    ctx: CallContext,
    what: { job?: CallJob; closure?: () => Decoded<T> },
  ): Promise<Outcome<T>> {
    this.active++;
    const timing: ServerTiming = {};
    if (ctx.headersAt !== undefined && ctx.headersAt <= arrivedAt) timing.receive = arrivedAt - ctx.headersAt;
    return new Promise<Outcome<T>>((resolve) => {
      const call: Pending<T> = {
        arrivedAt,
        ctx,
        timing,
        ...what,
        finish: (o) => {
          o.timing.total = now() - arrivedAt;
          this.s.calls++;
          if (o.ok) this.s.ok++;
          this.active--;
          resolve(o);
        },
      };
      this.queue.push(call as Pending<unknown>);
      this.pump();
    });
  }

  /** Hand work to free slots: ready batches first (a free batch thread takes one), then the FIFO. */
  private pump(): void {
    while (this.busy < this.executor.size) {
      const t = now();
      const b = this.batcher?.next(t);
      if (b) {
        this.startBatch(b, t);
        continue;
      }
      const call = this.queue[this.head];
      if (!call) break;
      this.queue[this.head++] = undefined as unknown as Pending<unknown>;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      call.timing.queue = t - call.arrivedAt;
      if (expired(call.ctx, t)) {
        this.s.droppedBeforeDecode++;
        call.finish({ ok: false, error: deadlineExceeded(), timing: call.timing });
        continue;
      }
      this.startCall(call);
    }
    this.armTimer();
  }

  /** Wake up when the oldest open batch times out (only needed while a slot is free to take it). */
  private armTimer(): void {
    // With every worker or batch thread busy, the next completion pumps again: no timer (it would spin).
    if (!this.batcher || this.busy >= this.executor.size || this.batcher.running >= this.batcher.params.numBatchThreads)
      return;
    const at = this.batcher.nextTimeout();
    if (at === undefined || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, at - now()),
    );
  }

  private release(stallMs: number, call?: Pending<unknown>): void {
    if (stallMs > 0) {
      const t = now();
      sleep(stallMs).then(() => {
        if (call) call.timing.fault = (call.timing.fault ?? 0) + (now() - t);
        this.busy--;
        this.pump();
      });
      return;
    }
    this.busy--;
    this.pump();
  }

  private startCall(call: Pending<unknown>): void {
    this.occupy();
    call.fault = this.faults.next();
    const batching = !!this.batcher;
    if (call.closure) {
      void this.runClosure(call, batching);
      return;
    }
    const job = call.job!;
    const bytes = this.executor.threads ? ownedBytes(job.bytes) : job.bytes;
    const op: WorkerOp = batching
      ? { op: 'decode', kind: job.kind, bytes, args: job.args }
      : { op: 'call', kind: job.kind, bytes, args: job.args, fail: call.fault.fail };
    const transfer = this.executor.threads ? [bytes.buffer as ArrayBuffer] : [];
    this.executor.run(op, transfer).then((r) => this.afterCallOp(call, r, batching));
  }

  private noteHandoff(timing: ServerTiming, r: ExecResult): void {
    if (r.handoffMs === undefined) return;
    timing.handoff = (timing.handoff ?? 0) + r.handoffMs;
    this.s.handoffMsTotal += r.handoffMs;
    this.s.handoffs++;
  }

  private afterCallOp(call: Pending<unknown>, r: ExecResult, batching: boolean): void {
    const res = r.result;
    Object.assign(call.timing, res.timing);
    this.noteHandoff(call.timing, r);
    const fault = call.fault!;
    // A stall holds the worker only after a successful decode (as before: faults follow decoding).
    const stall = res.ok ? fault.stallMs : 0;
    if (!res.ok) {
      this.release(0);
      call.finish({ ok: false, error: fromOpError(res), timing: call.timing });
      return;
    }
    if (!batching) {
      if (res.timing.compute !== undefined) {
        this.s.modelCalls++;
        this.s.rowsScored += res.rows ?? 0;
      }
      this.release(stall, call);
      this.afterStall(call, stall, { ok: true, value: res.value, timing: call.timing });
      return;
    }
    const kind = callKind(call.job!.kind);
    const d = res.decoded!;
    this.release(stall, call);
    const prepared: Prepared<unknown> = {
      candidates: d.candidates,
      respond: (scores) => kind.respond(this.servable, d.plan, scores),
    };
    if (d.batch) prepared.batch = d.batch;
    if (d.packed) prepared.packed = d.packed;
    this.toBatcher(call, prepared, d.signature);
  }

  private async runClosure(call: Pending<unknown>, batching: boolean): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const timing = call.timing;
    const start = now();
    timing.queue = start - call.arrivedAt;
    let decoded: Decoded<unknown>;
    try {
      try {
        decoded = call.closure!();
      } finally {
        timing.decode = now() - start;
      }
      if (decoded.decompressMs !== undefined) {
        timing.decompress = decoded.decompressMs;
        timing.decode -= decoded.decompressMs;
      }
    } catch (err) {
      this.release(0);
      call.finish({ ok: false, error: toServingError(err), timing });
      return;
    }
    const fault = call.fault!;
    if (batching) {
      this.release(fault.stallMs, call);
      this.toBatcher(
        call,
        { batch: decoded.batch, candidates: decoded.batch.candidates, respond: decoded.respond },
        decoded.signature ?? 'default',
      );
      return;
    }
    let outcome: Outcome<unknown>;
    try {
      if (fault.fail) throw injectedFault();
      const t1 = now();
      const scores = this.servable.model.score(decoded.batch);
      timing.compute = now() - t1;
      this.s.modelCalls++;
      this.s.rowsScored += decoded.batch.candidates;
      outcome = { ok: true, value: decoded.respond(scores), timing };
    } catch (err) {
      outcome = { ok: false, error: toServingError(err), timing };
    }
    this.release(outcome.ok ? fault.stallMs : 0, call);
    this.afterStall(call, outcome.ok ? fault.stallMs : 0, outcome);
  }

  /** Answer after the stall (if any) and the injected delay. */
  private afterStall(call: Pending<unknown>, stallMs: number, outcome: Outcome<unknown>): void {
    const delay = outcome.ok ? call.fault!.delayMs : 0;
    if (stallMs <= 0 && delay <= 0) {
      call.finish(outcome);
      return;
    }
    void (async () => {
      if (stallMs > 0) await sleep(stallMs);
      if (delay > 0) {
        const t = now();
        await sleep(delay);
        outcome.timing.fault = (outcome.timing.fault ?? 0) + (now() - t);
      }
      // The stall's own time was added by release(); make sure it landed before answering.
      await new Promise<void>((resolve) => setImmediate(resolve));
      call.finish(outcome);
    })();
  }

  /** A decoded call joins its signature's batching queue, or is refused with TF Serving's error. */
  private toBatcher(call: Pending<unknown>, prepared: Prepared<unknown>, signature: string): void {
    const fault = call.fault!;
    const t = now();
    if (fault.fail) {
      call.finish({ ok: false, error: injectedFault(), timing: call.timing });
      return;
    }
    if (prepared.candidates === 0) {
      this.afterStall(call, fault.stallMs, {
        ok: true,
        value: prepared.respond(new Float32Array(0)),
        timing: call.timing,
      });
      return;
    }
    const task: BatchTask<TaskItem> = {
      size: prepared.candidates,
      deadline: call.ctx.deadline ?? Infinity,
      enqueuedAt: t,
      piecesLeft: 1,
      item: { call, prepared },
    };
    const err = this.batcher!.schedule(signature, task, t);
    if (err) {
      if (err.code === Status.INVALID_ARGUMENT) this.s.rejectedTooLarge++;
      else this.s.rejectedQueueFull++;
      call.finish({ ok: false, error: err, timing: call.timing });
      return;
    }
    if (task.piecesLeft > 1) this.s.splitTasks++;
    this.pump();
  }

  private startBatch(b: FormedBatch<TaskItem>, t: number): void {
    const tasks = [...new Set(b.pieces.map((p) => p.task))];
    for (const task of tasks) {
      const timing = task.item.call.timing;
      if (timing.batchWait === undefined) timing.batchWait = t - task.enqueuedAt;
    }
    const live = (task: BatchTask<TaskItem>): boolean =>
      task.deadline > t && !(task.item.call.ctx.cancelled?.() ?? false);
    if (!tasks.some(live)) {
      // BatchingSession::ProcessBatch: every task timed out while queued; the batch is not run.
      this.batcher!.done();
      for (const task of tasks) {
        this.s.droppedInBatchQueue++;
        this.failTask(
          task,
          new ServingError(Status.RESOURCE_EXHAUSTED, 'Run() timeout exceeded while waiting in batching queue'),
        );
      }
      this.pump();
      return;
    }
    for (const task of tasks) {
      if (!live(task) && !task.item.expiredCounted) {
        task.item.expiredCounted = true;
        this.s.expiredComputed++;
      }
    }
    // Packed buffers move to the worker unless a task is split (its other pieces still need them).
    const threads = this.executor.threads;
    const rowsIn = (task: BatchTask<TaskItem>): number =>
      b.pieces.reduce((a, p) => a + (p.task === task ? p.end - p.start : 0), 0);
    const transfer: ArrayBuffer[] = [];
    const segments: PackedSegment[] = b.pieces.map((p) => {
      const pr = p.task.item.prepared;
      if (!threads)
        return { batch: pr.batch ?? unpackBatch(this.servable.schema, pr.packed!), start: p.start, end: p.end };
      // A batch decoded on this thread (a closure call) is packed once, here.
      pr.packed ??= packBatch(this.servable.schema, pr.batch!);
      delete pr.batch;
      return { packed: pr.packed, start: p.start, end: p.end };
    });
    if (threads) for (const task of tasks) if (rowsIn(task) === task.size) transfer.push(task.item.prepared.packed!);
    this.occupy();
    this.executor.run({ op: 'score', segments, padTo: b.paddedSize }, transfer).then((r) => {
      this.batcher!.done();
      this.busy--;
      this.afterBatch(b, tasks, r);
      this.pump();
    });
  }

  private afterBatch(b: FormedBatch<TaskItem>, tasks: BatchTask<TaskItem>[], r: ExecResult): void {
    const res = r.result;
    const info: ServerBatchInfo = { size: b.paddedSize, requests: tasks.length };
    if (!res.ok) {
      for (const task of tasks) this.failTask(task, fromOpError(res), info);
      return;
    }
    this.s.modelCalls++;
    this.s.rowsScored += b.paddedSize;
    this.s.paddingRows += b.paddedSize - b.size;
    const scores = res.scores!;
    let at = 0;
    for (const p of b.pieces) {
      const item = p.task.item;
      const n = p.end - p.start;
      if (!item.failed) {
        item.scores ??= new Float32Array(p.task.size);
        item.scores.set(scores.subarray(at, at + n), p.start);
      }
      at += n;
    }
    for (const task of tasks) {
      const item = task.item;
      const timing = item.call.timing;
      timing.merge = (timing.merge ?? 0) + (res.timing.merge ?? 0);
      timing.compute = (timing.compute ?? 0) + (res.timing.compute ?? 0);
      this.noteHandoff(timing, r);
      task.piecesLeft -= b.pieces.filter((p) => p.task === task).length;
      if (item.failed || task.piecesLeft > 0) continue;
      let outcome: Outcome<unknown>;
      try {
        outcome = { ok: true, value: item.prepared.respond(item.scores!), timing, batch: info };
      } catch (err) {
        outcome = { ok: false, error: toServingError(err), timing, batch: info };
      }
      this.afterStall(item.call, 0, outcome);
    }
  }

  private failTask(task: BatchTask<TaskItem>, error: ServingError, info?: ServerBatchInfo): void {
    const item = task.item;
    if (item.failed) return;
    item.failed = true;
    item.call.finish({ ok: false, error, timing: item.call.timing, ...(info ? { batch: info } : {}) });
  }
}

function fromOpError(res: Extract<OpResult, { ok: false }>): ServingError {
  return new ServingError(res.error.code as ServingError['code'], res.error.message, res.error.httpStatus);
}

const injectedFault = (): ServingError =>
  new ServingError(Status.UNAVAILABLE, 'injected fault (--error-rate): the server is pretending to be overloaded');

/** A call dropped before decoding: its deadline passed (or its client left) while it waited for a worker. */
function deadlineExceeded(): ServingError {
  return new ServingError(
    Status.DEADLINE_EXCEEDED,
    'Deadline Exceeded: the call waited in the server queue past its deadline and was dropped before decoding',
  );
}
