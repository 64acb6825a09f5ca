// The stub's injected delay and stalls wait at least what was asked, on the clock the server
// reports with. A fake clock and timer make it exact: no real time is measured.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sleep, type Timer } from '../src/server/faults.js';

/** A clock that a fake timer advances by `step(ms)` each time it fires. */
function fakeTime(step: (ms: number) => number) {
  let t = 1000;
  const asked: number[] = [];
  const timer: Timer = (fire, ms) => {
    asked.push(ms);
    t += step(ms);
    queueMicrotask(fire);
  };
  return { clock: () => t, timer, asked, elapsed: () => t - 1000 };
}

describe('sleep', () => {
  it('a timer that fires early is waited out: the elapsed time is never below what was asked', async () => {
    // Like Node's setTimeout against performance.now: up to a millisecond early.
    const f = fakeTime((ms) => ms - 0.6);
    await sleep(50, f.clock, f.timer);
    assert.ok(f.elapsed() >= 50, `elapsed ${f.elapsed()} ms`);
    // 49.4, then the remaining 0.6 ms is asked for as 1 ms (fires at 0.4) twice: 50.2.
    assert.deepEqual(f.asked, [50, 1, 1]);
  });

  it('an on-time or late timer is asked once', async () => {
    for (const late of [0, 3.5]) {
      const f = fakeTime((ms) => ms + late);
      await sleep(20, f.clock, f.timer);
      assert.deepEqual(f.asked, [20]);
      assert.equal(f.elapsed(), 20 + late);
    }
  });

  it('zero or negative ms does not wait', async () => {
    const f = fakeTime((ms) => ms);
    await sleep(0, f.clock, f.timer);
    await sleep(-5, f.clock, f.timer);
    assert.deepEqual(f.asked, []);
  });

  it('a wait longer than a timer can hold is asked in parts; NaN and Infinity are refused', async () => {
    const f = fakeTime((ms) => ms);
    await sleep(2 ** 32, f.clock, f.timer);
    assert.deepEqual(f.asked, [2 ** 31 - 1, 2 ** 31 - 1, 2]);
    await assert.rejects(sleep(NaN, f.clock, f.timer), /finite number of ms, got NaN/);
    await assert.rejects(sleep(Infinity, f.clock, f.timer), /got Infinity/);
  });
});
