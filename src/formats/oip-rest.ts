// Shared by the two REST Open Inference Protocol formats: the JSON body
// `{"inputs": [{"name", "shape", "datatype", "data" | "parameters": {"binary_data_size"}}]}`
// of POST /v2/models/{name}/infer, and Triton's binary tensor data extension (the JSON
// header first, then each binary input's bytes in input order; the
// Inference-Header-Content-Length request header gives the JSON length). One decoder
// serves both, with Triton's framing errors.
import type { DType } from '../scenario/types.js';
import type { FeatureBatch, RankingRequest, Schema, Values } from '../tensors/feature-batch.js';
import { allocValues } from '../tensors/feature-batch.js';
import { OIP_DATATYPE } from '../wire/oip-datatypes.js';
import { rawByteLength, readRaw, writeRaw } from '../wire/oip-raw.js';
import { DecodeError } from '../wire/proto-reader.js';
import type { NamedTensor } from '../tensors/named-tensor.js';
import { floatText, flattenInto, nestedShape, storeFlat } from './json-values.js';
import { assembleOip, OIP_SCORES_OUTPUT, oipTensors, type OipInput } from './oip-tensors.js';

/** The request header naming the JSON part's length (binary tensor data extension). */
export const INFERENCE_HEADER = 'Inference-Header-Content-Length';

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** JSON list body of a tensor's values, refusing what OIP JSON cannot carry, with the feature named. */
function dataText(t: NamedTensor, formatId: string): string {
  const v = t.values;
  const parts = new Array<string>(v.length);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      try {
        parts[i] = JSON.stringify(strictUtf8.decode(v[i]!));
      } catch {
        throw new Error(
          `${formatId}: input "${t.name}" element ${i} is not valid UTF-8; OIP JSON carries BYTES elements as JSON strings and has no base64 form (use oip-binary or a gRPC format)`,
        );
      }
    }
  } else if (v instanceof Float32Array) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (!Number.isFinite(x))
        throw new Error(
          `${formatId}: input "${t.name}" element ${i} is ${x}; JSON has no NaN or Infinity (use oip-binary or a gRPC format)`,
        );
      parts[i] = floatText(x);
    }
  } else for (let i = 0; i < v.length; i++) parts[i] = v[i]!.toString();
  return parts.join(',');
}

const head = (t: NamedTensor): string =>
  `"name":${JSON.stringify(t.name)},"shape":[${t.shape.join(',')}],"datatype":"${OIP_DATATYPE[t.dtype]}"`;

/** The all-JSON body: every input's values in "data" (flat, row-major). */
export function encodeOipJson(req: RankingRequest, formatId: string): Uint8Array {
  const parts = oipTensors(req).map((t) => `{${head(t)},"data":[${dataText(t, formatId)}]}`);
  return utf8.encode(`{"inputs":[${parts.join(',')}]}`);
}

/** The binary-extension body: JSON header with binary_data_size per input, then the data; asks for binary scores. */
export function encodeOipBinary(req: RankingRequest): Uint8Array {
  const tensors = oipTensors(req);
  const sizes = tensors.map((t) => rawByteLength(t.values));
  const parts = tensors.map((t, i) => `{${head(t)},"parameters":{"binary_data_size":${sizes[i]}}}`);
  const header = utf8.encode(
    `{"inputs":[${parts.join(',')}],"outputs":[{"name":"${OIP_SCORES_OUTPUT}","parameters":{"binary_data":true}}]}`,
  );
  const out = new Uint8Array(header.length + sizes.reduce((a, b) => a + b, 0));
  out.set(header, 0);
  let at = header.length;
  for (const t of tensors) at = writeRaw(t.values, out, at);
  return out;
}

/**
 * Length of the JSON object a body starts with (its closing brace found by a scan that
 * skips strings), or the body length when it never closes. How a body without its
 * Inference-Header-Content-Length header (a dump file, the offline benchmark) is split.
 */
export function jsonHeaderLength(body: Uint8Array): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return body.length;
}

export interface DecodedOipRest {
  batch: FeatureBatch;
  id?: string;
  /** The client asked for the scores as binary data (output parameter or binary_data_output). */
  binaryOutput: boolean;
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Values of one JSON "data" entry (flat or nested row-major), checked against the element count. */
function jsonData(data: unknown, dtype: DType, count: number, shape: readonly number[], name: string): Values {
  if (!Array.isArray(data)) throw new DecodeError(`Unable to parse 'data' of input '${name}': expected a JSON array`);
  const out = allocValues(dtype, count);
  const what = `input "${name}" data`;
  if (dtype === 'bytes') {
    const flat = data.flat(shape.length);
    if (flat.length !== count)
      throw new DecodeError(`${what}: shape [${shape.join(',')}] needs ${count} elements, got ${flat.length}`);
    for (let i = 0; i < count; i++) {
      const x = flat[i];
      if (typeof x !== 'string')
        throw new DecodeError(`${what}[${i}]: expected a string for BYTES, got ${JSON.stringify(x)?.slice(0, 40)}`);
      (out as Uint8Array[])[i] = utf8.encode(x);
    }
    return out;
  }
  if (data.length === count && (count === 0 || !Array.isArray(data[0]))) {
    storeFlat(data, dtype, out, 0, what);
    return out;
  }
  const got = nestedShape(data);
  if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
    throw new DecodeError(
      `${what}: shape [${shape.join(',')}] needs ${count} elements (flat, or nested as the shape), got a list shaped [${got.join(',')}]`,
    );
  }
  flattenInto(data, shape, 0, dtype, out, 0, what);
  return out;
}

function shapeOf(x: unknown, name: string): number[] {
  if (!Array.isArray(x) || !x.every((d) => Number.isSafeInteger(d))) {
    throw new DecodeError(
      `Unable to parse 'shape' of input '${name}': expected a list of integers, got ${JSON.stringify(x)?.slice(0, 60)}`,
    );
  }
  return x as number[];
}

/**
 * Server side of POST /v2/models/{model}/infer: `headerLength` is the
 * Inference-Header-Content-Length value (undefined: the whole body is JSON).
 */
export function decodeOipRest(body: Uint8Array, schema: Schema, model: string, headerLength?: number): DecodedOipRest {
  if (headerLength !== undefined && Number.isNaN(headerLength))
    throw new DecodeError(`Unable to parse ${INFERENCE_HEADER}: not an integer`);
  const jsonLength = headerLength ?? body.length;
  if (!Number.isSafeInteger(jsonLength) || jsonLength < 0 || jsonLength > body.length) {
    throw new DecodeError(`inference header size should be in range (0, ${body.length}), got: ${headerLength}`);
  }
  let req: unknown;
  try {
    req = JSON.parse(utf8d.decode(body.subarray(0, jsonLength)));
  } catch (err) {
    let hint = '';
    if (headerLength === undefined) {
      const end = jsonHeaderLength(body);
      if (end < body.length)
        hint = `; the body goes on after a JSON object of ${end} bytes: binary tensor data needs the ${INFERENCE_HEADER} header`;
    }
    throw new DecodeError(`failed to parse the request JSON buffer: ${(err as Error).message}${hint}`);
  }
  if (!isObject(req)) throw new DecodeError('failed to parse the request JSON buffer: expected a JSON object');
  const list = req['inputs'];
  if (!Array.isArray(list)) throw new DecodeError(`Unable to parse 'inputs': expected an array of input objects`);
  let cursor = jsonLength;
  const inputs: OipInput[] = list.map((raw, k) => {
    if (!isObject(raw)) throw new DecodeError(`Unable to parse 'inputs': element ${k} is not an object`);
    const name = raw['name'];
    if (typeof name !== 'string') throw new DecodeError(`Unable to parse 'name' of inputs[${k}]: expected a string`);
    const datatype = raw['datatype'];
    if (typeof datatype !== 'string')
      throw new DecodeError(`Unable to parse 'datatype' of input '${name}': expected a string`);
    const shape = shapeOf(raw['shape'], name);
    const params = raw['parameters'];
    const hasData = 'data' in raw;
    const hasBinary = isObject(params) && 'binary_data_size' in params;
    const hasShm = isObject(params) && 'shared_memory_region' in params;
    if (Number(hasData) + Number(hasBinary) + Number(hasShm) !== 1) {
      const set = [hasData && "'data'", hasBinary && "'binary_data_size'", hasShm && "'shared_memory_region'"].filter(
        Boolean,
      );
      throw new DecodeError(
        `Input must set only one of the following fields: 'data', 'binary_data_size' in 'parameters', 'shared_memory_region' in 'parameters'. But ${set.length ? `set ${set.join(' ')}` : 'no field is set'} (input '${name}')`,
      );
    }
    if (hasShm)
      throw new DecodeError(
        `input '${name}': shared memory is not supported by this server (no shared-memory extension)`,
      );
    if (!hasBinary)
      return { name, datatype, shape, read: (dtype, count) => jsonData(raw['data'], dtype, count, shape, name) };
    const size = (params as Json)['binary_data_size'];
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new DecodeError(
        `Unable to parse 'binary_data_size' of input '${name}': expected a non-negative integer, got ${JSON.stringify(size)}`,
      );
    }
    if (size > 0 && headerLength === undefined) {
      throw new DecodeError(
        `must specify valid '${INFERENCE_HEADER}' in request header and 'binary_data_size' when passing inputs in binary data format (input '${name}')`,
      );
    }
    if (size > body.length - cursor) {
      throw new DecodeError(
        `unexpected size for input '${name}', expecting ${size - (body.length - cursor)} additional bytes for model '${model}'`,
      );
    }
    const bytes = body.subarray(cursor, cursor + size);
    cursor += size;
    return { name, datatype, shape, read: (dtype, count) => readRaw(bytes, dtype, count, name, model) };
  });
  if (cursor !== body.length) throw new DecodeError(`unexpected additional input data for model '${model}'`);
  let binaryOutput = false;
  const rp = req['parameters'];
  if (isObject(rp) && rp['binary_data_output'] === true) binaryOutput = true;
  const outs = req['outputs'];
  if (Array.isArray(outs)) {
    for (const o of outs) {
      if (!isObject(o) || typeof o['name'] !== 'string')
        throw new DecodeError(`Unable to parse 'outputs': expected objects with a 'name'`);
      if (o['name'] !== OIP_SCORES_OUTPUT)
        throw new DecodeError(`unexpected inference output '${o['name']}' for model '${model}'`);
      const p = o['parameters'];
      if (isObject(p) && typeof p['binary_data'] === 'boolean') binaryOutput = p['binary_data'];
    }
  }
  const id = typeof req['id'] === 'string' ? req['id'] : undefined;
  return { batch: assembleOip(schema, inputs, model), binaryOutput, ...(id !== undefined ? { id } : {}) };
}
