// The open-loop pacer: when each search is meant to start, independent of how fast the server
// answers (that independence is what keeps open-loop latency free of coordinated omission).
// Constant spacing or Poisson arrivals (exponential gaps from a seeded PRNG, so a run's
// schedule is reproducible).
import { Prng } from '../scenario/index.js';

export type Arrival = 'constant' | 'poisson';

export interface Pacer {
  /** Offset in ms from the run start of the next intended send. */
  next(): number;
}

/** `rate` sends per second. */
export function createPacer(rate: number, arrival: Arrival, seed = 1): Pacer {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`pacer: expected a rate > 0 per second, got ${rate}`);
  const gapMs = 1000 / rate;
  if (arrival === 'constant') {
    let i = 0;
    return { next: () => i++ * gapMs };
  }
  const rng = new Prng(seed, 'poisson-arrivals');
  let t = 0;
  return {
    next: () => {
      // Inverse-CDF exponential gap; 1 - u keeps the log finite.
      t += -Math.log(1 - rng.next()) * gapMs;
      return t;
    },
  };
}
