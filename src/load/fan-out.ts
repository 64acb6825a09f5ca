// Fan-out of one search: every batch is encoded and sent (concurrently on the wire), and the
// search completes when its last batch returns. Each batch's time is split into client encode,
// wire + queue, server decode, server compute (from the server's timing) and client response
// decode. Batches are encoded one after another on the event loop, as a single-threaded
// ranking service would do.
import type { EncodeOptions, Format } from '../formats/index.js';
import type { RankingRequest } from '../tensors/index.js';
import { decodeScores } from './decode-response.js';
import type { Transport } from './transport.js';

export type BatchKind = 'ok' | 'error' | 'timeout';

export interface BatchResult {
  kind: BatchKind;
  /** Error key (gRPC status name, `HTTP 503`, `BAD_RESPONSE`, ...) when kind is 'error'. */
  code?: string;
  details?: string;
  /** performance.now() when this batch's encode began (its actual start). */
  startAt: number;
  /** performance.now() when its response was decoded (or it failed). */
  endAt: number;
  encodeMs: number;
  /** Present when the call returned OK. */
  parts?: { wireQueueMs: number; serverDecodeMs: number; serverComputeMs: number; clientDecodeMs: number };
}

/** Sends batch `index` of a search; never rejects. */
export type SendBatch = (index: number, deadlineAt: number) => Promise<BatchResult>;

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
export async function runSearch(batchCount: number, send: SendBatch, intendedAt: number, deadlineAt: number): Promise<SearchResult> {
  const startAt = performance.now();
  const pending: Promise<BatchResult>[] = new Array(batchCount);
  for (let i = 0; i < batchCount; i++) pending[i] = send(i, deadlineAt);
  const batches = await Promise.all(pending);
  let endAt = startAt;
  let ok = true;
  for (const b of batches) {
    if (b.endAt > endAt) endAt = b.endAt;
    if (b.kind !== 'ok') ok = false;
  }
  return { intendedAt, startAt, endAt, ok, batches };
}

/** The real sender: encode with `format`, send on `transport`, decode and check the scores. */
export function createBatchSender(format: Format, batches: readonly RankingRequest[], encodeOptions: EncodeOptions, transport: Transport): SendBatch {
  return async (index, deadlineAt) => {
    const batch = batches[index]!;
    const startAt = performance.now();
    let bytes: Uint8Array;
    try {
      bytes = format.encode(batch, encodeOptions);
    } catch (err) {
      const t = performance.now();
      return { kind: 'error', code: 'CLIENT_ENCODE_ERROR', details: (err as Error).message, startAt, endAt: t, encodeMs: t - startAt };
    }
    const sentAt = performance.now();
    const encodeMs = sentAt - startAt;
    const r = await transport.call(bytes, deadlineAt);
    if (r.kind === 'timeout') return { kind: 'timeout', startAt, endAt: r.endAt, encodeMs };
    if (r.kind === 'error') return { kind: 'error', code: r.code, details: r.details, startAt, endAt: r.endAt, encodeMs };
    const d0 = performance.now();
    let count: number;
    try {
      count = decodeScores(format, r.body).length;
    } catch (err) {
      return { kind: 'error', code: 'BAD_RESPONSE', details: (err as Error).message, startAt, endAt: performance.now(), encodeMs };
    }
    const endAt = performance.now();
    if (count !== batch.candidates) {
      return { kind: 'error', code: 'BAD_RESPONSE', details: `${count} scores for ${batch.candidates} candidates`, startAt, endAt, encodeMs };
    }
    const serverDecodeMs = r.timing.decode ?? 0;
    const serverComputeMs = r.timing.compute ?? 0;
    return {
      kind: 'ok',
      startAt,
      endAt,
      encodeMs,
      parts: {
        wireQueueMs: Math.max(0, r.endAt - sentAt - serverDecodeMs - serverComputeMs),
        serverDecodeMs,
        serverComputeMs,
        clientDecodeMs: endAt - d0,
      },
    };
  };
}
