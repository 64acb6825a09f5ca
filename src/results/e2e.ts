// The end-to-end part of the results file: one E2eRun per cell (format x compression x
// batch size x link) and the harness floor of the run. Latency is never censored: every
// search is timed to its answer, or to the hard cap, and percentiles come with the sample
// size and confidence interval behind them.

/** One percentile of a latency sample, with its 95 % confidence interval. */
export interface PercentileEstimate {
  /** Percentile, 0 < p < 100, e.g. 50, 99, 99.9. */
  p: number;
  /** The order statistic of rank ceil(p / 100 x count) (nearest rank). */
  ms: number;
  /**
   * 95 % confidence interval, distribution-free: the order statistics whose ranks the binomial
   * distribution of "samples below the true percentile" gives. null: the sample is too small
   * to bound that side (the interval reaches past its smallest or largest value).
   */
  lowMs: number | null;
  highMs: number | null;
}

/**
 * Latency in milliseconds of every search (or request) that was sent and did not fail with an
 * error: timed to its answer however late, or cut at the hard cap and counted at the cap.
 */
export interface LatencySummary {
  count: number;
  /**
   * Of `count`, cut at the hard cap without an answer, or never sent because the load generator
   * was already that late (dropped): recorded at the cap, their true latency is higher.
   */
  capped: number;
  /** Of `count`, slower than the run's budget (`budgetMs`), capped ones included. */
  overBudget: number;
  minMs: number;
  /** Mean over `count` (a lower bound when some were capped). */
  meanMs: number;
  maxMs: number;
  /**
   * Percentiles the sample supports, ascending: p is listed only with count >= 1 / (1 - p / 100)
   * (p90 10, p99 100, p99.9 1,000 samples), each with its confidence interval.
   */
  percentiles: PercentileEstimate[];
  /** When some were capped: how many were answered, and their median (null: none was). */
  answered?: number;
  answeredMedianMs?: number | null;
}

/**
 * Where the median request's time went: the mean of each stage over the requests whose own
 * latency (client encode start to response decoded) lies between the 45th and 55th percentile.
 * Every stage is its own measurement; `unattributedMs` is what they leave of `latencyMs`.
 */
export interface Breakdown {
  /** Requests averaged. */
  requests: number;
  /** Their mean own latency: the stages plus unattributed add up to it. */
  latencyMs: number;
  /** Format.encode on the client. */
  clientEncodeMs: number;
  /** Client compression: REST timed in the client; gRPC (grpc-js compresses after sending the headers) the gap the server sees between the request headers and the first message byte. */
  clientCompressMs: number;
  /** Server: first to last request byte read (upload, flow control, waiting for the server's event loop). */
  serverReceiveMs: number;
  /** Server: inflating the body (REST, in the stub) or grpc-js deframing and decompressing (gRPC). */
  serverDecompressMs: number;
  /** Server: waiting for a worker (and for a batch, with batching), handing the call over. */
  serverQueueMs: number;
  /** Server: Format.decode. */
  serverDecodeMs: number;
  /** Server: the model (merging a batch included). */
  serverComputeMs: number;
  /** Server: injected stall and delay (--delay-ms, --stall-*). */
  serverInjectedMs: number;
  /** Client: decoding the response and checking its scores. */
  clientDecodeMs: number;
  /** latencyMs minus every stage: network and transport (framing, syscalls, event-loop waits); negative if stages overlap. */
  unattributedMs: number;
  /** Share of latencyMs the stages account for (1 - unattributed / latency). */
  attributedShare: number;
}

export type BreakdownStage = Exclude<keyof Breakdown, 'requests' | 'latencyMs' | 'attributedShare'>;

/** The stub server of a cell: workers, TF Serving batching, and its own counters over the cell. */
export interface StubRunInfo {
  /** Worker threads (0 = main thread); null: the stub's default (one per core). */
  workers: number | null;
  /** The batching parameters file (--enable-batching), or null when batching was off. */
  batching: string | null;
  /** Model invocations per search sent (a batch counts once); absent when the stub could not be asked. */
  modelCallsPerSearch?: number;
  /** Calls the stub dropped unprocessed because their deadline passed while queued. */
  droppedExpired?: number;
}

export interface E2eRun {
  scenario: string;
  format: string;
  /** gRPC message compression or REST body encoding: identity | gzip | deflate. */
  compression: string;
  batchSize: number;
  mode: 'closed' | 'open';
  concurrency?: number;
  /** Open loop: offered searches per second. */
  targetRate?: number;
  arrival?: 'constant' | 'poisson';
  /**
   * --rate auto: the offered load is common to every format of this batch size, compression and
   * link: `fraction` of the one-at-a-time rate of the fastest of them (`from`).
   */
  commonRate?: { from: string; fraction: number; serialSearchMs: number };
  target: string;
  /** The spawned stub's set-up and what it did in this cell (absent with --target). */
  server?: StubRunInfo;
  bandwidth?: string;
  rttMs?: number;
  /** Searches per cell asked for (--requests) and what this cell got to schedule (fewer when slow). */
  searchTarget: number;
  /** Median time of one search at a time, measured in warmup (ms); 0 when not measured. */
  serialSearchMs: number;
  /** First intended start to last answer, s. */
  durationS: number;
  /** `requests`: the cell's search count was reached; `duration`: its time cap. */
  endReason: 'duration' | 'requests' | 'interrupted' | 'error';
  /** Per-search budget (SLO) and the hard cap at which a search is cut, ms from its intended start. */
  budgetMs: number;
  hardCapMs: number;
  requests: {
    /** Batches of every search due: sent + dropped. */
    intended: number;
    /** Handed to the transport (or failed to encode): ok + errors + capped. */
    sent: number;
    dropped: number;
    ok: number;
    /** By gRPC status name, `HTTP nnn`, socket error code, BAD_RESPONSE, CLIENT_ENCODE_ERROR. */
    errors: Record<string, number>;
    /** Cut by the client at the hard cap. */
    capped: number;
  };
  searches: {
    /** Due in the measured phase: completed + capped + failed + dropped. */
    intended: number;
    /** Every batch answered OK, however late. */
    completed: number;
    /** Completed within the budget (SLO attainment = withinBudget / intended). */
    withinBudget: number;
    /** No batch failed, but one was cut at the hard cap. */
    capped: number;
    /** A batch failed with an error. */
    failed: number;
    /** Never sent: due when the load generator was already late by the hard cap, or too many in flight. */
    dropped: number;
  };
  /** Completed searches per second over durationS. */
  achievedRate: number;
  /**
   * Open loop: the cell could not keep up with the offered load: answers came more than 10 % slower
   * than offered, or latency kept growing (the last quarter's median over twice the first's, and by
   * more than a fifth of the budget).
   */
  saturated: boolean;
  latency: {
    /** Per request, from its search's intended start. */
    request: LatencySummary;
    /** Per search (its last batch), from its intended start. */
    search: LatencySummary;
    /** Per request, from handing it to the transport (after encode) to its response decoded. */
    service: LatencySummary;
  };
  /** Null when no request was answered. */
  breakdown: Breakdown | null;
  cost: {
    clientCpuMsPerSearch: number;
    serverCpuMsPerSearch: number;
    coresPer1kSearchesPerSec: number;
    monthlyUsd?: number;
  };
  schedulerLagP99Ms: number;
  warnings: string[];
}

/**
 * The harness's own cost: a no-op call through the same client, transport and server process
 * as the cells, one at a time. Differences between cells smaller than this cannot be read.
 */
export interface HarnessFloor {
  transport: 'grpc' | 'rest';
  target: string;
  /** What was called: the stub's no-op, or on another server the cheapest call it has. */
  call: string;
  calls: number;
  /** Round trip per call, back to back, ms. */
  latency: LatencySummary;
  /** Round trip of calls each made after `gapMs` idle (as paced searches arrive: waking an idle process costs time too). */
  idle: { gapMs: number; latency: LatencySummary };
  clientCpuMsPerCall: number;
  /** null when the server's CPU cannot be read (--target, or no /proc). */
  serverCpuMsPerCall: number | null;
}
