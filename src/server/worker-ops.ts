// What a worker does with one message: run a whole call (decode, score, answer), decode only
// (batching: the batch is scored later with others), or score a batch merged from several
// decoded requests. The same function serves worker threads (decode-worker.ts) and the
// main thread (--workers 0), so the two cannot drift apart. Errors come back as data.
import type { FeatureBatch } from '../tensors/feature-batch.js';
import { callKind } from './call-kinds.js';
import { toServingError, unavailable } from './errors.js';
import { mergeSegments, type BatchSegment } from './merge-batches.js';
import { packBatch, unpackBatch } from './pack-batch.js';
import type { Servable } from './servable.js';
import { now } from '../common/server-timing.js';

/** Milliseconds on a clock every thread shares (performance.now() starts per thread). */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export type WorkerOp =
  /** Decode, score and answer one request; `fail`: an injected fault answers UNAVAILABLE after decoding. */
  | { op: 'call'; kind: string; bytes: Uint8Array; args: unknown; fail: boolean }
  /** Decode only: the batch goes back to the batcher. */
  | { op: 'decode'; kind: string; bytes: Uint8Array; args: unknown }
  /** Merge row ranges of decoded requests (padded to padTo rows) and score them in one model call. */
  | { op: 'score'; segments: PackedSegment[]; padTo: number };

/** Rows [start, end) of a decoded request, as a FeatureBatch (same thread) or packed (pack-batch.ts). */
export interface PackedSegment {
  batch?: FeatureBatch;
  packed?: ArrayBuffer;
  start: number;
  end: number;
}

export interface OpTiming {
  decode?: number;
  decompress?: number;
  merge?: number;
  compute?: number;
}

export type OpResult =
  | {
      ok: true;
      value?: unknown;
      /** Candidates scored by a 'call' op. */
      rows?: number;
      /** A 'decode' op: the batch as is (main thread) or packed into one transferable buffer (worker). */
      decoded?: { batch?: FeatureBatch; packed?: ArrayBuffer; candidates: number; plan: unknown; signature: string };
      scores?: Float32Array;
      timing: OpTiming;
    }
  | { ok: false; error: { code: number; message: string; httpStatus?: number }; timing: OpTiming };

/** Run one op; `transfer` lists the buffers the reply may move instead of copying. */
export function runOp(servable: Servable, msg: WorkerOp, pack = false): { result: OpResult; transfer: ArrayBuffer[] } {
  const timing: OpTiming = {};
  try {
    if (msg.op === 'score') {
      const t0 = now();
      const segments: BatchSegment[] = msg.segments.map((g) => ({
        batch: g.batch ?? unpackBatch(servable.schema, g.packed!),
        start: g.start,
        end: g.end,
      }));
      const merged = mergeSegments(servable.schema, segments, msg.padTo);
      const t1 = now();
      const scores = servable.model.score(merged);
      timing.merge = t1 - t0;
      timing.compute = now() - t1;
      return { result: { ok: true, scores, timing }, transfer: [scores.buffer as ArrayBuffer] };
    }
    const kind = callKind(msg.kind);
    const t0 = now();
    let d;
    try {
      d = kind.decode(servable, msg.bytes, msg.args);
    } finally {
      timing.decode = now() - t0;
    }
    if (d.decompressMs !== undefined) {
      timing.decompress = d.decompressMs;
      timing.decode -= d.decompressMs;
    }
    if (msg.op === 'decode') {
      const meta = { candidates: d.batch.candidates, plan: d.plan, signature: d.signature };
      if (!pack) return { result: { ok: true, decoded: { batch: d.batch, ...meta }, timing }, transfer: [] };
      const packed = packBatch(servable.schema, d.batch);
      return { result: { ok: true, decoded: { packed, ...meta }, timing }, transfer: [packed] };
    }
    if (msg.fail) throw unavailable('injected fault (--error-rate): the server is pretending to be overloaded');
    const t1 = now();
    const scores = servable.model.score(d.batch);
    timing.compute = now() - t1;
    return {
      result: { ok: true, value: kind.respond(servable, d.plan, scores), rows: d.batch.candidates, timing },
      transfer: [],
    };
  } catch (err) {
    const e = toServingError(err);
    return {
      result: {
        ok: false,
        error: { code: e.code, message: e.message, ...(e.httpStatus ? { httpStatus: e.httpStatus } : {}) },
        timing,
      },
      transfer: [],
    };
  }
}
