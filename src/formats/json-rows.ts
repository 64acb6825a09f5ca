// json-rows: TF Serving REST row format, {"signature_name", "instances": [{feature: value}, ...]}.
// Every instance carries every feature, context included; a variable-length
// feature is a list of its own length in each instance.
import { allocValues, fixedWidth, type Column, type RankingRequest, type Schema } from '../tensors/feature-batch.js';
import { DecodeError } from '../wire/proto-reader.js';
import { parseJsonBody } from './json-columnar.js';
import { halvesOf } from '../wire/proto-writer.js';
import { FLT_MAX, storeFlat, storeOne, valuesText } from './json-values.js';
import { type DecodedRequest, type EncodeOptions, type Format } from './types.js';

const utf8 = new TextEncoder();

export const jsonRows: Format = {
  id: 'json-rows',
  description: 'TF Serving REST row JSON {"instances": [{feature: value}, ...]}, context copied into each instance',
  transport: 'rest',
  rpc: 'Predict',
  signature: 'serving_default',
  contentType: 'application/json',
  nanPayloads: false,
  encode(req: RankingRequest, opts: EncodeOptions = {}): Uint8Array {
    const specs = req.schema.features;
    const keys = specs.map((f) => `${JSON.stringify(f.name)}:`);
    const cols = specs.map((f) => req.columns.get(f.name)!);
    const widths = specs.map(fixedWidth);
    const rows = new Array<string>(req.candidates);
    const fields = new Array<string>(specs.length);
    for (let i = 0; i < req.candidates; i++) {
      for (let k = 0; k < specs.length; k++) {
        const r = specs[k]!.scope === 'context' ? 0 : i;
        const col = cols[k]!;
        const w = widths[k];
        let text: string;
        if (w === undefined) text = `[${valuesText(col.values, col.rowSplits![r]!, col.rowSplits![r + 1]!)}]`;
        else if (specs[k]!.shape.kind === 'scalar') text = valuesText(col.values, r, r + 1);
        else text = `[${valuesText(col.values, r * w, r * w + w)}]`;
        fields[k] = keys[k] + text;
      }
      rows[i] = `{${fields.join(',')}}`;
    }
    const sig = opts.signatureName ?? 'serving_default';
    return utf8.encode(`{"signature_name":${JSON.stringify(sig)},"instances":[${rows.join(',')}]}`);
  },
  decode(bytes: Uint8Array, schema: Schema): DecodedRequest {
    const body = parseJsonBody(bytes);
    const instances = body.instances;
    if (!Array.isArray(instances)) throw new DecodeError('JSON body must have an "instances" list (row format)');
    // TF Serving refuses an empty row list (json_tensor.cc); zero candidates need a columnar format.
    if (instances.length === 0) throw new DecodeError("No values in 'instances' array");
    const n = instances.length;
    const specs = schema.features;
    const tensors = new Map<string, Column>();
    const known = new Set(specs.map((f) => f.name));
    for (let i = 0; i < n; i++) {
      const inst = instances[i];
      if (typeof inst !== 'object' || inst === null || Array.isArray(inst))
        throw new DecodeError(`instances[${i}]: expected an object of named inputs`);
      // Count keys without allocating; only on a mismatch look for the stranger.
      let keys = 0;
      for (const _ in inst) keys++;
      if (keys !== specs.length) {
        const extra = Object.keys(inst).find((k) => !known.has(k));
        if (extra !== undefined)
          throw new DecodeError(`instances[${i}]: input tensor alias not found in signature: ${extra}`);
      }
    }
    const rows = instances as Record<string, unknown>[];
    for (const f of specs) {
      const w = fixedWidth(f);
      const name = f.name;
      const where = (i: number) => `instances[${i}]["${name}"]`;
      if (w !== undefined) {
        const values = allocValues(f.dtype, n * w);
        const halves = values instanceof BigInt64Array ? halvesOf(values) : undefined;
        for (let i = 0; i < n; i++) {
          const x = rows[i]![name];
          if (w === 1 && f.shape.kind === 'scalar') {
            // The common value stored directly; anything else (missing, non-finite, out of
            // range, the wrong type) through storeOne, which stores or throws naming the
            // place. Building that name for every value cost more than storing it.
            if (typeof x === 'number') {
              if (values instanceof Float32Array && x <= FLT_MAX && x >= -FLT_MAX) {
                values[i] = x;
                continue;
              }
              if (halves && Number.isSafeInteger(x)) {
                halves[2 * i] = x >>> 0;
                halves[2 * i + 1] = Math.floor(x / 4294967296);
                continue;
              }
            }
            if (x === undefined) throw new DecodeError(`instances[${i}]: missing input "${name}"`);
            storeOne(x, f.dtype, values, halves, i, where(i));
          } else {
            if (x === undefined) throw new DecodeError(`instances[${i}]: missing input "${name}"`);
            if (!Array.isArray(x) || x.length !== w)
              throw new DecodeError(`${where(i)}: expected a list of ${w} values`);
            storeFlat(x, f.dtype, values, i * w, where(i), halves);
          }
        }
        tensors.set(name, { values });
      } else {
        const splits = new Int32Array(n + 1);
        for (let i = 0; i < n; i++) {
          const x = rows[i]![name];
          if (!Array.isArray(x)) throw new DecodeError(`${where(i)}: expected a list`);
          splits[i + 1] = splits[i]! + x.length;
        }
        const values = allocValues(f.dtype, splits[n]!);
        const halves = values instanceof BigInt64Array ? halvesOf(values) : undefined;
        for (let i = 0; i < n; i++)
          storeFlat(rows[i]![name] as unknown[], f.dtype, values, splits[i]!, where(i), halves);
        tensors.set(name, { values, rowSplits: splits });
      }
    }
    return { batch: { candidates: n, tensors } };
  },
};
