// Where the server's time went on one call, and how it travels back: gRPC trailing
// metadata and REST response headers with the same names, values in milliseconds.
import { performance } from 'node:perf_hooks';

/** Header / trailer names, one per phase. */
export const TIMING_HEADERS = {
  /** gRPC: request headers -> first message byte (grpc-js compresses the message after sending the headers: the client's compression). */
  firstByte: 'x-server-first-byte-ms',
  /** REST: request headers -> complete body. gRPC: first -> last message byte read (upload, flow control, waiting for the event loop). */
  receive: 'x-server-receive-ms',
  /** Waiting for a free worker: arrival of the complete request to the call being handed to one. */
  queue: 'x-server-queue-ms',
  /** Worker threads: handing the request to the worker and the result back (message passing), both ways. */
  handoff: 'x-server-handoff-ms',
  /** REST: gunzip / inflate of a compressed body. gRPC: last message byte -> handler (grpc-js deframing and decompressing). */
  decompress: 'x-server-decompress-ms',
  /** Format.decode: parse the request and gather the canonical tensors (plus routing). */
  decode: 'x-server-decode-ms',
  /** Batching: decoded request enqueued -> its batch started on a worker (TF Serving's batching queue). */
  batchWait: 'x-server-batch-wait-ms',
  /** Batching: concatenating the batch's requests along dimension 0 (plus padding), TF Serving's MergeInputTensors. */
  merge: 'x-server-merge-ms',
  /** The model scoring every candidate (with batching: the whole batch's model call). */
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

/** Batching facts of the model call that served a call (absent without batching). */
export const BATCH_HEADERS = {
  /** Candidates in the model call, padding included. */
  size: 'x-server-batch-size',
  /** Requests (tasks) whose rows were in that model call. */
  requests: 'x-server-batch-requests',
} as const;

export interface ServerBatchInfo {
  size: number;
  requests: number;
}

/** [name, value] pairs of a call's batch facts. */
export function batchEntries(b: ServerBatchInfo | undefined): [string, string][] {
  return b
    ? [
        [BATCH_HEADERS.size, String(b.size)],
        [BATCH_HEADERS.requests, String(b.requests)],
      ]
    : [];
}

/** Parse batch facts back from headers / trailers; undefined when the server did not batch. */
export function parseBatchInfo(get: (name: string) => string | undefined): ServerBatchInfo | undefined {
  const size = Number(get(BATCH_HEADERS.size));
  const requests = Number(get(BATCH_HEADERS.requests));
  return Number.isInteger(size) && Number.isInteger(requests) && size > 0 && requests > 0
    ? { size, requests }
    : undefined;
}
