// The client's decode of Open Inference Protocol responses: the scores out of a gRPC
// ModelInferResponse (raw_output_contents or typed contents) or a REST /v2 infer body
// (JSON "data", or the binary tensor data extension's JSON header + blob).
import { jsonHeaderLength } from '../formats/oip-rest.js';
import type { Format } from '../formats/index.js';
import { readInferResponseOutput } from '../wire/oip-infer-response.js';

const utf8 = new TextDecoder();

export class OipResponseError extends Error {
  override name = 'ResponseError';
}

export function oipScores(format: Format, body: Uint8Array, outputName: string): Float32Array | number[] {
  if (format.transport === 'grpc') {
    try {
      return readInferResponseOutput(body, outputName);
    } catch (err) {
      throw new OipResponseError((err as Error).message);
    }
  }
  const headerLength = jsonHeaderLength(body);
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(body.subarray(0, headerLength)));
  } catch (err) {
    throw new OipResponseError(`response body is not JSON: ${(err as Error).message}`);
  }
  const outputs = (json as { outputs?: unknown }).outputs;
  if (!Array.isArray(outputs)) throw new OipResponseError('OIP response has no "outputs" list');
  let at = headerLength;
  for (const o of outputs as { name?: unknown; data?: unknown; parameters?: { binary_data_size?: unknown } }[]) {
    const size = o.parameters?.binary_data_size;
    if (o.name !== outputName) {
      if (typeof size === 'number') at += size;
      continue;
    }
    if (typeof size === 'number') {
      if (size % 4 !== 0 || at + size > body.length)
        throw new OipResponseError(
          `output "${outputName}": binary_data_size ${size} does not fit the ${body.length - at} bytes left`,
        );
      const v = new Float32Array(size / 4);
      new Uint8Array(v.buffer).set(body.subarray(at, at + size));
      return v;
    }
    if (!Array.isArray(o.data)) throw new OipResponseError(`output "${outputName}" has no "data" list`);
    return o.data.map(Number);
  }
  throw new OipResponseError(`OIP response has no "${outputName}" output`);
}
