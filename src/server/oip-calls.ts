// The Open Inference Protocol's scoring calls as call kinds (call-kinds.ts), so they run on
// the worker pool and the batcher like TF Serving's: `ModelInfer` (gRPC ModelInferRequest
// bytes) and `oip-rest` (a /v2 infer body, JSON or with the binary tensor data extension).
// Decoding is the formats' own code (oip-typed/oip-raw and oip-json/oip-binary decode);
// the model is looked up first, with Triton's errors.
import { decodeModelInfer } from '../formats/oip-grpc.js';
import { decodeOipRest, INFERENCE_HEADER } from '../formats/oip-rest.js';
import { OIP_SCORES_OUTPUT } from '../formats/oip-tensors.js';
import { floatText } from '../formats/json-values.js';
import { encodeModelInferResponse } from '../wire/oip-infer-response.js';
import { registerCallKind, type DecodedCall } from './call-kinds.js';
import { invalidArgument, ServingError, Status } from './errors.js';
import { decompressCapped } from './rest-decode.js';
import type { Servable } from './servable.js';
import { now } from '../common/server-timing.js';

/** The batching queue OIP calls share (one model, one queue, as Triton's dynamic batcher). */
export const OIP_QUEUE = 'oip';

/** Triton's answer when the name or version does not match the model; throws. */
export function checkOipModel(servable: Servable, name: string, version: string): void {
  if (name !== servable.name) throw invalidArgument(`Request for unknown model: '${name}' is not found`);
  if (version === '' || version === String(servable.version)) return;
  if (!/^-?\d+$/.test(version))
    throw invalidArgument(`failed to parse model version '${version}' of model '${name}': expected an integer`);
  if (version === '-1') return;
  throw new ServingError(Status.NOT_FOUND, `Request for unknown model: '${name}' version ${version} is not found`);
}

interface GrpcPlan {
  id: string;
}

/** An HTTP answer of the /v2 routes: status, body, content type and extra headers. */
export interface OipReply {
  status: number;
  body: string | Uint8Array;
  contentType: string;
  headers?: Record<string, string>;
}

/** What a /v2 infer call needs besides its body (plain data: it crosses to workers). */
export interface OipRestArgs {
  model: string;
  version: string;
  /** Inference-Header-Content-Length, when sent (NaN: present but not an integer). */
  headerLength?: number;
  /** Lower-cased Content-Encoding ('' or identity: none). */
  encoding: string;
  maxMessageBytes: number;
  /** Inflation stops past this many bytes (--max-decompressed-bytes). @default maxMessageBytes */
  maxDecompressedBytes?: number;
}

interface RestPlan {
  id?: string;
  binary: boolean;
  modelVersion: string;
}

function decodeGrpc(servable: Servable, bytes: Uint8Array): DecodedCall {
  const d = decodeModelInfer(bytes, servable.schema, (name, version) => checkOipModel(servable, name, version));
  const plan: GrpcPlan = { id: d.id };
  return { batch: d.batch, plan, signature: OIP_QUEUE };
}

function respondGrpc(servable: Servable, plan: unknown, scores: Float32Array): Uint8Array {
  const p = plan as GrpcPlan;
  return encodeModelInferResponse(
    { modelName: servable.name, modelVersion: String(servable.version), id: p.id },
    OIP_SCORES_OUTPUT,
    scores,
  );
}

function decodeRest(servable: Servable, body: Uint8Array, args: OipRestArgs): DecodedCall {
  checkOipModel(servable, args.model, args.version);
  let bytes = body;
  let decompressMs: number | undefined;
  if (args.encoding && args.encoding !== 'identity') {
    const t = now();
    bytes = decompressCapped(body, args.encoding, args);
    decompressMs = now() - t;
  }
  const d = decodeOipRest(bytes, servable.schema, args.model, args.headerLength);
  const plan: RestPlan = {
    binary: d.binaryOutput,
    modelVersion: String(servable.version),
    ...(d.id !== undefined ? { id: d.id } : {}),
  };
  return { batch: d.batch, plan, signature: OIP_QUEUE, ...(decompressMs !== undefined ? { decompressMs } : {}) };
}

function respondRest(servable: Servable, plan: unknown, scores: Float32Array): OipReply {
  const p = plan as RestPlan;
  const head = `${p.id !== undefined ? `"id":${JSON.stringify(p.id)},` : ''}"model_name":${JSON.stringify(servable.name)},"model_version":"${p.modelVersion}"`;
  const out = `"name":"${OIP_SCORES_OUTPUT}","datatype":"FP32","shape":[${scores.length}]`;
  if (!p.binary) {
    const parts = new Array<string>(scores.length);
    for (let i = 0; i < scores.length; i++) parts[i] = floatText(scores[i]!);
    return {
      status: 200,
      contentType: 'application/json',
      body: `{${head},"outputs":[{${out},"data":[${parts.join(',')}]}]}`,
    };
  }
  const json = Buffer.from(`{${head},"outputs":[{${out},"parameters":{"binary_data_size":${scores.byteLength}}}]}`);
  const body = new Uint8Array(json.length + scores.byteLength);
  body.set(json, 0);
  body.set(new Uint8Array(scores.buffer, scores.byteOffset, scores.byteLength), json.length);
  return {
    status: 200,
    contentType: 'application/octet-stream',
    body,
    headers: { [INFERENCE_HEADER]: String(json.length) },
  };
}

registerCallKind('ModelInfer', { decode: (s, b) => decodeGrpc(s, b), respond: respondGrpc });
registerCallKind('oip-rest', { decode: (s, b, a) => decodeRest(s, b, a as OipRestArgs), respond: respondRest });
