// Converts imported requests into logical RankingRequests against a scenario's
// schema (inferred or given), with errors naming the request, example and feature.
import type { FeatureSpec, Scenario } from '../scenario/types.js';
import { allocValues, fixedWidth, type Column, type RankingRequest } from '../tensors/feature-batch.js';
import type { RawFeature, RawRequest } from './raw-example.js';
import { DataError } from './tfrecord.js';

const KIND = { float32: 'float', int64: 'int64', bytes: 'bytes' } as const;

export function toRankingRequest(raw: RawRequest, scenario: Scenario, index: number): RankingRequest {
  const n = raw.examples.length;
  if (n === 0) throw new DataError(`request ${index}: no examples`);
  const columns = new Map<string, Column>();
  for (const spec of scenario.features) {
    const rows: RawFeature[] = [];
    if (spec.scope === 'context') {
      const f = raw.context?.get(spec.name) ?? raw.examples[0]!.get(spec.name);
      if (!f) throw new DataError(`request ${index}: context feature "${spec.name}" missing`);
      rows.push(f);
    } else {
      raw.examples.forEach((e, i) => {
        const f = e.get(spec.name) ?? raw.context?.get(spec.name);
        if (!f) throw new DataError(`request ${index}, example ${i}: feature "${spec.name}" missing`);
        rows.push(f);
      });
    }
    columns.set(spec.name, toColumn(spec, rows, index));
  }
  return { schema: { features: scenario.features }, candidates: n, columns };
}

function toColumn(spec: FeatureSpec, rows: RawFeature[], index: number): Column {
  const w = fixedWidth(spec);
  const splits = new Int32Array(rows.length + 1);
  rows.forEach((f, r) => {
    // JSON cannot tell a float feature holding whole numbers from an int64: accept it as float.
    const jsonWhole = f.kind === 'int64' && spec.dtype === 'float32';
    if (f.kind !== KIND[spec.dtype] && !jsonWhole && f.values.length > 0)
      throw new DataError(`request ${index}: feature "${spec.name}" is ${f.kind}, the scenario says ${spec.dtype}`);
    if (w !== undefined && f.values.length !== w)
      throw new DataError(
        `request ${index}, row ${r}: feature "${spec.name}" has ${f.values.length} values, the scenario's shape needs ${w}`,
      );
    splits[r + 1] = splits[r]! + f.values.length;
  });
  const values = allocValues(spec.dtype, splits[rows.length]!);
  let at = 0;
  for (const f of rows) {
    if (values instanceof Float32Array) for (const v of f.values) values[at++] = Number(v);
    else for (const v of f.values) (values as unknown[])[at++] = v;
  }
  return w === undefined ? { values, rowSplits: splits } : { values };
}

/** Examples of a logical request back in raw form (for writing fixtures and round trips). */
export function fromRankingRequest(req: RankingRequest): RawRequest {
  const examples = Array.from({ length: req.candidates }, () => new Map<string, RawFeature>());
  for (const spec of req.schema.features) {
    const col = req.columns.get(spec.name)!;
    const w = fixedWidth(spec);
    for (let i = 0; i < req.candidates; i++) {
      const r = spec.scope === 'context' ? 0 : i;
      const from = w === undefined ? col.rowSplits![r]! : r * w;
      const to = w === undefined ? col.rowSplits![r + 1]! : from + w;
      const v = col.values;
      const values = Array.isArray(v)
        ? v.slice(from, to)
        : v instanceof Float32Array
          ? [...v.subarray(from, to)]
          : [...v.subarray(from, to)];
      examples[i]!.set(spec.name, { kind: KIND[spec.dtype], values } as RawFeature);
    }
  }
  return { examples };
}
