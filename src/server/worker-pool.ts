// Where decode and compute run: N worker threads (WorkerPool), or the main thread itself
// (InlineExecutor, --workers 0: the single-threaded stub as it was). The CallRunner hands an
// op to an executor only when it has a free slot, so each worker runs one op at a time and
// the waiting happens in the runner's queue, where it is timed and deadlines are checked.
//
// Request bytes go to a worker by transfer when they own their whole ArrayBuffer, else after
// one copy (a Buffer slicing a pooled or shared ArrayBuffer must not be detached, and cloning
// a view would copy its whole underlying buffer). The hand-off cost (message passing both
// ways) is measured per op on a clock all threads share and reported as `handoff`.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Status } from './errors.js';
import type { WorkerInit } from './decode-worker.js';
import type { Servable } from './servable.js';
import { runOp, wallNow, type OpResult, type WorkerOp } from './worker-ops.js';

export interface ExecResult {
  result: OpResult;
  /** Message passing to the worker and back, ms (worker threads only). */
  handoffMs?: number;
}

export interface Executor {
  /** Ops that can run at once. */
  readonly size: number;
  /** Worker threads (true) or the main thread (false). */
  readonly threads: boolean;
  /** Run an op; the caller has made sure a slot is free. Never rejects. */
  run(op: WorkerOp, transfer: ArrayBuffer[]): Promise<ExecResult>;
  close(): Promise<void>;
}

export const defaultWorkers = (): number => availableParallelism();

/** Bytes ready to post: the same bytes when they own their buffer, else one copy that does. */
export function ownedBytes(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer ? b : b.slice();
}

/** Runs ops on the main thread, one per turn of the event loop (I/O gets stamped in between). */
export class InlineExecutor implements Executor {
  readonly size = 1;
  readonly threads = false;
  constructor(private readonly servable: Servable) {}

  async run(op: WorkerOp): Promise<ExecResult> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return { result: runOp(this.servable, op).result };
  }

  async close(): Promise<void> {}
}

interface Slot {
  worker: Worker;
  pending?: { id: number; resolve: (r: ExecResult) => void };
}

const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('./worker-boot.mjs', import.meta.url)
  : new URL('./decode-worker.js', import.meta.url);

export class WorkerPool implements Executor {
  readonly threads = true;
  private readonly slots: Slot[] = [];
  private readonly idle: Slot[] = [];
  private nextId = 1;
  private closed = false;

  private constructor(
    readonly size: number,
    private readonly init: WorkerInit,
  ) {}

  /** Start `size` workers and wait until each has built its model. */
  static async start(size: number, servable: Servable): Promise<WorkerPool> {
    if (!Number.isSafeInteger(size) || size < 1)
      throw new Error(`worker pool size must be a positive integer, got ${size}`);
    const init: WorkerInit = {
      modelName: servable.name,
      features: [...servable.schema.features],
      modelCost: servable.modelCost,
    };
    const pool = new WorkerPool(size, init);
    try {
      await Promise.all(Array.from({ length: size }, () => pool.spawn()));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  private spawn(): Promise<void> {
    const worker = new Worker(WORKER_URL, { workerData: this.init });
    // An idle worker must not keep the process alive; a busy one is awaited by its caller.
    worker.unref();
    const slot: Slot = { worker };
    this.slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on(
        'message',
        (m: { ready?: true; id?: number; result?: OpResult; handoffIn?: number; doneAt?: number }) => {
          if (m.ready) {
            ready = true;
            this.idle.push(slot);
            resolve();
            return;
          }
          const p = slot.pending;
          if (!p || p.id !== m.id) return;
          slot.pending = undefined;
          this.idle.push(slot);
          p.resolve({ result: m.result!, handoffMs: m.handoffIn! + (wallNow() - m.doneAt!) });
        },
      );
      const lost = (why: string): void => {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        const j = this.idle.indexOf(slot);
        if (j >= 0) this.idle.splice(j, 1);
        if (!ready) {
          reject(new Error(`stub worker thread failed to start: ${why}`));
          return;
        }
        const p = slot.pending;
        slot.pending = undefined;
        p?.resolve({
          result: {
            ok: false,
            error: { code: Status.INTERNAL, message: `stub worker thread died: ${why}` },
            timing: {},
          },
        });
        if (!this.closed) this.spawn().catch(() => undefined);
      };
      worker.on('error', (err) => lost(err.message));
      worker.on('exit', (code) => lost(`exit code ${code}`));
    });
  }

  run(op: WorkerOp, transfer: ArrayBuffer[]): Promise<ExecResult> {
    const slot = this.idle.pop();
    if (!slot) {
      return Promise.resolve({
        result: {
          ok: false,
          error: { code: Status.INTERNAL, message: 'no idle stub worker (runner bug)' },
          timing: {},
        },
      });
    }
    const id = this.nextId++;
    return new Promise<ExecResult>((resolve) => {
      slot.pending = { id, resolve };
      slot.worker.ref();
      const done = resolve;
      slot.pending.resolve = (r) => {
        slot.worker.unref();
        done(r);
      };
      slot.worker.postMessage({ ...op, id, sentAt: wallNow() }, transfer);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
