// oip-json: Open Inference Protocol REST, POST /v2/models/{name}/infer with every input's
// values as a flat JSON "data" list (tritonclient.http with binary_data=False, KServe's
// V2 JSON). NaN, Infinity and byte strings that are not UTF-8 cannot be carried and are
// refused when encoding; int64 beyond 2^53 is refused when decoding, as the other JSON formats.
import type { RankingRequest, Schema } from '../tensors/feature-batch.js';
import { decodeOipRest, encodeOipJson } from './oip-rest.js';
import { DEFAULT_MODEL, type DecodedRequest, type Format } from './types.js';

export const oipJson: Format = {
  id: 'oip-json',
  description: 'Open Inference Protocol REST /v2/models/{m}/infer, JSON "data" lists, context once',
  protocol: 'oip',
  transport: 'rest',
  rpc: 'ModelInfer',
  signature: '',
  contentType: 'application/json',
  encode(req: RankingRequest): Uint8Array {
    return encodeOipJson(req, 'oip-json');
  },
  decode(bytes: Uint8Array, schema: Schema): DecodedRequest {
    return { batch: decodeOipRest(bytes, schema, DEFAULT_MODEL).batch };
  },
};
