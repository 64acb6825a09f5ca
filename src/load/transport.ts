// What the load generator needs from a transport: send one encoded request with a deadline,
// get back how it ended, when, the response bytes and the server's own timing. One
// implementation per wire (grpc-transport.ts, rest-transport.ts).
import type { ServerTiming } from '../server/timing.js';
import type { Compression } from './config.js';

export type CallResult =
  | { kind: 'ok'; body: Uint8Array; timing: ServerTiming; endAt: number }
  /** `code`: gRPC status name (INVALID_ARGUMENT, DEADLINE_EXCEEDED sent by the server, ...), `HTTP 503`, or a socket error code. */
  | { kind: 'error'; code: string; details: string; timing: ServerTiming; endAt: number }
  /** The client's own deadline passed first. */
  | { kind: 'timeout'; endAt: number };

export interface Transport {
  /** Sends one request; `deadlineAt` is a performance.now() time. Never rejects. */
  call(bytes: Uint8Array, deadlineAt: number): Promise<CallResult>;
  /** Resolves when connected (or rejects with why not), within `timeoutMs`. */
  ready(timeoutMs: number): Promise<void>;
  close(): void;
}

export interface TransportOptions {
  /** `host:port`. */
  address: string;
  compression: Compression;
  /** gRPC: channels (connections) to round-robin over. REST: keep-alive socket cap (null: unlimited). */
  connections: number | null;
  modelName: string;
}

/** Deadline checks allow this much slack for timers firing early (libuv timers have 1 ms resolution). */
export const DEADLINE_SLACK_MS = 2;
