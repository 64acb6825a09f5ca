// Ours and the peers are timed in alternating blocks (src/bench/time-interleaved.ts). A fake
// clock that each call advances by a set cost makes every count exact; no real time is measured.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLOCKS, PER_BLOCK, timeInterleaved, type BlockLog } from '../src/bench/time-interleaved.js';
import { MAX_SAMPLES } from '../src/bench/time-op.js';

/** Entries whose calls cost `costs[i]` fake ms each; counts calls. */
function fake(costs: number[], minSamples: number[]) {
  let t = 0;
  const calls = costs.map(() => 0);
  const entries = costs.map((c, i) => ({
    name: `e${i}`,
    minSamples: minSamples[i]!,
    fn: () => {
      calls[i]!++;
      t += c;
      return i;
    },
  }));
  return { entries, calls, clock: () => t };
}

describe('timeInterleaved', () => {
  it('gives each entry its time budget and minimum samples, in blocks of timeMs / BLOCKS', () => {
    const f = fake([1, 0.5, 40], [4, 4, 3]);
    const log: BlockLog = [];
    const out = timeInterleaved(f.entries, { timeMs: 16 }, log, f.clock);
    // 16 ms in blocks of 2 ms: 2 timed calls of 1 ms, 4 of 0.5 ms per block, 8 blocks each, and
    // one untimed call before each block.
    assert.deepEqual(
      out.map((s) => s.count),
      [16, 32, 3],
    );
    assert.deepEqual(f.calls, [16 + BLOCKS, 32 + BLOCKS, 3 + 3]);
    assert.deepEqual(
      out.map((s) => [s.min, s.max]),
      [
        [1, 1],
        [0.5, 0.5],
        [40, 40],
      ],
    );
    // A call longer than the budget still runs minSamples times, one per block.
    assert.equal(log.filter((i) => i === 2).length, 3);
    assert.equal(log.filter((i) => i === 0).length, BLOCKS);
  });

  it('alternates: no entry runs two blocks in a row while another still needs samples', () => {
    const f = fake([1, 1, 1], [4, 4, 4]);
    const log: BlockLog = [];
    timeInterleaved(f.entries, { timeMs: 16 }, log, f.clock);
    assert.equal(log.length, 3 * BLOCKS);
    for (let k = 1; k < log.length; k++) assert.notEqual(log[k], log[k - 1], `block ${k}: ${log.join(',')}`);
    // The order rotates, so no entry always runs first after the collection.
    assert.deepEqual(log.slice(0, 6), [0, 1, 2, 1, 2, 0]);
  });

  it('an entry done early stops; the others go on alternating', () => {
    const f = fake([1, 0.25], [1, 40]);
    const log: BlockLog = [];
    const out = timeInterleaved(f.entries, { timeMs: 8 }, log, f.clock);
    assert.equal(out[0]!.count, 8);
    // 8 ms in 1 ms blocks is 32 calls of 0.25 ms, but it needs 40: one more block each after.
    assert.equal(out[1]!.count, 40);
    assert.equal(log.filter((i) => i === 0).length, BLOCKS);
  });

  it('two entries alternate strictly', () => {
    const f = fake([1, 2], [4, 4]);
    const log: BlockLog = [];
    timeInterleaved(f.entries, { timeMs: 16 }, log, f.clock);
    assert.deepEqual(
      log,
      Array.from({ length: 2 * BLOCKS }, (_, k) => k % 2),
    );
  });

  it('an op too fast for the clock still spreads its samples over BLOCKS blocks', () => {
    const f = fake([0, 1], [4, 4]);
    const log: BlockLog = [];
    const out = timeInterleaved(f.entries, { timeMs: 16 }, log, f.clock);
    assert.equal(out[0]!.count, MAX_SAMPLES);
    assert.equal(log.filter((i) => i === 0).length, Math.ceil(MAX_SAMPLES / PER_BLOCK));
    assert.ok(Math.ceil(MAX_SAMPLES / PER_BLOCK) === BLOCKS);
  });
});
