// The client's response decode: the scores out of a PredictResponse (output "scores"),
// RegressionResponse, ClassificationResponse or MultiInferenceResponse, or out of a REST
// JSON / msgpack body. Timed by the load generator as "client response decode"; a response
// whose score count is not the batch's candidate count is a bad response, not a success.
import { unpack } from 'msgpackr';
import type { Format } from '../formats/index.js';
import { parseServingJson } from '../formats/json-parse.js';
import { ProtoReader, readMapEntry } from '../wire/proto-reader.js';
import { readTensorProto } from '../wire/tensor-proto.js';
import { oipScores } from './oip-response.js';

/** The output tensor the stub (and a typical ranking model) answers Predict with. */
export const SCORES_OUTPUT = 'scores';

export class ResponseError extends Error {
  override name = 'ResponseError';
}

/** Scores of one response; throws ResponseError when the body holds no usable scores. */
export function decodeScores(format: Format, body: Uint8Array, outputName = SCORES_OUTPUT): Float32Array | number[] {
  if (format.protocol === 'oip') return oipScores(format, body, outputName);
  if (format.transport === 'rest')
    return format.contentType === 'application/msgpack' ? msgpackScores(body, outputName) : jsonScores(body);
  switch (format.rpc) {
    case 'Predict':
      return predictScores(body, outputName);
    case 'Regress':
    case 'Classify':
      return responseScores(new ProtoReader(body));
    case 'MultiInference':
      return multiInferenceScores(body);
    case 'ModelInfer':
      return oipScores(format, body, outputName);
  }
}

/** PredictResponse: outputs = 1 (map<string, TensorProto>), model_spec = 2. */
function predictScores(body: Uint8Array, outputName: string): Float32Array {
  const r = new ProtoReader(body);
  const seen: string[] = [];
  while (!r.done()) {
    const t = r.tag();
    if (t !== ((1 << 3) | 2)) {
      r.skip(t & 7);
      continue;
    }
    const { key, value } = readMapEntry(r.sub());
    seen.push(key);
    if (key !== outputName || !value) continue;
    const tensor = readTensorProto(value, key);
    if (!(tensor.values instanceof Float32Array))
      throw new ResponseError(`output "${key}" is ${tensor.dtype}, expected float32 scores`);
    return tensor.values;
  }
  throw new ResponseError(`PredictResponse has no "${outputName}" output (outputs: ${seen.join(', ') || 'none'})`);
}

/**
 * RegressionResponse / ClassificationResponse: result = 1 (RegressionResult or
 * ClassificationResult); their entries are field 1 of the result.
 */
function responseScores(r: ProtoReader): number[] {
  while (!r.done()) {
    const t = r.tag();
    if (t === ((1 << 3) | 2)) return resultScores(r.sub());
    r.skip(t & 7);
  }
  throw new ResponseError('response has no result');
}

/**
 * RegressionResult: regressions = 1 { value = 1 }. ClassificationResult: classifications = 1
 * { classes = 1 { score = 2 } } (the last class's score per example: the positive class of a
 * binary classifier).
 */
function resultScores(result: ProtoReader): number[] {
  const out: number[] = [];
  while (!result.done()) {
    const u = result.tag();
    if (u === ((1 << 3) | 2)) out.push(lastFloat(result.sub()));
    else result.skip(u & 7);
  }
  return out;
}

/** Regression { value = 1 } or Classifications { classes = 1 { label = 1, score = 2 } }. */
function lastFloat(r: ProtoReader): number {
  let v = 0;
  while (!r.done()) {
    const t = r.tag();
    if (t === ((1 << 3) | 5)) v = r.float();
    else if (t === ((1 << 3) | 2)) {
      const c = r.sub();
      while (!c.done()) {
        const u = c.tag();
        if (u === ((2 << 3) | 5)) v = c.float();
        else c.skip(u & 7);
      }
    } else r.skip(t & 7);
  }
  return v;
}

/** MultiInferenceResponse: results = 1 { classification_result = 2 | regression_result = 3 }; scores of the first result. */
function multiInferenceScores(body: Uint8Array): number[] {
  const r = new ProtoReader(body);
  while (!r.done()) {
    const t = r.tag();
    if (t !== ((1 << 3) | 2)) {
      r.skip(t & 7);
      continue;
    }
    const result = r.sub();
    while (!result.done()) {
      const u = result.tag();
      if (u === ((2 << 3) | 2) || u === ((3 << 3) | 2)) return resultScores(result.sub());
      result.skip(u & 7);
    }
  }
  throw new ResponseError('MultiInferenceResponse has no results');
}

/** TF Serving REST: {"predictions": [...]} (row format) or {"outputs": [...] | {"scores": [...]}} (columnar). */
function jsonScores(body: Uint8Array): number[] {
  let json: unknown;
  try {
    // TF Serving writes non-finite scores as NaN / Infinity / -Infinity tokens.
    json = parseServingJson(body);
  } catch (err) {
    throw new ResponseError(`response body is not JSON: ${(err as Error).message}`);
  }
  const o = json as { predictions?: unknown; outputs?: unknown };
  let list = o.predictions ?? o.outputs;
  if (list && typeof list === 'object' && !Array.isArray(list)) list = (list as Record<string, unknown>)[SCORES_OUTPUT];
  if (!Array.isArray(list)) throw new ResponseError('JSON response has no "predictions" or "outputs" list');
  return list.map((x) => (Array.isArray(x) ? Number(x[0]) : Number(x)));
}

/** msgpack {outputs: {scores: {dtype: 'float32', shape: [N], data: <bytes>}}}. */
function msgpackScores(body: Uint8Array, outputName: string): Float32Array {
  let o: unknown;
  try {
    o = unpack(body);
  } catch (err) {
    throw new ResponseError(`response body is not msgpack: ${(err as Error).message}`);
  }
  const t = (o as { outputs?: Record<string, { data?: unknown }> }).outputs?.[outputName];
  const data = t?.data;
  if (!(data instanceof Uint8Array) || data.length % 4 !== 0)
    throw new ResponseError(`msgpack response has no float32 "${outputName}" output`);
  const copy = new Float32Array(data.length / 4);
  new Uint8Array(copy.buffer).set(data);
  return copy;
}
