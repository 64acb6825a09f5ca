// What the load generator needs from a transport: send one encoded request with a hard cap,
// get back how it ended, when, the response bytes and the server's own timing. One
// implementation per wire (grpc-transport.ts, rest-transport.ts). Each transport counts the
// calls it puts on the wire and how they end, independently of the recorder (accounting.ts).
import type { ServerTiming } from '../common/server-timing.js';
import type { Compression } from './config.js';

export type CallResult =
  /** `compressMs`: client compression timed by the transport (REST; grpc-js compresses inside its channel). */
  | { kind: 'ok'; body: Uint8Array; timing: ServerTiming; endAt: number; compressMs?: number }
  /** `code`: gRPC status name (INVALID_ARGUMENT, DEADLINE_EXCEEDED sent by the server, ...), `HTTP 503`, or a socket error code. */
  | { kind: 'error'; code: string; details: string; timing: ServerTiming; endAt: number }
  /** The client cut the call at its hard cap (no answer by then). */
  | { kind: 'capped'; endAt: number };

export interface TransportCounts {
  /** Calls put on the wire. */
  calls: number;
  ok: number;
  errors: number;
  capped: number;
}

export interface Transport {
  /** Sends one request; `capAt` is the performance.now() time at which it is cut. Never rejects. */
  call(bytes: Uint8Array, capAt: number): Promise<CallResult>;
  /** Resolves when connected (or rejects with why not), within `timeoutMs`. */
  ready(timeoutMs: number): Promise<void>;
  /** Counts since the transport was created (take the difference over a phase). */
  counts(): TransportCounts;
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

/**
 * A deadline cut counts as reaching the hard cap when it comes at most this early. grpc-js sets
 * its deadline on Date.now (whole milliseconds) and fires it on a libuv timer (whole
 * milliseconds, up to ~1 ms early against performance.now): up to ~2 ms early together, so 2
 * was the worst case exactly; 5 leaves room for a loaded machine's clock reads. A server's own
 * DEADLINE_EXCEEDED 5 ms before the cap is the same deadline expiring, so it is capped too.
 */
export const DEADLINE_SLACK_MS = 5;

/** A fresh set of counts, and the bookkeeping every transport does on one call. */
export function newCounts(): TransportCounts {
  return { calls: 0, ok: 0, errors: 0, capped: 0 };
}

export function countOutcome(c: TransportCounts, r: CallResult): CallResult {
  if (r.kind === 'ok') c.ok++;
  else if (r.kind === 'capped') c.capped++;
  else c.errors++;
  return r;
}

/** `after - before`, field by field. */
export function countsSince(before: TransportCounts, after: TransportCounts): TransportCounts {
  return {
    calls: after.calls - before.calls,
    ok: after.ok - before.ok,
    errors: after.errors - before.errors,
    capped: after.capped - before.capped,
  };
}
