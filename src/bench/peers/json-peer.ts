// JSON.parse + gather: the baseline every JSON decoder is measured against. The gather puts
// each input (json-columnar) or each feature across instances (json-rows) into one typed
// array, converting numbers to float32 / int64 and strings (or {"b64": ...}) to bytes.
import { assembleBatch, ROW_SPLITS_SUFFIX } from '../../formats/columnar.js';
import type { DType } from '../../scenario/types.js';
import {
  allocValues,
  fixedWidth,
  type Column,
  type FeatureBatch,
  type NamedTensor,
  type Schema,
  type Values,
} from '../../tensors/index.js';
import type { PeerCodec } from './peer-types.js';

const utf8In = new TextDecoder();
const utf8Out = new TextEncoder();

function toBytes(x: unknown): Uint8Array {
  if (typeof x === 'string') return utf8Out.encode(x);
  const b64 = (x as { b64?: unknown } | null)?.b64;
  if (typeof b64 === 'string') return Buffer.from(b64, 'base64');
  throw new Error(`JSON peer: expected a string or {"b64": ...}, got ${JSON.stringify(x)}`);
}

function put(x: unknown, dtype: DType, out: Values, at: number): void {
  if (dtype === 'float32') (out as Float32Array)[at] = x as number;
  else if (dtype === 'int64') (out as BigInt64Array)[at] = BigInt(x as number);
  else (out as Uint8Array[])[at] = toBytes(x);
}

/** A nested list of rank 1 or 2 flattened row-major. */
function flatten(name: string, value: unknown, dtype: DType): NamedTensor {
  const rows = value as unknown[];
  if (rows.length > 0 && Array.isArray(rows[0])) {
    const w = (rows[0] as unknown[]).length;
    const values = allocValues(dtype, rows.length * w);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as unknown[];
      for (let j = 0; j < w; j++) put(row[j], dtype, values, r * w + j);
    }
    return { name, dtype, shape: [rows.length, w], values };
  }
  const values = allocValues(dtype, rows.length);
  for (let i = 0; i < rows.length; i++) put(rows[i], dtype, values, i);
  return { name, dtype, shape: [rows.length], values };
}

function dtypes(schema: Schema): Map<string, DType> {
  const m = new Map<string, DType>();
  for (const f of schema.features) {
    m.set(f.name, f.dtype);
    if (f.shape.kind === 'list') m.set(f.name + ROW_SPLITS_SUFFIX, 'int64');
  }
  return m;
}

const ENCODE_WORK =
  'JSON.stringify of the parsed body (prebuilt) and UTF-8 encoding; its float text differs from ours (shortest round-trip, not 9 digits)';

export function jsonColumnarPeer(): PeerCodec {
  return {
    impl: 'JSON',
    decode(bytes, schema) {
      const body = JSON.parse(utf8In.decode(bytes)) as { inputs: Record<string, unknown> };
      const types = dtypes(schema);
      return Object.entries(body.inputs).map(([name, v]) => flatten(name, v, types.get(name) ?? 'float32'));
    },
    toBatch: (decoded, schema) =>
      assembleBatch(schema, new Map((decoded as NamedTensor[]).map((t) => [t.name, t])), false),
    decodeWork:
      'UTF-8 decode, JSON.parse, then each input flattened into one typed array by the signature dtype; less than ours: no shape or name checks',
    prebuiltEncode(bytes) {
      const body: unknown = JSON.parse(utf8In.decode(bytes));
      return () => utf8Out.encode(JSON.stringify(body));
    },
    encodeWork: ENCODE_WORK,
  };
}

export function jsonRowsPeer(): PeerCodec {
  return {
    impl: 'JSON',
    decode(bytes, schema): FeatureBatch {
      const rows = (JSON.parse(utf8In.decode(bytes)) as { instances: Record<string, unknown>[] }).instances;
      const n = rows.length;
      const tensors = new Map<string, Column>();
      for (const f of schema.features) {
        const w = fixedWidth(f);
        if (w === 1 && f.shape.kind === 'scalar') {
          const values = allocValues(f.dtype, n);
          for (let i = 0; i < n; i++) put(rows[i]![f.name], f.dtype, values, i);
          tensors.set(f.name, { values });
        } else if (w !== undefined) {
          const values = allocValues(f.dtype, n * w);
          for (let i = 0; i < n; i++) {
            const x = rows[i]![f.name] as unknown[];
            for (let j = 0; j < w; j++) put(x[j], f.dtype, values, i * w + j);
          }
          tensors.set(f.name, { values });
        } else {
          const splits = new Int32Array(n + 1);
          for (let i = 0; i < n; i++) splits[i + 1] = splits[i]! + (rows[i]![f.name] as unknown[]).length;
          const values = allocValues(f.dtype, splits[n]!);
          for (let i = 0; i < n; i++) {
            const x = rows[i]![f.name] as unknown[];
            for (let j = 0; j < x.length; j++) put(x[j], f.dtype, values, splits[i]! + j);
          }
          tensors.set(f.name, { values, rowSplits: splits });
        }
      }
      return { candidates: n, tensors };
    },
    toBatch: (decoded) => decoded as FeatureBatch,
    decodeWork:
      'UTF-8 decode, JSON.parse, then each feature gathered across instances into one typed array; less than ours: no key-set or length checks',
    prebuiltEncode(bytes) {
      const body: unknown = JSON.parse(utf8In.decode(bytes));
      return () => utf8Out.encode(JSON.stringify(body));
    },
    encodeWork: ENCODE_WORK,
  };
}
