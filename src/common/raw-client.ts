// A gRPC client of PredictionService that sends and receives raw message bytes (the
// formats' encoders produce them), and returns the status, the response bytes and the
// server timing from the trailers. Used by the tests and the load generator (so it lives below
// both server and load).
import * as grpc from '@grpc/grpc-js';
import { METHOD_NAMES, SERVICE_NAME, type MethodName } from './prediction-service.js';
import { parseTiming, type ServerTiming } from './server-timing.js';

export interface RawCallResult {
  /** gRPC status code (0 = OK). */
  code: number;
  details: string;
  /** Response message bytes when OK. */
  response?: Buffer;
  /** Trailing metadata (ASCII values). */
  trailers: Record<string, string>;
  timing: ServerTiming;
}

export interface RawCallOptions {
  /** Deadline from now. @default none */
  deadlineMs?: number;
}

export interface RawClient {
  call(method: MethodName, bytes: Uint8Array, opts?: RawCallOptions): Promise<RawCallResult>;
  close(): void;
}

const identity = (b: Buffer): Buffer => b;

/** A unary gRPC method whose request and response are raw message bytes both ways (no (de)serializing). */
export function rawUnaryMethod(path: string): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
}

/** Raw-bytes PredictionService client. `channelOptions` e.g. grpc.default_compression_algorithm. */
export function createRawClient(address: string, channelOptions: grpc.ChannelOptions = {}): RawClient {
  const def: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  for (const m of METHOD_NAMES) def[m] = rawUnaryMethod(`/${SERVICE_NAME}/${m}`);
  const Ctor = grpc.makeGenericClientConstructor(def, 'PredictionService');
  const client = new Ctor(address, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
    ...channelOptions,
  });
  return {
    call(method, bytes, opts = {}) {
      return new Promise((resolve) => {
        const callOpts: grpc.CallOptions =
          opts.deadlineMs !== undefined ? { deadline: Date.now() + opts.deadlineMs } : {};
        let response: Buffer | undefined;
        let settled = false;
        const fn = (client as unknown as Record<string, (...a: unknown[]) => grpc.ClientUnaryCall>)[method]!.bind(
          client,
        );
        const call = fn(
          Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          new grpc.Metadata(),
          callOpts,
          (err: grpc.ServiceError | null, res?: Buffer) => {
            if (!err) response = res;
          },
        );
        call.on('status', (status: grpc.StatusObject) => {
          if (settled) return;
          settled = true;
          const trailers: Record<string, string> = {};
          for (const [k, v] of Object.entries(status.metadata.getMap()))
            trailers[k] = typeof v === 'string' ? v : v.toString('base64');
          // The callback runs before 'status' for OK calls; give it one tick in case of reordering.
          setImmediate(() =>
            resolve({
              code: status.code,
              details: status.details,
              ...(status.code === grpc.status.OK ? { response } : {}),
              trailers,
              timing: parseTiming((name) => trailers[name]),
            }),
          );
        });
      });
    },
    close: () => client.close(),
  };
}
