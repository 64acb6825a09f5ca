// Where the harness floor's no-op answers: the stub serves these paths, the load generator
// calls them (src/server/harness-noop.ts, src/load/harness-floor.ts).

/** gRPC method path of the no-op (its own service, next to PredictionService). */
export const NOOP_GRPC_PATH = '/payload_bench.Harness/Noop';
/** REST route of the no-op: POST, any body, echoed. */
export const NOOP_REST_PATH = '/payload-bench/noop';
