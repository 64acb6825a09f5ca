// Replaying recorded requests: each search is the next recorded request (round-robin, from
// the first one again at the start of every measured phase), sliced into batches. Recorded
// requests may differ in candidates, so a search's batch count may vary; the accounting
// then counts each search's own batches (dropSearch) and checks the identities against the
// total handed out (checkReplayAccounting) instead of searches x a fixed count.
import type { RankingRequest } from '../tensors/index.js';
import type { Accounting, RequestCounts, SearchCounts } from './accounting.js';
import { splitRequest } from './slice-request.js';

export class ReplaySet {
  /** Per recorded request, its batches. */
  readonly batches: RankingRequest[][];
  /** Batches per search when every request splits into as many; null when they differ. */
  readonly uniformBatches: number | null;
  private cursor = 0;
  /** Batches of every search handed out (sent or dropped) since the last reset. */
  intendedBatches = 0;

  constructor(requests: readonly RankingRequest[], batchSize: number) {
    if (requests.length === 0) throw new RangeError('ReplaySet: no requests');
    this.batches = requests.map((r) => splitRequest(r, batchSize));
    const counts = new Set(this.batches.map((b) => b.length));
    this.uniformBatches = counts.size === 1 ? [...counts][0]! : null;
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

/** A dropped search of `batches` requests (Accounting.dropSearch counts a fixed number). */
export function dropSearch(acc: Accounting, batches: number): void {
  acc.searches.intended++;
  acc.droppedSearches++;
  acc.requests.intended += batches;
  acc.requests.dropped += batches;
}

/** The accounting identities when searches differ in batch count; the first one broken, or undefined. */
export function checkReplayAccounting(requests: RequestCounts, searches: SearchCounts, intendedBatches: number, droppedSearches: number): string | undefined {
  const errors = Object.values(requests.errors).reduce((a, b) => a + b, 0);
  if (requests.intended !== requests.sent + requests.dropped) return `requests: intended ${requests.intended} != sent ${requests.sent} + dropped ${requests.dropped}`;
  if (requests.sent !== requests.ok + errors + requests.clientTimeouts) {
    return `requests: sent ${requests.sent} != ok ${requests.ok} + errors ${errors} + client timeouts ${requests.clientTimeouts}`;
  }
  if (requests.intended !== intendedBatches) return `requests intended ${requests.intended} != ${intendedBatches} batches of the searches intended`;
  if (searches.intended !== searches.completed + searches.failed + droppedSearches) {
    return `searches: intended ${searches.intended} != completed ${searches.completed} + failed ${searches.failed} + dropped ${droppedSearches}`;
  }
  if (searches.completed > requests.ok) return `searches completed ${searches.completed} > requests ok ${requests.ok}`;
  return undefined;
}
