// The harness floor's no-op: a unary gRPC method and a REST route that answer at once with the
// request bytes, on the same server process, listeners and connections as the real calls, but
// with no queue, decode or model. The load generator times it to know what the client,
// transport and server machinery cost by themselves (its "harness floor").
import type * as grpc from '@grpc/grpc-js';
import { NOOP_GRPC_PATH } from '../common/harness-paths.js';
import { rawUnaryMethod } from '../common/raw-client.js';

/** The no-op service definition: raw bytes in, the same bytes out. */
export function harnessServiceDefinition(): grpc.ServiceDefinition {
  return { Noop: { ...rawUnaryMethod(NOOP_GRPC_PATH), originalName: 'noop' } };
}

export function harnessServiceHandlers(): grpc.UntypedServiceImplementation {
  const noop: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => callback(null, call.request);
  return { Noop: noop };
}
