// oip-binary: Open Inference Protocol REST with Triton's binary tensor data extension
// (what tritonclient.http sends by default): a JSON header whose inputs carry
// "parameters": {"binary_data_size": N}, then the raw tensor bytes in input order; the
// Inference-Header-Content-Length header gives the JSON length. Asks for the scores as
// binary data too. Without that header (a dump file, the offline benchmark) the JSON
// length is found by scanning for the header's closing brace.
import type { RankingRequest, Schema } from '../tensors/feature-batch.js';
import { decodeOipRest, encodeOipBinary, INFERENCE_HEADER, jsonHeaderLength } from './oip-rest.js';
import { DEFAULT_MODEL, type DecodedRequest, type Format } from './types.js';

export const oipBinary: Format = {
  id: 'oip-binary',
  description:
    'Open Inference Protocol REST with the binary tensor data extension (as tritonclient.http), context once',
  protocol: 'oip',
  transport: 'rest',
  rpc: 'ModelInfer',
  signature: '',
  contentType: 'application/octet-stream',
  encode(req: RankingRequest): Uint8Array {
    return encodeOipBinary(req);
  },
  headers(body: Uint8Array): Record<string, string> {
    return { [INFERENCE_HEADER]: String(jsonHeaderLength(body)) };
  },
  decode(bytes: Uint8Array, schema: Schema): DecodedRequest {
    return { batch: decodeOipRest(bytes, schema, DEFAULT_MODEL, jsonHeaderLength(bytes)).batch };
  },
};
