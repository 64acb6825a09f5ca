// The harness floor's no-op: a unary gRPC method and a REST route that answer at once with the
// request bytes, on the same server process, listeners and connections as the real calls, but
// with no queue, decode or model. The load generator times it to know what the client,
// transport and server machinery cost by themselves (its "harness floor").
import type * as grpc from '@grpc/grpc-js';

/** gRPC method path of the no-op (its own service, next to PredictionService). */
export const NOOP_GRPC_PATH = '/payload_bench.Harness/Noop';
/** REST route of the no-op: POST, any body, echoed. */
export const NOOP_REST_PATH = '/payload-bench/noop';

const identity = (b: Buffer): Buffer => b;

/** The no-op service definition: raw bytes in, the same bytes out. */
export function harnessServiceDefinition(): grpc.ServiceDefinition {
  return {
    Noop: {
      path: NOOP_GRPC_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
      originalName: 'noop',
    },
  };
}

export function harnessServiceHandlers(): grpc.UntypedServiceImplementation {
  const noop: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => callback(null, call.request);
  return { Noop: noop };
}
