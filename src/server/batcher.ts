// TF Serving's batch scheduling, one queue per signature, with the semantics of
// SharedBatchScheduler (tensorflow/core/kernels/batching_util/shared_batch_scheduler.h):
// - A queue is a list of batches; the last is open, the others closed. A task goes into the
//   open batch; if it does not fit (max_execution_batch_size), that batch is closed and a new
//   one opened. With enable_large_batch_splitting, a task is cut to fill the open batch and
//   then batches of max_execution_batch_size.
// - Schedule() refuses a task above max_batch_size (INVALID_ARGUMENT "Task size N is larger
//   than maximum input batch size M") and, when the queue holds max_enqueued_batches batches
//   and the task does not fit, answers UNAVAILABLE "The batch scheduling queue to which this
//   task was submitted is full; ...".
// - A free batch thread (num_batch_threads of them) takes the front batch if it is closed,
//   or the open batch once it is full or its oldest task has waited batch_timeout_micros.
//   Queues are served round-robin.
// - Padding to allowed_batch_sizes happens when the batch is run (BatchingSession).
// Pure logic over an injected clock (ms); the CallRunner drives it and runs the batches.
import { ServingError, Status } from './errors.js';
import { effectiveQueue, type BatchingParameters } from './batching-params.js';

/** One request in the batching queue. */
export interface BatchTask<T> {
  /** Rows (candidates): its 0th dimension. */
  size: number;
  /** Absolute deadline on the runner's clock (ms); Infinity when none. */
  deadline: number;
  enqueuedAt: number;
  /** Pieces of this task still to run (more than 1 once split). */
  piecesLeft: number;
  item: T;
}

/** Rows [start, end) of a task in a batch. */
export interface BatchPiece<T> {
  task: BatchTask<T>;
  start: number;
  end: number;
}

export interface FormedBatch<T> {
  signature: string;
  pieces: BatchPiece<T>[];
  /** Rows before padding. */
  size: number;
  /** Rows the model is called with (next allowed batch size). */
  paddedSize: number;
}

class OpenBatch<T> {
  pieces: BatchPiece<T>[] = [];
  size = 0;
}

class SignatureQueue<T> {
  batches: OpenBatch<T>[] = [new OpenBatch<T>()];
  /** When the first task entered the open batch. */
  openStart = 0;

  constructor(
    readonly signature: string,
    private readonly limits: ReturnType<typeof effectiveQueue>,
    private readonly splitting: boolean,
  ) {}

  get open(): OpenBatch<T> {
    return this.batches[this.batches.length - 1]!;
  }

  private capacity(): number {
    const l = this.limits;
    return (l.maxEnqueued - this.batches.length) * l.executionLimit + (l.executionLimit - this.open.size);
  }

  /** Undefined when accepted; TF Serving's error otherwise. */
  schedule(task: BatchTask<T>, now: number): ServingError | undefined {
    const l = this.limits;
    if (task.size > l.inputLimit) {
      return new ServingError(
        Status.INVALID_ARGUMENT,
        `Task size ${task.size} is larger than maximum input batch size ${l.inputLimit}`,
      );
    }
    if (this.splitting) {
      if (task.size > this.capacity()) {
        return new ServingError(
          Status.UNAVAILABLE,
          `The batch scheduling queue to which this task was submitted is full; task size is ${task.size} but scheduling capacity is only ${this.capacity()} ` +
            `(num_enqueued_batches=${this.batches.length}, max_enqueued_batches=${l.maxEnqueued}, open_batch_size=${this.open.size}, max_execution_batch_size=${l.executionLimit})`,
        );
      }
    } else if (this.open.size + task.size > l.inputLimit && this.batches.length >= l.maxEnqueued) {
      return new ServingError(
        Status.UNAVAILABLE,
        `The batch scheduling queue to which this task was submitted is full; currently ${this.batches.length} batches enqueued and max_enqueued_batches is ${l.maxEnqueued}`,
      );
    }
    const pieces: BatchPiece<T>[] = [];
    const room = l.executionLimit - this.open.size;
    if (task.size <= room || !this.splitting) pieces.push({ task, start: 0, end: task.size });
    else {
      let at = 0;
      if (room > 0) pieces.push({ task, start: 0, end: (at = room) });
      while (at < task.size) {
        const end = Math.min(task.size, at + l.executionLimit);
        pieces.push({ task, start: at, end });
        at = end;
      }
    }
    task.piecesLeft = pieces.length;
    for (const p of pieces) {
      const n = p.end - p.start;
      if (this.open.size + n > l.executionLimit) this.batches.push(new OpenBatch<T>());
      if (this.open.size === 0) this.openStart = now;
      this.open.pieces.push(p);
      this.open.size += n;
    }
    return undefined;
  }

  /** Whether a batch can be taken now (a closed one, or the open one full or timed out). */
  schedulable(now: number, timeoutMs: number): boolean {
    if (this.batches.length >= 2) return true;
    const o = this.open;
    return o.size > 0 && (o.size >= this.limits.executionLimit || now >= this.openStart + timeoutMs);
  }

  /** When the open batch becomes schedulable by its timeout (if it holds tasks). */
  timeoutAt(timeoutMs: number): number | undefined {
    return this.batches.length === 1 && this.open.size > 0 ? this.openStart + timeoutMs : undefined;
  }

  take(now: number, timeoutMs: number): OpenBatch<T> | undefined {
    if (!this.schedulable(now, timeoutMs)) return undefined;
    if (this.batches.length === 1) this.batches.push(new OpenBatch<T>());
    return this.batches.shift();
  }

  get tasksWaiting(): number {
    return this.batches.reduce((a, b) => a + b.pieces.length, 0);
  }
}

export class Batcher<T> {
  private readonly queues = new Map<string, SignatureQueue<T>>();
  private order: string[] = [];
  private nextQueue = 0;
  private processing = 0;
  private readonly timeoutMs: number;

  constructor(readonly params: BatchingParameters) {
    this.timeoutMs = params.batchTimeoutMicros / 1000;
  }

  /** Enqueue a task for `signature`; returns TF Serving's error when refused. */
  schedule(signature: string, task: BatchTask<T>, now: number): ServingError | undefined {
    let q = this.queues.get(signature);
    if (!q) {
      q = new SignatureQueue<T>(signature, effectiveQueue(this.params), this.params.enableLargeBatchSplitting);
      this.queues.set(signature, q);
      this.order.push(signature);
    }
    return q.schedule(task, now);
  }

  /** A batch to run now, if a batch thread is free and some queue has one ready (round-robin). */
  next(now: number): FormedBatch<T> | undefined {
    if (this.processing >= this.params.numBatchThreads) return undefined;
    for (let k = 0; k < this.order.length; k++) {
      const idx = (this.nextQueue + k) % this.order.length;
      const q = this.queues.get(this.order[idx]!)!;
      const b = q.take(now, this.timeoutMs);
      if (!b) continue;
      this.nextQueue = (idx + 1) % this.order.length;
      this.processing++;
      return {
        signature: q.signature,
        pieces: b.pieces,
        size: b.size,
        paddedSize: paddedSize(this.params.allowedBatchSizes, b.size),
      };
    }
    return undefined;
  }

  /** A batch handed out by next() has finished (its thread is free again). */
  done(): void {
    this.processing--;
  }

  /** Earliest time a waiting open batch times out, for the runner's timer. */
  nextTimeout(): number | undefined {
    let t: number | undefined;
    for (const q of this.queues.values()) {
      const at = q.timeoutAt(this.timeoutMs);
      if (at !== undefined && (t === undefined || at < t)) t = at;
    }
    return t;
  }

  /** Tasks (pieces) waiting in all queues. */
  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.tasksWaiting;
    return n;
  }

  get running(): number {
    return this.processing;
  }
}

/** RoundToLowestAllowedBatchSize: the smallest allowed size >= n, or n when none is. */
export function paddedSize(allowed: readonly number[], n: number): number {
  for (const s of allowed) if (s >= n) return s;
  return n;
}
