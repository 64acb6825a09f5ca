// Public surface of the stub TF Serving server.
export * from './batching-params.js';
export { paddedSize } from './batcher.js';
export { registerCallKind, type CallKind, type DecodedCall } from './call-kinds.js';
export type { RunnerStats } from './call-runner.js';
export * from './create-server.js';
export * from './errors.js';
export * from './faults.js';
export * from './model.js';
export * from './servable.js';
export * from './signatures.js';
export * from '../common/server-timing.js';
export { DEFAULT_WINDOW_BYTES, MAX_WINDOW_BYTES } from './grpc-http2.js';
export { METHOD_NAMES, SERVICE_NAME, type MethodName } from './grpc-service.js';
export { STATS_PATH } from './rest-handler.js';
export { defaultWorkers } from './worker-pool.js';
export { createRawClient, type RawCallOptions, type RawCallResult, type RawClient } from '../common/raw-client.js';
