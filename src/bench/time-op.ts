// Times one synchronous function with tinybench (one Bench per op, so each op's result can be
// sent to the parent as soon as it exists) and reduces its samples to a RoundSample.
// Samples are capped: a sub-microsecond op (identity compress, a small memcpy) would otherwise
// collect millions of samples in its time budget and spend most of a second sorting them.
import { Bench } from 'tinybench';
import type { MeasurePlan } from './measure-plan.js';
import { summarize, type RoundSample } from './stats.js';

/** Most samples kept per op and round; plenty for a p99. */
export const MAX_SAMPLES = 10_000;

/**
 * Warm up, then sample `fn` until both `plan.timeMs` and `plan.minSamples` are reached.
 * `fn` must return its output so the work cannot be optimised away.
 */
export function timeOp(name: string, fn: () => unknown, plan: MeasurePlan): RoundSample {
  const bench = new Bench({
    time: plan.timeMs,
    iterations: plan.minSamples,
    warmupTime: plan.warmupMs,
    warmupIterations: plan.warmupSamples,
    retainSamples: true,
    throws: true,
    // process.hrtime.bigint: nanosecond resolution, differences taken before conversion.
    timestampProvider: 'hrtimeNow',
  });
  // Stops sampling at MAX_SAMPLES (tinybench then reports `aborted-with-statistics`).
  const cap = new AbortController();
  let calls = 0;
  let counting = false;
  bench.add(
    name,
    () => {
      if (counting && ++calls >= MAX_SAMPLES) cap.abort();
      return fn();
    },
    {
      signal: cap.signal,
      beforeAll(mode) {
        counting = mode === 'run';
        calls = 0;
      },
    },
  );
  const [task] = bench.runSync();
  const result = task?.result;
  if (!result || (result.state !== 'completed' && result.state !== 'aborted-with-statistics')) {
    const why = result?.state === 'errored' ? result.error.message : `state ${result?.state ?? 'missing'}`;
    throw new Error(`timing ${name} failed: ${why}`);
  }
  const samples = result.latency.samples;
  if (!samples || samples.length === 0) throw new Error(`timing ${name}: tinybench kept no samples`);
  return summarize(samples);
}
