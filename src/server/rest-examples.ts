// TF Serving's REST classify / regress body, {"signature_name", "context": {...},
// "examples": [{feature: value, ...}, ...]}, straight into the canonical tensors.
// A value is a scalar or a list; strings (or {"b64": ...}) for bytes features.
// Context features are merged into every example, example values winning, as TF
// Serving merges ELWC context. Types come from the model's schema (TF Serving infers
// them from the JSON literal, so `1` is int64 there; here a float32 feature takes it).
import { parseJsonBody } from '../formats/json-columnar.js';
import { scalarFrom } from '../formats/json-values.js';
import { allocValues, fixedWidth, type Column, type FeatureBatch, type Schema } from '../tensors/feature-batch.js';
import { DecodeError } from '../wire/proto-reader.js';

export interface ExamplesRequest {
  signatureName: string;
  batch: FeatureBatch;
}

const KIND_NAME = { float32: 'float', int64: 'int64', bytes: 'string' } as const;

function asObject(x: unknown, what: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x))
    throw new DecodeError(`${what}: expected an object of named features`);
  return x as Record<string, unknown>;
}

export function decodeExamplesJson(bytes: Uint8Array, schema: Schema): ExamplesRequest {
  const body = parseJsonBody(bytes);
  const sig = body.signature_name;
  if (sig !== undefined && typeof sig !== 'string') throw new DecodeError('"signature_name" must be a string');
  if (body.examples === undefined) throw new DecodeError("Missing 'examples' key");
  if (!Array.isArray(body.examples)) throw new DecodeError('"examples" must be a list of objects');
  const examples = body.examples.map((e, i) => asObject(e, `examples[${i}]`));
  const context = body.context === undefined ? {} : asObject(body.context, 'context');
  const n = examples.length;
  if (n === 0) throw new DecodeError('Input is empty.');
  const tensors = new Map<string, Column>();
  for (const f of schema.features) {
    const raw = (i: number): unknown[] => {
      const x = examples[i]![f.name] ?? context[f.name];
      if (x === undefined) {
        throw new DecodeError(
          `Name: <unknown>, Feature: ${f.name} (data type: ${KIND_NAME[f.dtype]}) is required but could not be found.`,
        );
      }
      return Array.isArray(x) ? x : [x];
    };
    const w = fixedWidth(f);
    const what = (i: number): string => `examples[${i}]["${f.name}"]`;
    if (w !== undefined) {
      const values = allocValues(f.dtype, n * w);
      for (let i = 0; i < n; i++) {
        const list = raw(i);
        if (list.length !== w) {
          throw new DecodeError(
            `Name: <unknown>, Key: ${f.name}, Index: ${i}.  Number of ${KIND_NAME[f.dtype]} values != expected.  Values size: ${list.length} but output shape: [${w}]`,
          );
        }
        for (let j = 0; j < w; j++) (values as unknown[])[i * w + j] = scalarFrom(list[j], f.dtype, what(i));
      }
      tensors.set(f.name, { values });
    } else {
      const splits = new Int32Array(n + 1);
      const lists = new Array<unknown[]>(n);
      for (let i = 0; i < n; i++) {
        lists[i] = raw(i);
        splits[i + 1] = splits[i]! + lists[i]!.length;
      }
      const values = allocValues(f.dtype, splits[n]!);
      for (let i = 0; i < n; i++) {
        const list = lists[i]!;
        for (let j = 0; j < list.length; j++)
          (values as unknown[])[splits[i]! + j] = scalarFrom(list[j], f.dtype, what(i));
      }
      tensors.set(f.name, { values, rowSplits: splits });
    }
  }
  return { signatureName: (sig as string | undefined) ?? '', batch: { candidates: n, tensors } };
}
