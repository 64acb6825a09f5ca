// Times one synchronous function with tinybench (one Bench per op, so each op's result can be
// sent to the parent as soon as it exists) and reduces its samples to a RoundSample.
// Samples are capped: a sub-microsecond op (identity compress, a small memcpy) would otherwise
// collect millions of samples in its time budget and spend most of a second sorting them.
import { Bench } from 'tinybench';
import type { MeasurePlan } from './measure-plan.js';
import { summarize, type RoundSample } from './stats.js';

/** Most samples kept per op and round; plenty for a p99. */
export const MAX_SAMPLES = 10_000;

/** Calls before sampling a JavaScript op (encode, decode, a peer library), for V8 to finish optimizing it. */
export const JIT_WARMUP_CALLS = 100;

/**
 * Runs `fn` JIT_WARMUP_CALLS times or for 10 x `plan.warmupMs`, whichever ends first. A
 * format's encode timed after tinybench's short warmup alone was still partly unoptimized:
 * tensor-content encode had a median of 2.0-3.3 ms in five fresh processes, and 0.7-1.0 ms
 * after 30-100 calls (etsy-search, this 2-core machine). Native work (codecs) does not need it.
 * Ends with a full garbage collection.
 */
export function jitWarmUp(fn: () => unknown, plan: MeasurePlan): void {
  const capMs = plan.warmupMs * 10;
  const start = performance.now();
  for (let i = 0; i < JIT_WARMUP_CALLS && performance.now() - start < capMs; i++) fn();
  // Then a full collection where the process allows it (bench children run with --expose-gc):
  // garbage left by the warmup and the op timed before (a tf-example encode leaves ~100 MB)
  // would otherwise be collected during this op's samples and charged to it.
  (globalThis as { gc?: () => void }).gc?.();
}

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
