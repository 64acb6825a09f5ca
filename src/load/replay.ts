// Replaying recorded requests: each search is the next recorded request (round-robin, from
// the first one again at the start of every measured phase), sliced into batches. Recorded
// requests may differ in candidates, so a search's batch count may vary; the set counts the
// batches of every search it hands out, which the accounting checks its own count against.
import type { RankingRequest } from '../tensors/index.js';
import { splitRequest } from './slice-request.js';

export class ReplaySet {
  /** Per recorded request, its batches. */
  readonly batches: RankingRequest[][];
  private cursor = 0;
  /** Batches of every search handed out (sent or dropped) since the last reset. */
  intendedBatches = 0;

  constructor(requests: readonly RankingRequest[], batchSize: number) {
    if (requests.length === 0) throw new RangeError('ReplaySet: no requests');
    this.batches = requests.map((r) => splitRequest(r, batchSize));
  }

  /** Index of the next search's request; counts its batches as intended. */
  next(): number {
    const i = this.cursor;
    this.cursor = (this.cursor + 1) % this.batches.length;
    this.intendedBatches += this.batches[i]!.length;
    return i;
  }

  /** Start again from the first request (each measured phase replays the same sequence). */
  reset(): void {
    this.cursor = 0;
    this.intendedBatches = 0;
  }
}
