// How a bench child prepares each JavaScript op before timing it: the JIT warmup's call count
// and its cap, and the allocator settings children start with. Counts, not times.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PLAN } from '../src/bench/measure-plan.js';
import { JIT_WARMUP_CALLS, jitWarmUp } from '../src/bench/time-op.js';

describe('jitWarmUp', () => {
  it('calls a fast op JIT_WARMUP_CALLS times', () => {
    let calls = 0;
    jitWarmUp(() => calls++, { ...DEFAULT_PLAN, warmupMs: 1000 });
    assert.equal(calls, JIT_WARMUP_CALLS);
  });

  it('stops a slow op at 10x the warmup time, after at least one call', () => {
    const pause = new Int32Array(new SharedArrayBuffer(4));
    let calls = 0;
    // Each call blocks 30 ms; the cap is 10 x 2 ms: the first call runs, no second one starts.
    jitWarmUp(
      () => {
        calls++;
        Atomics.wait(pause, 0, 0, 30);
      },
      { ...DEFAULT_PLAN, warmupMs: 2 },
    );
    assert.equal(calls, 1);
  });
});
