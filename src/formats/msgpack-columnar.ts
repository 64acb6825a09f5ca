// msgpack-columnar: a non-TF baseline. A msgpack map {signature_name, inputs: {name:
// {dtype, shape, data}}} where numeric data is one bin of raw little-endian bytes
// and strings are an array of bins. Same tensors as tensor-content.
import { Packr, Unpackr } from 'msgpackr';
import type { DType } from '../scenario/types.js';
import type { RankingRequest, Schema } from '../tensors/feature-batch.js';
import { DecodeError, floatsView, int64View } from '../wire/proto-reader.js';
import { assembleBatch, elementCount, toNamedTensors } from './columnar.js';
import type { NamedTensor } from '../tensors/named-tensor.js';
import { type DecodedRequest, type EncodeOptions, type Format } from './types.js';

const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const DTYPES: readonly DType[] = ['float32', 'int64', 'bytes'];

interface WireTensor {
  dtype: DType;
  shape: number[];
  data: Uint8Array | Uint8Array[];
}

export const msgpackColumnar: Format = {
  id: 'msgpack-columnar',
  description: 'msgpack of the columnar tensors (raw little-endian bins): a non-TF baseline over REST',
  transport: 'rest',
  rpc: 'Predict',
  signature: 'serving_default',
  contentType: 'application/msgpack',
  encode(req: RankingRequest, opts: EncodeOptions = {}): Uint8Array {
    const inputs: Record<string, WireTensor> = {};
    for (const t of toNamedTensors(req, { contextOnce: false, pack: false })) {
      const v = t.values;
      inputs[t.name] = {
        dtype: t.dtype,
        shape: t.shape,
        data: Array.isArray(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength),
      };
    }
    return packr.pack({ signature_name: opts.signatureName ?? 'serving_default', inputs });
  },
  decode(bytes: Uint8Array, schema: Schema): DecodedRequest {
    let body: unknown;
    try {
      body = unpackr.unpack(bytes);
    } catch (err) {
      throw new DecodeError(`msgpack parse error: ${(err as Error).message}`);
    }
    const inputs = (body as { inputs?: unknown } | null)?.inputs;
    if (typeof inputs !== 'object' || inputs === null)
      throw new DecodeError('msgpack body must be a map with an "inputs" map');
    const named = new Map<string, NamedTensor>();
    for (const [name, raw] of Object.entries(inputs as Record<string, unknown>)) {
      const t = raw as Partial<WireTensor> | null;
      if (!t || !DTYPES.includes(t.dtype as DType) || !Array.isArray(t.shape)) {
        throw new DecodeError(`tensor parsing error: ${name} (expected {dtype, shape, data})`);
      }
      const count = elementCount(name, t.shape);
      const dtype = t.dtype as DType;
      let values: NamedTensor['values'];
      if (dtype === 'bytes') {
        if (!Array.isArray(t.data) || t.data.length !== count || !t.data.every((b) => b instanceof Uint8Array)) {
          throw new DecodeError(`tensor parsing error: ${name} (expected ${count} byte strings)`);
        }
        values = t.data;
      } else {
        const size = dtype === 'float32' ? 4 : 8;
        if (!(t.data instanceof Uint8Array) || t.data.length !== count * size) {
          throw new DecodeError(`tensor parsing error: ${name} (expected ${count * size} bytes of ${dtype})`);
        }
        values = dtype === 'float32' ? floatsView(t.data) : int64View(t.data);
      }
      named.set(name, { name, dtype, shape: t.shape as number[], values });
    }
    return { batch: assembleBatch(schema, named, false) };
  },
};
