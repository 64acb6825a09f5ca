// Counting that always adds up: for requests, intended = sent + dropped and sent = ok + errors
// (by status) + client timeouts; for searches, intended = completed + failed + dropped. A
// search is complete only when every one of its batches returned OK.
import type { E2eRun } from '../results/index.js';
import type { SearchResult } from './fan-out.js';

export type RequestCounts = E2eRun['requests'];
export type SearchCounts = E2eRun['searches'];

export class Accounting {
  readonly requests: RequestCounts = { intended: 0, sent: 0, dropped: 0, ok: 0, errors: {}, clientTimeouts: 0 };
  readonly searches: SearchCounts = { intended: 0, completed: 0, failed: 0 };
  droppedSearches = 0;

  constructor(readonly batchesPerSearch: number) {}

  /** A search that was due but never sent (too late, or too many in flight). */
  dropSearch(): void {
    this.searches.intended++;
    this.droppedSearches++;
    this.requests.intended += this.batchesPerSearch;
    this.requests.dropped += this.batchesPerSearch;
  }

  /** A search that was sent, once its last batch is back. */
  addSearch(s: SearchResult): void {
    this.searches.intended++;
    if (s.ok) this.searches.completed++;
    else this.searches.failed++;
    const r = this.requests;
    for (const b of s.batches) {
      r.intended++;
      r.sent++;
      if (b.kind === 'ok') r.ok++;
      else if (b.kind === 'timeout') r.clientTimeouts++;
      else {
        const code = b.code ?? 'UNKNOWN';
        r.errors[code] = (r.errors[code] ?? 0) + 1;
      }
    }
  }
}

/** Every identity the counts must satisfy; the first one broken, or undefined. */
export function checkAccounting(requests: RequestCounts, searches: SearchCounts, batchesPerSearch: number): string | undefined {
  const errors = Object.values(requests.errors).reduce((a, b) => a + b, 0);
  if (requests.intended !== requests.sent + requests.dropped) {
    return `requests: intended ${requests.intended} != sent ${requests.sent} + dropped ${requests.dropped}`;
  }
  if (requests.sent !== requests.ok + errors + requests.clientTimeouts) {
    return `requests: sent ${requests.sent} != ok ${requests.ok} + errors ${errors} + client timeouts ${requests.clientTimeouts}`;
  }
  if (requests.intended !== searches.intended * batchesPerSearch) {
    return `requests intended ${requests.intended} != searches intended ${searches.intended} x ${batchesPerSearch} batches`;
  }
  const droppedSearches = requests.dropped / batchesPerSearch;
  if (searches.intended !== searches.completed + searches.failed + droppedSearches) {
    return `searches: intended ${searches.intended} != completed ${searches.completed} + failed ${searches.failed} + dropped ${droppedSearches}`;
  }
  if (searches.completed * batchesPerSearch > requests.ok) return `searches completed ${searches.completed} x ${batchesPerSearch} > requests ok ${requests.ok}`;
  return undefined;
}
