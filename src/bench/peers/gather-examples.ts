// Gather for the tf.Example peers: every feature of every parsed example into one typed
// array per feature (lists as values + row splits), which is the work ParseExampleV2 does
// after parsing and what ours does in the same pass. Library-neutral: `lookup` returns the
// values array of the named feature's list in one example (undefined when absent), the
// library adapter checking that the list kind matches the dtype.
import type { FeatureSpec } from '../../scenario/types.js';
import { allocValues, fixedWidth, type Column, type FeatureBatch, type Schema } from '../../tensors/index.js';

/** The values of one feature list as a library returns them. */
export type ListValues = ArrayLike<unknown>;
export type Lookup = (row: number, spec: FeatureSpec) => ListValues | undefined;

/** An int64 as protobufjs (Long or number) or protobuf-es (bigint) gives it. */
export function toBigInt(x: unknown): bigint {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'number') return BigInt(x);
  const l = x as { low: number; high: number; unsigned?: boolean };
  return (BigInt(l.high) << 32n) | BigInt(l.low >>> 0);
}

export class GatherError extends Error {
  override name = 'GatherError';
}

function store(spec: FeatureSpec, src: ListValues, out: Float32Array | BigInt64Array | Uint8Array[], at: number): void {
  if (spec.dtype === 'float32') {
    const o = out as Float32Array;
    for (let j = 0; j < src.length; j++) o[at + j] = src[j] as number;
  } else if (spec.dtype === 'int64') {
    const o = out as BigInt64Array;
    for (let j = 0; j < src.length; j++) o[at + j] = toBigInt(src[j]);
  } else {
    const o = out as Uint8Array[];
    for (let j = 0; j < src.length; j++) o[at + j] = src[j] as Uint8Array;
  }
}

/** Gathers `n` examples into the canonical batch; a missing feature or wrong length throws. */
export function gatherExamples(schema: Schema, n: number, lookup: Lookup): FeatureBatch {
  const tensors = new Map<string, Column>();
  for (const spec of schema.features) {
    const w = fixedWidth(spec);
    const lists = new Array<ListValues>(n);
    for (let i = 0; i < n; i++) {
      const v = lookup(i, spec);
      if (v === undefined) throw new GatherError(`example ${i}: feature "${spec.name}" missing or of the wrong kind`);
      if (w !== undefined && v.length !== w)
        throw new GatherError(`example ${i}: feature "${spec.name}" has ${v.length} values, expected ${w}`);
      lists[i] = v;
    }
    if (w !== undefined) {
      const values = allocValues(spec.dtype, n * w);
      for (let i = 0; i < n; i++) store(spec, lists[i]!, values, i * w);
      tensors.set(spec.name, { values });
    } else {
      const splits = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) splits[i + 1] = splits[i]! + lists[i]!.length;
      const values = allocValues(spec.dtype, splits[n]!);
      for (let i = 0; i < n; i++) store(spec, lists[i]!, values, splits[i]!);
      tensors.set(spec.name, { values, rowSplits: splits });
    }
  }
  return { candidates: n, tensors };
}
