// Fault injection for exercising the load generator: a fixed delay per call, a stall
// every Nth call, and a share of calls answered UNAVAILABLE. All applied after the
// request is decoded; the error draws come from a seeded PRNG, so a run is repeatable.
import { now } from '../common/server-timing.js';
import { Prng } from '../scenario/prng.js';

export interface FaultOptions {
  /** Added to every successful call, without holding the worker (other calls proceed). @default 0 */
  delayMs: number;
  /** Every Nth decoded call stalls the worker (0 = never). @default 0 */
  stallEvery: number;
  /** Length of a stall; calls queued behind it wait (their queue time grows). @default 0 */
  stallMs: number;
  /** Share of decoded calls answered UNAVAILABLE, in [0, 1]. @default 0 */
  errorRate: number;
  /** Seed of the error draws. @default 1 */
  seed: number;
}

export const NO_FAULTS: FaultOptions = { delayMs: 0, stallEvery: 0, stallMs: 0, errorRate: 0, seed: 1 };

/** What happens to one call. */
export interface Fault {
  fail: boolean;
  stallMs: number;
  delayMs: number;
}

export class FaultInjector {
  private calls = 0;
  private readonly rng: Prng;

  constructor(private readonly opts: FaultOptions) {
    this.rng = new Prng(opts.seed, 'faults');
  }

  /** The fault for the next decoded call. */
  next(): Fault {
    this.calls++;
    const o = this.opts;
    return {
      fail: o.errorRate > 0 && this.rng.next() < o.errorRate,
      stallMs: o.stallEvery > 0 && o.stallMs > 0 && this.calls % o.stallEvery === 0 ? o.stallMs : 0,
      delayMs: o.delayMs,
    };
  }
}

/** Schedules `fire` after about `ms`; setTimeout by default. */
export type Timer = (fire: () => void, ms: number) => void;
const timeout: Timer = (fire, ms) => void setTimeout(fire, ms);

/**
 * Waits at least `ms` on `clock` (performance.now, the clock the server reports its timing on).
 * Node's timers run on a millisecond loop clock read at the start of a tick, so a bare setTimeout
 * can fire up to ~1 ms early by performance.now: the server would then report a 50 ms injected delay
 * as 49.4 ms. It sleeps again for whatever is left.
 */
export async function sleep(ms: number, clock: () => number = now, timer: Timer = timeout): Promise<void> {
  if (!Number.isFinite(ms)) throw new RangeError(`sleep: expected a finite number of ms, got ${ms}`);
  const end = clock() + ms;
  for (let left = ms; left > 0; left = end - clock()) {
    // setTimeout holds at most 2^31 - 1 ms (more becomes 1 ms).
    await new Promise<void>((resolve) => timer(resolve, Math.min(Math.ceil(left), MAX_TIMER_MS)));
  }
}

const MAX_TIMER_MS = 2 ** 31 - 1;
