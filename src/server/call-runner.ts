// Runs one call: waits for the single worker (FIFO, so queue time is real waiting),
// decodes, applies injected faults, scores, and records where the time went. The
// worker is held for decode + compute + any stall; an injected delay is served after
// releasing it, like latency that does not use the CPU.
import type { FeatureBatch } from '../tensors/feature-batch.js';
import { toServingError, unavailable, type ServingError } from './errors.js';
import { FaultInjector, sleep, type Fault } from './faults.js';
import type { RankingModel } from './model.js';
import { now, type ServerTiming } from './timing.js';

/** A decoded request: its canonical tensors and how to answer once scored. */
export interface Decoded<T> {
  batch: FeatureBatch;
  respond(scores: Float32Array): T;
  /** Time of decompression inside the decode step (REST bodies), reported apart. */
  decompressMs?: number;
}

export type Outcome<T> =
  | { ok: true; value: T; timing: ServerTiming }
  | { ok: false; error: ServingError; timing: ServerTiming };

export class CallRunner {
  private tail: Promise<void> = Promise.resolve();
  private active = 0;

  constructor(
    private readonly model: RankingModel,
    private readonly faults: FaultInjector,
  ) {}

  /** Calls accepted and not yet answered. */
  get inFlight(): number {
    return this.active;
  }

  /**
   * Run a call whose complete request arrived at `arrivedAt` (a `now()` reading) after
   * its headers arrived at `headersAt` (when known). `decode` throws DecodeError /
   * ServingError for bad requests; never rejects.
   */
  async run<T>(arrivedAt: number, decode: () => Decoded<T>, headersAt?: number): Promise<Outcome<T>> {
    this.active++;
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const prev = this.tail;
    this.tail = prev.then(() => done);
    const timing: ServerTiming = {};
    if (headersAt !== undefined && headersAt <= arrivedAt) timing.receive = arrivedAt - headersAt;
    let fault: Fault | undefined;
    let value: T | undefined;
    let error: ServingError | undefined;
    try {
      await prev;
      // Yield to I/O once per call, so requests arriving meanwhile are stamped and queued.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const start = now();
      timing.queue = start - arrivedAt;
      let decoded: Decoded<T>;
      try {
        decoded = decode();
      } finally {
        timing.decode = now() - start;
      }
      if (decoded.decompressMs !== undefined) {
        timing.decompress = decoded.decompressMs;
        timing.decode -= decoded.decompressMs;
      }
      fault = this.faults.next();
      if (fault.fail) throw unavailable('injected fault (--error-rate): the server is pretending to be overloaded');
      const t1 = now();
      const scores = this.model.score(decoded.batch);
      timing.compute = now() - t1;
      value = decoded.respond(scores);
      if (fault.stallMs > 0) {
        const t = now();
        await sleep(fault.stallMs);
        timing.fault = now() - t;
      }
    } catch (err) {
      error = toServingError(err);
    } finally {
      release();
    }
    if (!error && fault && fault.delayMs > 0) {
      const t = now();
      await sleep(fault.delayMs);
      timing.fault = (timing.fault ?? 0) + (now() - t);
    }
    timing.total = now() - arrivedAt;
    this.active--;
    return error ? { ok: false, error, timing } : { ok: true, value: value as T, timing };
  }
}
