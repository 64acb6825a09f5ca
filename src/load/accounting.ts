// Counting that must add up, checked against counts kept elsewhere. The recorder counts what
// the searches it was handed say (batches ok, failed, cut at the hard cap; searches dropped);
// the driver counts the searches it scheduled, and the transport the calls it put on the wire
// and how each ended. checkAccounting compares the three, so a lost search, a call sent twice
// or an outcome miscounted shows up as a BUG warning instead of a plausible number.
import type { E2eRun } from '../results/index.js';
import type { SearchResult } from './fan-out.js';
import type { TransportCounts } from './transport.js';

export type RequestCounts = E2eRun['requests'];
export type SearchCounts = E2eRun['searches'];

/** Error codes raised in the client before or after the transport (not a transport outcome). */
export const CLIENT_SIDE_ERRORS = { encode: 'CLIENT_ENCODE_ERROR', response: 'BAD_RESPONSE' } as const;

export class Accounting {
  readonly requests: RequestCounts = { intended: 0, sent: 0, dropped: 0, ok: 0, errors: {}, capped: 0 };
  readonly searches: SearchCounts = { intended: 0, completed: 0, withinBudget: 0, capped: 0, failed: 0, dropped: 0 };

  /** @param budgetMs a completed search within this (from its intended start) counts as within budget */
  constructor(private readonly budgetMs: number) {}

  /** A search that was due but never sent (too late, or too many in flight), of `batches` requests. */
  dropSearch(batches: number): void {
    this.searches.intended++;
    this.searches.dropped++;
    this.requests.intended += batches;
    this.requests.dropped += batches;
  }

  /** A search that was sent, once its last batch is back. */
  addSearch(s: SearchResult): void {
    this.searches.intended++;
    const r = this.requests;
    let failed = false;
    let capped = false;
    for (const b of s.batches) {
      r.intended++;
      r.sent++;
      if (b.kind === 'ok') r.ok++;
      else if (b.kind === 'capped') {
        r.capped++;
        capped = true;
      } else {
        failed = true;
        const code = b.code ?? 'UNKNOWN';
        r.errors[code] = (r.errors[code] ?? 0) + 1;
      }
    }
    if (failed) this.searches.failed++;
    else if (capped) this.searches.capped++;
    else {
      this.searches.completed++;
      if (s.endAt - s.intendedAt <= this.budgetMs) this.searches.withinBudget++;
    }
  }
}

/** What was counted outside the recorder during the measured phase. */
export interface IndependentCounts {
  /** Searches the driver scheduled (sent or dropped). */
  scheduledSearches: number;
  /** Requests those searches were split into (searches x batches, or the replay's own count). */
  scheduledRequests: number;
  /** The transport's own counts over the phase. */
  transport: TransportCounts;
}

/** Every identity the counts must satisfy, own and against the independent counts; the first one broken, or undefined. */
export function checkAccounting(
  requests: RequestCounts,
  searches: SearchCounts,
  independent: IndependentCounts,
): string | undefined {
  const errors = Object.values(requests.errors).reduce((a, b) => a + b, 0);
  const t = independent.transport;
  const encodeErrors = requests.errors[CLIENT_SIDE_ERRORS.encode] ?? 0;
  const badResponses = requests.errors[CLIENT_SIDE_ERRORS.response] ?? 0;
  if (searches.intended !== independent.scheduledSearches) {
    return `searches: ${searches.intended} accounted for, but the driver scheduled ${independent.scheduledSearches}`;
  }
  if (requests.intended !== independent.scheduledRequests) {
    return `requests: ${requests.intended} accounted for, but the searches scheduled were ${independent.scheduledRequests} requests`;
  }
  if (requests.intended !== requests.sent + requests.dropped) {
    return `requests: intended ${requests.intended} != sent ${requests.sent} + dropped ${requests.dropped}`;
  }
  if (requests.sent !== requests.ok + errors + requests.capped) {
    return `requests: sent ${requests.sent} != ok ${requests.ok} + errors ${errors} + capped ${requests.capped}`;
  }
  if (requests.sent - encodeErrors !== t.calls) {
    return `requests: ${requests.sent - encodeErrors} sent (${requests.sent} minus ${encodeErrors} that failed to encode), but the transport put ${t.calls} calls on the wire`;
  }
  if (requests.ok + badResponses !== t.ok)
    return `requests: ${requests.ok} ok + ${badResponses} bad responses, but the transport saw ${t.ok} answered OK`;
  if (requests.capped !== t.capped)
    return `requests: ${requests.capped} capped, but the transport cut ${t.capped} at the hard cap`;
  if (errors - encodeErrors - badResponses !== t.errors) {
    return `requests: ${errors - encodeErrors - badResponses} transport errors accounted for, but the transport saw ${t.errors}`;
  }
  if (searches.intended !== searches.completed + searches.capped + searches.failed + searches.dropped) {
    return `searches: intended ${searches.intended} != completed ${searches.completed} + capped ${searches.capped} + failed ${searches.failed} + dropped ${searches.dropped}`;
  }
  if (searches.withinBudget > searches.completed)
    return `searches: ${searches.withinBudget} within budget > ${searches.completed} completed`;
  if (searches.completed > requests.ok) return `searches completed ${searches.completed} > requests ok ${requests.ok}`;
  return undefined;
}
