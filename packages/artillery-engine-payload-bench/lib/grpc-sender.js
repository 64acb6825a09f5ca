// @ts-check
// Sends pre-encoded request messages over grpc-js with an identity serializer, exactly as
// payload-bench's own load generator does (src/load/grpc-transport.ts): message compression
// through the channel option (grpc-js has no per-call compression), one local subchannel pool
// per channel so channels do not share a connection, a 16 MiB HTTP/2 receive window, no
// message size limits, the deadline sent as grpc-timeout. A DEADLINE_EXCEEDED at or after the
// client's own deadline is the client's timeout; before it, it came from the server.
import * as grpc from '@grpc/grpc-js';
import { parseTiming } from './timing.js';

const COMPRESSION_ALGORITHM = { identity: 0, deflate: 1, gzip: 2 };
/** Deadline checks allow this much slack for timers firing early. */
export const DEADLINE_SLACK_MS = 2;
const STATUS_NAMES = new Map(Object.entries(grpc.status).filter(([, v]) => typeof v === 'number').map(([k, v]) => [/** @type {number} */ (v), k]));

/** @param {Buffer} b */
const identity = (b) => b;

/**
 * @typedef {import('./timing.js').ServerTiming} ServerTiming
 * @typedef {{ kind: 'ok', endAt: number, timing: ServerTiming, compressMs?: number }
 *   | { kind: 'error', code: string, endAt: number, timing: ServerTiming }
 *   | { kind: 'timeout', endAt: number }} CallResult
 * @typedef {{ call(bytes: Buffer, deadlineAt: number, headers?: Record<string, string>): Promise<CallResult>, close(): void }} Sender
 */

/**
 * @param {{ address: string, path: string, compression: 'identity' | 'gzip' | 'deflate', connections: number }} o
 * @returns {Sender}
 */
export function createGrpcSender(o) {
  /** @type {grpc.ChannelOptions} */
  const options = {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
    'grpc.use_local_subchannel_pool': 1,
    'grpc.default_compression_algorithm': COMPRESSION_ALGORITHM[o.compression],
    'grpc-node.flow_control_window': 16 * 1024 * 1024,
  };
  const clients = Array.from({ length: Math.max(1, o.connections) }, () => new grpc.Client(o.address, grpc.credentials.createInsecure(), options));
  let next = 0;
  return {
    call(bytes, deadlineAt) {
      const client = /** @type {grpc.Client} */ (clients[next]);
      next = (next + 1) % clients.length;
      return new Promise((resolve) => {
        const remaining = deadlineAt - performance.now();
        /** @type {Buffer | undefined} */
        let response;
        const call = client.makeUnaryRequest(o.path, identity, identity, bytes, new grpc.Metadata(), { deadline: Date.now() + Math.max(0, remaining) }, (err, res) => {
          if (!err) response = res;
        });
        // grpc-js runs the callback, then emits 'status' with the trailers, in one go.
        call.on('status', (/** @type {grpc.StatusObject} */ status) => {
          const endAt = performance.now();
          const timing = parseTiming(Object.entries(status.metadata.getMap()));
          if (status.code === grpc.status.OK && response) resolve({ kind: 'ok', endAt, timing });
          else if (status.code === grpc.status.DEADLINE_EXCEEDED && endAt >= deadlineAt - DEADLINE_SLACK_MS) resolve({ kind: 'timeout', endAt });
          else resolve({ kind: 'error', code: status.code === grpc.status.OK ? 'NO_RESPONSE' : (STATUS_NAMES.get(status.code) ?? `STATUS_${status.code}`), endAt, timing });
        });
      });
    },
    close() {
      for (const c of clients) c.close();
    },
  };
}
