// json-columnar: TF Serving REST columnar format, {"signature_name", "inputs": {name: nested list}}.
// One entry per feature (context repeated per candidate, as tensor-content), variable-length
// features as `<name>` flat values plus `<name>_row_splits`, like the tensor formats.
import type { DType } from '../scenario/types.js';
import { allocValues, type RankingRequest, type Schema } from '../tensors/feature-batch.js';
import { DecodeError } from '../wire/proto-reader.js';
import { assembleBatch, ROW_SPLITS_SUFFIX, toNamedTensors } from './columnar.js';
import type { NamedTensor } from '../tensors/named-tensor.js';
import { parseServingJson } from './json-parse.js';
import { flattenInto, nestedShape, valuesText } from './json-values.js';
import { type DecodedRequest, type EncodeOptions, type Format } from './types.js';

const utf8 = new TextEncoder();

function nestedText(t: NamedTensor): string {
  const { shape, values } = t;
  if (shape.length === 1) return `[${valuesText(values, 0, values.length)}]`;
  const w = shape[1]!;
  const rows = new Array<string>(shape[0]!);
  for (let r = 0; r < shape[0]!; r++) rows[r] = `[${valuesText(values, r * w, r * w + w)}]`;
  return `[${rows.join(',')}]`;
}

export const jsonColumnar: Format = {
  id: 'json-columnar',
  description: 'TF Serving REST columnar JSON {"inputs": {feature: [...]}}, one list per feature',
  transport: 'rest',
  rpc: 'Predict',
  signature: 'serving_default',
  contentType: 'application/json',
  nanPayloads: false,
  encode(req: RankingRequest, opts: EncodeOptions = {}): Uint8Array {
    const tensors = toNamedTensors(req, { contextOnce: false, pack: false });
    const parts = tensors.map((t) => `${JSON.stringify(t.name)}:${nestedText(t)}`);
    const sig = opts.signatureName ?? 'serving_default';
    return utf8.encode(`{"signature_name":${JSON.stringify(sig)},"inputs":{${parts.join(',')}}}`);
  },
  decode(bytes: Uint8Array, schema: Schema): DecodedRequest {
    const body = parseJsonBody(bytes);
    const inputs = body.inputs;
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
      throw new DecodeError('JSON body must have an "inputs" object (columnar format)');
    }
    const dtypes = new Map<string, DType>();
    const vectorLength = new Map<string, number>();
    for (const f of schema.features) {
      dtypes.set(f.name, f.dtype);
      if (f.shape.kind === 'list') dtypes.set(f.name + ROW_SPLITS_SUFFIX, 'int64');
      if (f.shape.kind === 'vector') vectorLength.set(f.name, f.shape.length);
    }
    const named = new Map<string, NamedTensor>();
    for (const [name, value] of Object.entries(inputs as Record<string, unknown>)) {
      // Unknown names keep a placeholder so the signature check names them.
      const dtype = dtypes.get(name) ?? 'float32';
      const shape = nestedShape(value);
      // Zero candidates: a [0, L] tensor is written `[]`, which reads back as shape [0].
      const length = vectorLength.get(name);
      if (length !== undefined && shape.length === 1 && shape[0] === 0) shape.push(length);
      const count = shape.reduce((a, b) => a * b, 1);
      // Every element takes at least one byte of the body: a larger count means a ragged
      // list whose first rows claim more than exists; refuse before allocating.
      if (count > bytes.length)
        throw new DecodeError(
          `inputs["${name}"]: ragged nested list (first elements imply shape [${shape.join(',')}])`,
        );
      const values = allocValues(dtype, count);
      if (dtypes.has(name)) flattenInto(value, shape, 0, dtype, values, 0, `inputs["${name}"]`);
      named.set(name, { name, dtype, shape, values });
    }
    return { batch: assembleBatch(schema, named, false) };
  },
};

/** Parse a REST JSON body, with an error naming the problem instead of a SyntaxError stack. */
export function parseJsonBody(bytes: Uint8Array): Record<string, unknown> {
  let body: unknown;
  try {
    body = parseServingJson(bytes);
  } catch (err) {
    throw new DecodeError((err as Error).message);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new DecodeError('JSON body must be an object');
  return body as Record<string, unknown>;
}
