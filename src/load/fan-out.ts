// Fan-out of one search: every batch is encoded and sent (concurrently on the wire), and the
// search completes when its last batch returns. Batches are encoded one after another on the
// event loop, as a single-threaded ranking service would do. Each answered batch carries its
// stages, each from its own measurement: client encode and response decode (timed here),
// client compression (timed by the REST transport; for gRPC, whose grpc-js compresses after
// sending the headers, the server's headers-to-first-byte gap), and the server's receive,
// decompress, queue, decode, compute and injected time (its x-server-* timing).
import type { EncodeOptions, Format } from '../formats/index.js';
import type { ServerTiming } from '../common/server-timing.js';
import type { RankingRequest } from '../tensors/index.js';
import { CLIENT_SIDE_ERRORS } from './accounting.js';
import { decodeScores } from './decode-response.js';
import type { CallResult, Transport } from './transport.js';

export type BatchKind = 'ok' | 'error' | 'capped';

/** Where one answered request's time went, ms (client encode is BatchResult.encodeMs). */
export interface RequestStages {
  clientCompressMs: number;
  serverReceiveMs: number;
  serverDecompressMs: number;
  serverQueueMs: number;
  serverDecodeMs: number;
  serverComputeMs: number;
  serverInjectedMs: number;
  clientDecodeMs: number;
}

export interface BatchResult {
  kind: BatchKind;
  /** Error key (gRPC status name, `HTTP 503`, `BAD_RESPONSE`, ...) when kind is 'error'. */
  code?: string;
  details?: string;
  /** performance.now() when this batch's encode began (its actual start). */
  startAt: number;
  /** When it was handed to the transport (encode done): where service time starts. */
  sentAt: number;
  /** When its response was decoded (or it failed, or was cut). */
  endAt: number;
  encodeMs: number;
  /** Present when the call returned OK and its scores checked out. */
  stages?: RequestStages;
}

/** Sends batch `index` of a search, cut at `capAt`; never rejects. */
export type SendBatch = (index: number, capAt: number) => Promise<BatchResult>;

export interface SearchResult {
  /** When the search was meant to start (open loop) or started (closed loop). */
  intendedAt: number;
  startAt: number;
  /** When its last batch finished: the search's end. */
  endAt: number;
  /** Every batch returned OK. */
  ok: boolean;
  batches: BatchResult[];
}

/** Encodes and sends every batch of one search; resolves when the last one is back. */
export async function runSearch(
  batchCount: number,
  send: SendBatch,
  intendedAt: number,
  capAt: number,
): Promise<SearchResult> {
  const startAt = performance.now();
  const pending: Promise<BatchResult>[] = new Array(batchCount);
  for (let i = 0; i < batchCount; i++) pending[i] = send(i, capAt);
  const batches = await Promise.all(pending);
  let endAt = startAt;
  let ok = true;
  for (const b of batches) {
    if (b.endAt > endAt) endAt = b.endAt;
    if (b.kind !== 'ok') ok = false;
  }
  return { intendedAt, startAt, endAt, ok, batches };
}

/** Sum of the server phases named (phases a server does not report count 0). */
function phases(t: ServerTiming, ...names: string[]): number {
  let sum = 0;
  for (const n of names) sum += (t as Record<string, number | undefined>)[n] ?? 0;
  return sum;
}

/** The server- and transport-measured stages of an answered call, plus the client's decode time. */
export function requestStages(r: Extract<CallResult, { kind: 'ok' }>, clientDecodeMs: number): RequestStages {
  const t = r.timing;
  return {
    clientCompressMs: r.compressMs ?? phases(t, 'firstByte'),
    serverReceiveMs: phases(t, 'receive'),
    serverDecompressMs: phases(t, 'decompress'),
    serverQueueMs: phases(t, 'queue', 'handoff', 'batchWait'),
    serverDecodeMs: phases(t, 'decode'),
    serverComputeMs: phases(t, 'merge', 'compute'),
    serverInjectedMs: phases(t, 'fault'),
    clientDecodeMs,
  };
}

/** The real sender: encode with `format`, send on `transport`, decode and check the scores. */
export function createBatchSender(
  format: Format,
  batches: readonly RankingRequest[],
  encodeOptions: EncodeOptions,
  transport: Transport,
): SendBatch {
  return async (index, capAt) => {
    const batch = batches[index]!;
    const startAt = performance.now();
    let bytes: Uint8Array;
    try {
      bytes = format.encode(batch, encodeOptions);
    } catch (err) {
      const t = performance.now();
      return {
        kind: 'error',
        code: CLIENT_SIDE_ERRORS.encode,
        details: (err as Error).message,
        startAt,
        sentAt: t,
        endAt: t,
        encodeMs: t - startAt,
      };
    }
    const sentAt = performance.now();
    const encodeMs = sentAt - startAt;
    const r = await transport.call(bytes, capAt);
    if (r.kind === 'capped') return { kind: 'capped', startAt, sentAt, endAt: r.endAt, encodeMs };
    if (r.kind === 'error')
      return { kind: 'error', code: r.code, details: r.details, startAt, sentAt, endAt: r.endAt, encodeMs };
    const d0 = performance.now();
    let count: number;
    try {
      count = decodeScores(format, r.body).length;
    } catch (err) {
      return {
        kind: 'error',
        code: CLIENT_SIDE_ERRORS.response,
        details: (err as Error).message,
        startAt,
        sentAt,
        endAt: performance.now(),
        encodeMs,
      };
    }
    const endAt = performance.now();
    if (count !== batch.candidates) {
      return {
        kind: 'error',
        code: CLIENT_SIDE_ERRORS.response,
        details: `${count} scores for ${batch.candidates} candidates`,
        startAt,
        sentAt,
        endAt,
        encodeMs,
      };
    }
    return { kind: 'ok', startAt, sentAt, endAt, encodeMs, stages: requestStages(r, endAt - d0) };
  };
}
