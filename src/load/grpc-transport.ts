// gRPC transport on grpc-js: raw request bytes in (the formats encode them), raw response bytes
// out (decoded and timed by the caller), server timing from the trailing metadata.
//
// - Compression: grpc-js 1.14 compresses outgoing messages only through the channel option
//   `grpc.default_compression_algorithm` (0 identity, 1 deflate, 2 gzip; zlib's default level,
//   in libuv's thread pool); the per-call `grpc-internal-encoding-request` metadata of C-core is
//   not implemented there, so each compression gets its own channels.
// - Connections: each channel gets `grpc.use_local_subchannel_pool`, or grpc-js would share one
//   HTTP/2 connection between channels with equal options.
// - The hard cap goes out as the deadline (grpc-timeout; the server sees it, as with real
//   clients). A DEADLINE_EXCEEDED that arrives before the cap came from the server; at or after
//   it, it is the client's own timer (grpc-js cancels the call locally at the deadline).
import * as grpc from '@grpc/grpc-js';
import { grpcMethodPath, type Format } from '../formats/index.js';
import { parseTiming } from '../common/server-timing.js';
import type { Compression } from './config.js';
import {
  countOutcome,
  DEADLINE_SLACK_MS,
  newCounts,
  type CallResult,
  type Transport,
  type TransportOptions,
} from './transport.js';

const COMPRESSION_ALGORITHM: Record<Compression, number> = { identity: 0, deflate: 1, gzip: 2 };
const STATUS_NAMES = new Map<number, string>(
  Object.entries(grpc.status)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k]),
);

const identity = (b: Buffer): Buffer => b;

export function createGrpcTransport(format: Format, o: TransportOptions): Transport {
  return createGrpcCaller(grpcMethodPath(format), o);
}

/** A transport calling the unary method at `path` (e.g. the harness floor's no-op). */
export function createGrpcCaller(path: string, o: TransportOptions): Transport {
  const options: grpc.ChannelOptions = {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
    'grpc.use_local_subchannel_pool': 1,
    'grpc.default_compression_algorithm': COMPRESSION_ALGORITHM[o.compression],
    // Large client receive window, like the stub's server side (responses are small anyway).
    'grpc-node.flow_control_window': 16 * 1024 * 1024,
  };
  const clients = Array.from(
    { length: Math.max(1, o.connections ?? 1) },
    () => new grpc.Client(o.address, grpc.credentials.createInsecure(), options),
  );
  let next = 0;
  const counts = newCounts();

  return {
    call(bytes, capAt) {
      const client = clients[next]!;
      next = (next + 1) % clients.length;
      counts.calls++;
      return new Promise<CallResult>((done) => {
        const resolve = (r: CallResult): void => void done(countOutcome(counts, r));
        const remaining = capAt - performance.now();
        let response: Buffer | undefined;
        const call = client.makeUnaryRequest<Buffer, Buffer>(
          path,
          identity,
          identity,
          Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          new grpc.Metadata(),
          { deadline: Date.now() + Math.max(0, remaining) },
          (err, res) => {
            if (!err) response = res;
          },
        );
        // grpc-js runs the callback, then emits 'status' with the trailers, in one go.
        call.on('status', (status: grpc.StatusObject) => {
          const endAt = performance.now();
          const md = status.metadata;
          const timing = parseTiming((name) => {
            const v = md.get(name)[0];
            return v === undefined ? undefined : String(v);
          });
          if (status.code === grpc.status.OK && response) {
            resolve({ kind: 'ok', body: response, timing, endAt });
          } else if (status.code === grpc.status.DEADLINE_EXCEEDED && endAt >= capAt - DEADLINE_SLACK_MS) {
            resolve({ kind: 'capped', endAt });
          } else {
            const code =
              status.code === grpc.status.OK
                ? 'NO_RESPONSE'
                : (STATUS_NAMES.get(status.code) ?? `STATUS_${status.code}`);
            resolve({ kind: 'error', code, details: status.details, timing, endAt });
          }
        });
      });
    },
    async ready(timeoutMs) {
      await Promise.all(
        clients.map(
          (c) =>
            new Promise<void>((resolve, reject) =>
              c.waitForReady(Date.now() + timeoutMs, (err) =>
                err ? reject(new Error(`gRPC server at ${o.address} not reachable: ${err.message}`)) : resolve(),
              ),
            ),
        ),
      );
    },
    counts: () => ({ ...counts }),
    close() {
      for (const c of clients) c.close();
    },
  };
}
