// Reaches the HTTP/2 servers grpc-js creates, for two things grpc-js does not offer:
//
// 1. Large flow-control windows. Node's http2 starts every stream and the connection
//    with a 64 KiB receive window, so a client uploading a 1-2 MB request waits for a
//    WINDOW_UPDATE every 64 KiB, and each one waits for the server's event loop. C++
//    gRPC (TF Serving) grows its windows by BDP probing; grpc-js applies its
//    `grpc-node.flow_control_window` option on the client side only. On every new
//    session we call session.settings({ initialWindowSize }) (per-stream window) and
//    session.setLocalWindowSize() (connection window).
// 2. Receive time: a 'stream' listener placed before grpc-js's stamps the moment the
//    request headers arrived into a header, which grpc-js hands to the handler as
//    metadata. It also notes when the first and the last request byte were read (by
//    wrapping the stream's push, which Node's http2 calls per DATA frame: adding a 'data'
//    listener would start the flow before grpc-js listens). The handler splits the call's
//    arrival into headers -> first byte (grpc-js compresses the message after sending the
//    headers: the client's compression), first -> last byte (receive) and last byte ->
//    handler (grpc-js deframing and decompressing).
//
// grpc-js 1.14 keeps its http2 servers in the private `Server.http2Servers` map. If a
// future version renames it, startServer fails when a window was asked for (instead of
// silently running with 64 KiB windows); pass windowBytes 0 to run without both features.
import type { Http2Server, Http2Session, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { Server } from '@grpc/grpc-js';
import { now } from '../common/server-timing.js';

/** HTTP/2 caps a window at 2^31 - 1 bytes. */
export const MAX_WINDOW_BYTES = 2 ** 31 - 1;
/** Default window: 16 MiB, about what C++ gRPC's BDP probing settles at on a fast link. */
export const DEFAULT_WINDOW_BYTES = 16 * 1024 * 1024;
/** Metadata key carrying the arrival time of a call's headers (server clock, `now()`). */
export const STREAM_START_KEY = 'x-payload-bench-stream-start';
/** Metadata key carrying the stream's id, to look up its byte stamps (takeStreamStamps). */
export const STREAM_ID_KEY = 'x-payload-bench-stream-id';

/** When a call's headers, first and last request byte arrived (`now()` clock). */
export interface StreamStamps {
  headersAt: number;
  firstByteAt?: number;
  lastByteAt?: number;
}

const streamStamps = new Map<string, StreamStamps>();
let nextStreamId = 0;

/** The stamps of the stream whose id a handler found in STREAM_ID_KEY (each taken once). */
export function takeStreamStamps(id: unknown): StreamStamps | undefined {
  if (typeof id !== 'string') return undefined;
  const s = streamStamps.get(id);
  streamStamps.delete(id);
  return s;
}

/** Returns whether receive stamps are attached. Throws if a window was asked for and cannot be set. */
export function attachToHttp2Servers(server: Server, windowBytes: number): boolean {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map)) {
    if (windowBytes === 0) return false;
    throw new Error(
      'cannot set HTTP/2 flow-control windows: this @grpc/grpc-js version has no Server.http2Servers map; ' +
        "pass --window-bytes 0 to run with Node's default 64 KiB windows",
    );
  }
  const onSession = (session: Http2Session): void => {
    try {
      session.settings({ initialWindowSize: windowBytes });
      session.setLocalWindowSize(windowBytes);
    } catch {
      // A session closing while being set up: nothing to enlarge.
    }
  };
  const onStream = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void => {
    const at = now();
    const id = String(++nextStreamId);
    headers[STREAM_START_KEY] = String(at);
    headers[STREAM_ID_KEY] = id;
    const stamps: StreamStamps = { headersAt: at };
    streamStamps.set(id, stamps);
    const push = stream.push;
    stream.push = function (this: ServerHttp2Stream, chunk: unknown, encoding?: BufferEncoding): boolean {
      if (chunk !== null && (chunk as { length?: number }).length) {
        const t = now();
        stamps.firstByteAt ??= t;
        stamps.lastByteAt = t;
      }
      return push.call(this, chunk, encoding);
    };
    stream.once('close', () => streamStamps.delete(id));
  };
  for (const http2Server of servers.keys() as IterableIterator<Http2Server>) {
    if (windowBytes > 0) http2Server.on('session', onSession);
    http2Server.prependListener('stream', onStream);
  }
  return true;
}
