// Collects one measured phase: accounting, latency samples (per request and per search from
// the intended start; service time from the send), the stages of every answered request, and
// the open-loop scheduler lag. Nothing is censored: a search over its budget is a sample like
// any other; one cut at the hard cap is kept at the cap and counted as capped. Only searches
// that failed with an error stay out of the latency (they are counted, and named).
import type { Breakdown, BreakdownStage, E2eRun } from '../results/index.js';
import { Accounting } from './accounting.js';
import type { RequestStages, SearchResult } from './fan-out.js';
import { LatencySamples } from './latency-samples.js';

/** The stages of a request, in timeline order (unattributed is what they leave). */
export const STAGES: readonly Exclude<BreakdownStage, 'unattributedMs'>[] = [
  'clientEncodeMs',
  'clientCompressMs',
  'serverReceiveMs',
  'serverDecompressMs',
  'serverQueueMs',
  'serverDecodeMs',
  'serverComputeMs',
  'serverInjectedMs',
  'clientDecodeMs',
];

/** The breakdown averages the requests between these percentiles of own latency. */
const MEDIAN_BAND: readonly [number, number] = [45, 55];

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export class Recorder {
  readonly accounting: Accounting;
  readonly request = new LatencySamples();
  readonly search = new LatencySamples();
  readonly service = new LatencySamples();
  readonly lag = new LatencySamples();
  /** Per answered request: own latency (encode start to decoded) and its stages. */
  private readonly own: number[] = [];
  private readonly stages: (RequestStages & { clientEncodeMs: number })[] = [];
  /** Searches whose actual start was more than 1 ms after the intended one. */
  lateStarts = 0;
  /** Every search that is a latency sample, as [intended start, latency], for the trend through the run. */
  private readonly timeline: [number, number][] = [];

  constructor(
    private readonly budgetMs: number,
    private readonly hardCapMs: number,
  ) {
    this.accounting = new Accounting(budgetMs);
  }

  /** An open-loop search started `lagMs` after its intended time. */
  started(lagMs: number): void {
    this.lag.record(Math.max(0, lagMs));
    if (lagMs > 1) this.lateStarts++;
  }

  /**
   * A due search of `batches` requests that was never sent, `lateMs` after its intended start.
   * Late by the hard cap, its latency is at least the cap: it counts there, like a capped one
   * (leaving it out would keep only the survivors). Dropped for too many in flight, its
   * latency is unknown: it is only counted.
   */
  dropped(batches: number, lateMs = 0): void {
    this.accounting.dropSearch(batches);
    if (lateMs < this.hardCapMs) return;
    this.search.recordCapped(this.hardCapMs);
    for (let i = 0; i < batches; i++) this.request.recordCapped(this.hardCapMs);
  }

  finished(s: SearchResult): void {
    this.accounting.addSearch(s);
    let failed = false;
    let capped = false;
    for (const b of s.batches) {
      if (b.kind === 'error') {
        failed = true;
        continue;
      }
      if (b.kind === 'capped') {
        capped = true;
        this.request.recordCapped(this.hardCapMs);
        this.service.recordCapped(b.endAt - b.sentAt);
        continue;
      }
      this.request.record(b.endAt - s.intendedAt);
      this.service.record(b.endAt - b.sentAt);
      this.own.push(b.endAt - b.startAt);
      this.stages.push({ clientEncodeMs: b.encodeMs, ...b.stages! });
    }
    if (failed) return;
    if (capped) this.search.recordCapped(this.hardCapMs);
    else this.search.record(s.endAt - s.intendedAt);
    this.timeline.push([s.intendedAt, capped ? this.hardCapMs : s.endAt - s.intendedAt]);
  }

  /**
   * Search latency through the run: the median of the first and of the last quarter of the
   * searches (by intended start). A queue that keeps growing makes the last far above the
   * first; a steady state does not. Null with fewer than 8 searches.
   */
  trend(): { firstMs: number; lastMs: number } | null {
    const n = this.timeline.length;
    if (n < 8) return null;
    const byStart = [...this.timeline].sort((a, b) => a[0] - b[0]).map((x) => x[1]);
    const q = Math.floor(n / 4);
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    return { firstMs: round3(median(byStart.slice(0, q))), lastMs: round3(median(byStart.slice(n - q))) };
  }

  /** The requests around the median own latency, stage by stage; null when none was answered. */
  breakdown(): Breakdown | null {
    const n = this.own.length;
    if (n === 0) return null;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.own[a]! - this.own[b]!);
    const from = Math.max(1, Math.ceil((MEDIAN_BAND[0] / 100) * n)) - 1;
    const to = Math.max(from + 1, Math.ceil((MEDIAN_BAND[1] / 100) * n));
    const picked = order.slice(from, to);
    const mean = (get: (i: number) => number): number => picked.reduce((s, i) => s + get(i), 0) / picked.length;
    const latencyMs = mean((i) => this.own[i]!);
    const out = { requests: picked.length, latencyMs: round3(latencyMs) } as Breakdown;
    let attributed = 0;
    for (const stage of STAGES) {
      const v = mean((i) => this.stages[i]![stage]);
      attributed += v;
      out[stage] = round3(v);
    }
    out.unattributedMs = round3(latencyMs - attributed);
    out.attributedShare = latencyMs > 0 ? round3(attributed / latencyMs) : 0;
    return out;
  }

  latency(): E2eRun['latency'] {
    return {
      request: this.request.summary(this.budgetMs),
      search: this.search.summary(this.budgetMs),
      service: this.service.summary(this.budgetMs),
    };
  }
}
