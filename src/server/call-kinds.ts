// The scoring calls the stub serves, by name, in a form a worker thread can run: `decode`
// turns raw request bytes into the canonical tensors plus a plain-data plan, `respond` turns
// the plan and the scores into the answer. Nothing here touches sockets, so the same code
// runs on the main thread (--workers 0) and in decode-worker.ts; the batcher answers each
// request from its slice of a batch's scores. Another protocol (Open Inference Protocol)
// plugs in with registerCallKind, in a module decode-worker.ts also imports.
import type { FeatureBatch } from '../tensors/feature-batch.js';
import { decodeRestCall, respondRest, type RestCallArgs } from './rest-decode.js';
import {
  decodeInputMethod,
  decodeMultiInference,
  decodePredict,
  respondInputMethod,
  respondMultiInference,
  respondPredict,
} from './rpc-methods.js';
import type { Servable } from './servable.js';

/** A decoded request: its canonical tensors and what answering it needs. */
export interface DecodedCall {
  batch: FeatureBatch;
  /** Plain data (structured-cloneable) for `respond`. */
  plan: unknown;
  /** The signature it runs: TF Serving keeps one batching queue per signature. */
  signature: string;
  /** Time of decompression inside the decode step (REST bodies), reported apart. */
  decompressMs?: number;
}

export interface CallKind {
  /** Throws ServingError / DecodeError for a bad request. */
  decode(servable: Servable, bytes: Uint8Array, args: unknown): DecodedCall;
  /** The answer (plain data: it may be built on a worker and posted back). */
  respond(servable: Servable, plan: unknown, scores: Float32Array): unknown;
}

const KINDS = new Map<string, CallKind>();

export function registerCallKind(id: string, kind: CallKind): void {
  if (KINDS.has(id)) throw new Error(`call kind "${id}" is already registered`);
  KINDS.set(id, kind);
}

export function callKind(id: string): CallKind {
  const k = KINDS.get(id);
  if (!k) throw new Error(`unknown call kind "${id}" (known: ${[...KINDS.keys()].join(', ')})`);
  return k;
}

registerCallKind('Predict', { decode: (s, b) => decodePredict(s, b), respond: respondPredict });
registerCallKind('Classify', {
  decode: (s, b) => decodeInputMethod(s, b, 'Classify'),
  respond: (s, p, x) => respondInputMethod(s, p, x, 'Classify'),
});
registerCallKind('Regress', {
  decode: (s, b) => decodeInputMethod(s, b, 'Regress'),
  respond: (s, p, x) => respondInputMethod(s, p, x, 'Regress'),
});
registerCallKind('MultiInference', { decode: (s, b) => decodeMultiInference(s, b), respond: respondMultiInference });
registerCallKind('rest', { decode: (s, b, a) => decodeRestCall(s, b, a as RestCallArgs), respond: respondRest });
