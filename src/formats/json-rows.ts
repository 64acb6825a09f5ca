// json-rows: TF Serving REST row format, {"signature_name", "instances": [{feature: value}, ...]}.
// Every instance carries every feature, context included; a variable-length
// feature is a list of its own length in each instance.
import { allocValues, fixedWidth, type Column, type RankingRequest, type Schema } from '../tensors/feature-batch.js';
import { DecodeError } from '../wire/proto-reader.js';
import { parseJsonBody } from './json-columnar.js';
import { scalarFrom, storeFlat, valuesText } from './json-values.js';
import { type DecodedRequest, type EncodeOptions, type Format } from './types.js';

const utf8 = new TextEncoder();

export const jsonRows: Format = {
  id: 'json-rows',
  description: 'TF Serving REST row JSON {"instances": [{feature: value}, ...]}, context copied into each instance',
  transport: 'rest',
  rpc: 'Predict',
  signature: 'serving_default',
  contentType: 'application/json',
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
    const n = instances.length;
    const specs = schema.features;
    const tensors = new Map<string, Column>();
    for (let i = 0; i < n; i++) {
      const inst = instances[i];
      if (typeof inst !== 'object' || inst === null || Array.isArray(inst)) throw new DecodeError(`instances[${i}]: expected an object of named inputs`);
      if (Object.keys(inst).length !== specs.length) {
        const known = new Set(specs.map((f) => f.name));
        const extra = Object.keys(inst).find((k) => !known.has(k));
        if (extra !== undefined) throw new DecodeError(`instances[${i}]: input tensor alias not found in signature: ${extra}`);
      }
    }
    for (const f of specs) {
      const w = fixedWidth(f);
      const name = f.name;
      if (w !== undefined) {
        const values = allocValues(f.dtype, n * w);
        for (let i = 0; i < n; i++) {
          const x = (instances[i] as Record<string, unknown>)[name];
          if (x === undefined) throw new DecodeError(`instances[${i}]: missing input "${name}"`);
          if (f.shape.kind === 'scalar') {
            (values as unknown[])[i] = scalarFrom(x, f.dtype, `instances[${i}]["${name}"]`);
          } else {
            if (!Array.isArray(x) || x.length !== w) throw new DecodeError(`instances[${i}]["${name}"]: expected a list of ${w} values`);
            storeFlat(x, f.dtype, values, i * w, `instances[${i}]["${name}"]`);
          }
        }
        tensors.set(name, { values });
      } else {
        const splits = new Int32Array(n + 1);
        for (let i = 0; i < n; i++) {
          const x = (instances[i] as Record<string, unknown>)[name];
          if (!Array.isArray(x)) throw new DecodeError(`instances[${i}]["${name}"]: expected a list`);
          splits[i + 1] = splits[i]! + x.length;
        }
        const values = allocValues(f.dtype, splits[n]!);
        for (let i = 0; i < n; i++) {
          storeFlat((instances[i] as Record<string, unknown>)[name] as unknown[], f.dtype, values, splits[i]!, `instances[${i}]["${name}"]`);
        }
        tensors.set(name, { values, rowSplits: splits });
      }
    }
    return { batch: { candidates: n, tensors } };
  },
};
