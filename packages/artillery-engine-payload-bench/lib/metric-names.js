// @ts-check
// Names of every metric the engine emits, in one place: the engine emits them and
// payload-bench's importer (src/report/import-artillery.ts) parses them back, so the two can
// never drift apart. A combination is one format x compression x batch size:
//   payload_bench.<format>.<compression>.b<batch>.<metric>
// Format ids and compressions contain no dots, so a name splits back unambiguously.

export const PREFIX = 'payload_bench';

/** Counters per combination (added up across periods and workers by Artillery). */
export const COUNTERS = /** @type {const} */ ({
  /** Due in the measured phase: completed + capped + failed + dropped. */
  searchesIntended: 'searches.intended',
  /** Every batch answered OK, however late. */
  searchesCompleted: 'searches.completed',
  /** Completed within the budget. */
  searchesWithinBudget: 'searches.within_budget',
  /** Searches (completed or capped) slower than the budget. */
  searchesOverBudget: 'searches.over_budget',
  /** No batch failed, but one was cut at the hard cap. */
  searchesCapped: 'searches.capped',
  /** A batch failed with an error. */
  searchesFailed: 'searches.failed',
  /** Never sent: late by the hard cap when due, or too many in flight. */
  searchesDropped: 'searches.dropped',
  /** Of the dropped, those late by the hard cap: in the latency at the cap, like capped ones. */
  searchesDroppedLate: 'searches.dropped_late',
  /** Searches that started more than 1 ms after their intended time. */
  searchesLate: 'searches.late',
  /** Searches with no known schedule (Poisson or ramp phases): measured from the step's start. */
  searchesUnscheduled: 'searches.unscheduled',
  requestsIntended: 'requests.intended',
  requestsSent: 'requests.sent',
  requestsDropped: 'requests.dropped',
  /** Requests of searches dropped late by the hard cap: in the request latency at the cap. */
  requestsDroppedLate: 'requests.dropped_late',
  requestsOk: 'requests.ok',
  /** Cut by the client at the hard cap. */
  requestsCapped: 'requests.capped',
  /** Requests (answered or capped) slower than the budget, from their search's intended start. */
  requestsOverBudget: 'requests.over_budget',
  /** Requests (answered or capped) whose own service time exceeded the budget. */
  serviceOverBudget: 'service.over_budget',
  /** Uncompressed payload bytes of the requests sent. */
  requestsBytes: 'requests.bytes',
  warmupSearches: 'warmup.searches',
  warmupRequestsSent: 'warmup.requests_sent',
});

/** Per-status error counters: `requests.error.<CODE>` (`HTTP 503` becomes `HTTP_503`). */
export const ERROR_COUNTER_PREFIX = 'requests.error.';

/** Histograms per combination, in milliseconds (Artillery keeps them as DDSketches). */
export const HISTOGRAMS = /** @type {const} */ ({
  /** Per request, from its search's intended start to its answer (capped and dropped-late ones at the cap; errors left out). */
  request: 'request_ms',
  /** Per request, from its own send to its answer (capped ones to the cut). */
  service: 'service_ms',
  /** Per search, from its intended start to its last answer (capped and dropped-late ones at the cap; failed left out). */
  search: 'search_ms',
  /** Per search, from the scenario step's start to its last answer. */
  searchService: 'search_service_ms',
  /** Per search: actual start minus intended start (the load generator's lag). */
  lag: 'lag_ms',
  /** Stages of each answered request (payload-bench's breakdown), from the client and the server's x-server-*-ms timing. */
  clientCompress: 'client_compress_ms',
  serverReceive: 'server_receive_ms',
  serverDecompress: 'server_decompress_ms',
  serverQueue: 'server_queue_ms',
  serverDecode: 'server_decode_ms',
  serverCompute: 'server_compute_ms',
  serverInjected: 'server_injected_ms',
  /** Service time minus every stage above: network, transport, event-loop waits. */
  unattributed: 'unattributed_ms',
});

/** Rate per combination: completed searches per second. */
export const SEARCH_RATE = 'search_rate';

/** Process-wide generator CPU during the measured phases, microseconds (one reporter per process). */
export const GENERATOR_CPU_US = `${PREFIX}.generator.cpu_us`;
/** How many engine instances reported CPU (one per load-generator process). */
export const GENERATOR_CPU_REPORTERS = `${PREFIX}.generator.cpu_reporters`;

/**
 * `<format>.<compression>.b<batch>`
 * @param {string} format @param {string} compression @param {number} batchSize
 */
export function combinationKey(format, compression, batchSize) {
  return `${format}.${compression}.b${batchSize}`;
}

/** @param {string} key @param {string} metric */
export function metricName(key, metric) {
  return `${PREFIX}.${key}.${metric}`;
}

/** @param {string} code */
export function errorCounter(code) {
  return ERROR_COUNTER_PREFIX + code.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * Splits a metric name back into combination and metric; undefined for names that are not
 * per-combination payload_bench metrics.
 * @param {string} name
 * @returns {{ format: string, compression: string, batchSize: number, key: string, metric: string } | undefined}
 */
export function parseMetricName(name) {
  const m = /^payload_bench\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.b(\d+)\.(.+)$/.exec(name);
  if (!m) return undefined;
  const [, format, compression, batch, metric] = /** @type {[string, string, string, string, string]} */ (/** @type {unknown} */ (m));
  return { format, compression, batchSize: Number(batch), key: `${format}.${compression}.b${batch}`, metric };
}
