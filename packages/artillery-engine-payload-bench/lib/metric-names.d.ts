// Types of metric-names.js for payload-bench's TypeScript importer.
export declare const PREFIX: 'payload_bench';
export declare const COUNTERS: {
  readonly searchesIntended: 'searches.intended';
  readonly searchesCompleted: 'searches.completed';
  readonly searchesFailed: 'searches.failed';
  readonly searchesDropped: 'searches.dropped';
  readonly searchesLate: 'searches.late';
  readonly searchesUnscheduled: 'searches.unscheduled';
  readonly requestsIntended: 'requests.intended';
  readonly requestsSent: 'requests.sent';
  readonly requestsDropped: 'requests.dropped';
  readonly requestsOk: 'requests.ok';
  readonly requestsClientTimeouts: 'requests.client_timeouts';
  readonly requestsBytes: 'requests.bytes';
  readonly warmupSearches: 'warmup.searches';
  readonly warmupRequestsSent: 'warmup.requests_sent';
};
export declare const ERROR_COUNTER_PREFIX: 'requests.error.';
export declare const HISTOGRAMS: {
  readonly request: 'request_ms';
  readonly service: 'service_ms';
  readonly search: 'search_ms';
  readonly searchService: 'search_service_ms';
  readonly lag: 'lag_ms';
  readonly wireQueue: 'wire_queue_ms';
  readonly serverDecode: 'server_decode_ms';
  readonly serverCompute: 'server_compute_ms';
};
export declare const SEARCH_RATE: 'search_rate';
export declare const GENERATOR_CPU_US: 'payload_bench.generator.cpu_us';
export declare const GENERATOR_CPU_REPORTERS: 'payload_bench.generator.cpu_reporters';
export declare function combinationKey(format: string, compression: string, batchSize: number): string;
export declare function metricName(key: string, metric: string): string;
export declare function errorCounter(code: string): string;
export declare function parseMetricName(name: string): { format: string; compression: string; batchSize: number; key: string; metric: string } | undefined;
