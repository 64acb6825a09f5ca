// Collects one measured phase: accounting, latency histograms (per request and per search, from
// the intended start; service time from the actual start), the per-request breakdown, and the
// open-loop scheduler lag. Timed-out and failed requests are counted, never put in the latency
// histograms (a deadline overrun is not a latency sample).
import type { E2eRun } from '../results/index.js';
import { Accounting } from './accounting.js';
import type { SearchResult } from './fan-out.js';
import { LatencyHistogram } from './histogram.js';

export class Recorder {
  readonly accounting: Accounting;
  readonly request = new LatencyHistogram();
  readonly search = new LatencyHistogram();
  readonly service = new LatencyHistogram();
  readonly lag = new LatencyHistogram();
  readonly encode = new LatencyHistogram();
  readonly wireQueue = new LatencyHistogram();
  readonly serverDecode = new LatencyHistogram();
  readonly serverCompute = new LatencyHistogram();
  readonly clientDecode = new LatencyHistogram();
  /** Searches whose actual start was more than 1 ms after the intended one. */
  lateStarts = 0;

  constructor(batchesPerSearch: number) {
    this.accounting = new Accounting(batchesPerSearch);
  }

  /** An open-loop search started `lagMs` after its intended time. */
  started(lagMs: number): void {
    this.lag.recordMs(Math.max(0, lagMs));
    if (lagMs > 1) this.lateStarts++;
  }

  dropped(): void {
    this.accounting.dropSearch();
  }

  finished(s: SearchResult): void {
    this.accounting.addSearch(s);
    for (const b of s.batches) {
      this.encode.recordMs(b.encodeMs);
      if (b.kind !== 'ok' || !b.parts) continue;
      this.request.recordMs(b.endAt - s.intendedAt);
      this.service.recordMs(b.endAt - b.startAt);
      this.wireQueue.recordMs(b.parts.wireQueueMs);
      this.serverDecode.recordMs(b.parts.serverDecodeMs);
      this.serverCompute.recordMs(b.parts.serverComputeMs);
      this.clientDecode.recordMs(b.parts.clientDecodeMs);
    }
    if (s.ok) this.search.recordMs(s.endAt - s.intendedAt);
  }

  breakdown(): E2eRun['breakdown'] {
    const med = (h: LatencyHistogram): number => (h.count === 0 ? 0 : Math.round(h.percentileMs(50) * 1000) / 1000);
    return {
      clientEncodeMs: med(this.encode),
      wireQueueMs: med(this.wireQueue),
      serverDecodeMs: med(this.serverDecode),
      serverComputeMs: med(this.serverCompute),
      clientDecodeMs: med(this.clientDecode),
    };
  }

  destroy(): void {
    for (const h of [this.request, this.search, this.service, this.lag, this.encode, this.wireQueue, this.serverDecode, this.serverCompute, this.clientDecode]) h.destroy();
  }
}
