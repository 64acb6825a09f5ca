// The Format interface: one logical request in, exact wire bytes out, and the
// server's real decoding work back to canonical tensors.
import type { FeatureBatch, RankingRequest, Schema } from '../tensors/feature-batch.js';
import type { ModelSpec } from '../wire/model-spec.js';

export type FormatId =
  | 'json-rows'
  | 'json-columnar'
  | 'tf-example'
  | 'example-list'
  | 'elwc'
  | 'tensor-typed'
  | 'tensor-content'
  | 'tensor-broadcast'
  | 'tensor-packed'
  | 'msgpack-columnar'
  | 'oip-typed'
  | 'oip-raw'
  | 'oip-json'
  | 'oip-binary';

export type Transport = 'grpc' | 'rest';

/** The RPC a format's bytes travel on. */
export type RpcMethod = 'Predict' | 'Classify' | 'Regress' | 'MultiInference' | 'ModelInfer';

/** Which model-server API a format speaks: TF Serving's or the Open Inference Protocol (KServe v2 / Triton). */
export type Protocol = 'tfs' | 'oip';

export interface EncodeOptions {
  /** Model name in the ModelSpec (gRPC) or URL (REST). @default 'ranker' */
  modelName?: string;
  /** Signature to call. @default the format's `signature` */
  signatureName?: string;
}

export interface DecodedRequest {
  batch: FeatureBatch;
  /** The ModelSpec carried in the message (gRPC formats); REST carries it in the URL. */
  modelSpec?: ModelSpec;
  /** MultiInference tasks' method names, when the format travels on MultiInference. */
  tasks?: { modelSpec: ModelSpec; methodName: string }[];
}

export interface Format {
  id: FormatId;
  /** One line for `npm run formats`. */
  description: string;
  transport: Transport;
  /** @default 'tfs' */
  protocol?: Protocol;
  /** gRPC method for grpc formats; REST verb for rest formats (`predict`). */
  rpc: RpcMethod;
  /** Default signature name this format calls. */
  signature: string;
  /** REST content type (rest formats only). */
  contentType?: string;
  /**
   * False when the format cannot carry a NaN's payload bits (JSON has a single `NaN` token,
   * so every NaN decodes as the canonical quiet NaN). Everything else still round-trips bit for bit.
   * @default true
   */
  nanPayloads?: boolean;
  /** Extra HTTP request headers a REST body needs (oip-binary: Inference-Header-Content-Length). */
  headers?(body: Uint8Array): Record<string, string>;
  /** Exactly the bytes that go on the wire: a serialized gRPC request message or a REST body. */
  encode(req: RankingRequest, opts?: EncodeOptions): Uint8Array;
  /**
   * The server's work: parse and gather into canonical tensors, checked against
   * the schema the model was built for. Throws DecodeError (what a server answers
   * INVALID_ARGUMENT to). Returned arrays may view `bytes`.
   */
  decode(bytes: Uint8Array, schema: Schema): DecodedRequest;
}

export const DEFAULT_MODEL = 'ranker';

/** Full method string shown to users, e.g. `/tensorflow.serving.PredictionService/Predict`. */
export function methodLabel(f: Format, modelName = DEFAULT_MODEL): string {
  if (f.transport === 'grpc') return grpcMethodPath(f);
  return `POST ${restPath(f, modelName)}`;
}

/** The gRPC method path a format's messages travel on. */
export function grpcMethodPath(f: Format): string {
  if (f.protocol === 'oip') return `/inference.GRPCInferenceService/${f.rpc}`;
  return `/tensorflow.serving.PredictionService/${f.rpc}`;
}

/** The REST URL path a format's bodies are POSTed to (model name URL-encoded). */
export function restPath(f: Format, modelName = DEFAULT_MODEL): string {
  if (f.protocol === 'oip') return `/v2/models/${encodeURIComponent(modelName)}/infer`;
  return `/v1/models/${encodeURIComponent(modelName)}:${f.rpc.toLowerCase()}`;
}
