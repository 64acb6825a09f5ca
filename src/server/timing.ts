// Where the server's time went on one call, and how it travels back: gRPC trailing
// metadata and REST response headers with the same names, values in milliseconds.
import { performance } from 'node:perf_hooks';

/** Header / trailer names, one per phase. */
export const TIMING_HEADERS = {
  /** Request headers arrived -> complete request message available (upload, flow control; gRPC: and grpc-js's decompression). */
  receive: 'x-server-receive-ms',
  /** Waiting for the (single) worker: arrival of the complete request to start of decode. */
  queue: 'x-server-queue-ms',
  /** REST only: gunzip / inflate of a compressed body (gRPC decompresses inside grpc-js, before the handler). */
  decompress: 'x-server-decompress-ms',
  /** Format.decode: parse the request and gather the canonical tensors (plus routing). */
  decode: 'x-server-decode-ms',
  /** The model scoring every candidate. */
  compute: 'x-server-compute-ms',
  /** Injected stall and delay (--stall-*, --delay-ms). */
  fault: 'x-server-fault-ms',
  /** Arrival of the complete request to the response being handed to the transport (excludes receive). */
  total: 'x-server-total-ms',
} as const;

export type TimingPhase = keyof typeof TIMING_HEADERS;

/** Milliseconds per phase; phases that did not run are absent. */
export type ServerTiming = Partial<Record<TimingPhase, number>>;

export const now = (): number => performance.now();

/** [name, value] pairs for the phases present, values with microsecond resolution. */
export function timingEntries(t: ServerTiming): [string, string][] {
  const out: [string, string][] = [];
  for (const phase of Object.keys(TIMING_HEADERS) as TimingPhase[]) {
    const v = t[phase];
    if (v !== undefined) out.push([TIMING_HEADERS[phase], Math.max(0, v).toFixed(3)]);
  }
  return out;
}

/** Parse timing back from headers / trailers (a client-side helper for the load test). */
export function parseTiming(get: (name: string) => string | undefined): ServerTiming {
  const t: ServerTiming = {};
  for (const phase of Object.keys(TIMING_HEADERS) as TimingPhase[]) {
    const raw = get(TIMING_HEADERS[phase]);
    if (raw === undefined) continue;
    const v = Number(raw);
    if (Number.isFinite(v)) t[phase] = v;
  }
  return t;
}
