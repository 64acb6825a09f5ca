// msgpackr's own decode of msgpack-columnar bodies, plus typed-array views of each input's
// raw little-endian bin (one copy when unaligned).
import { Packr, Unpackr } from 'msgpackr';
import { assembleBatch } from '../../formats/columnar.js';
import type { DType } from '../../scenario/types.js';
import type { NamedTensor, Values } from '../../tensors/index.js';
import type { PeerCodec } from './peer-types.js';
import { contentView } from './tensor-views.js';

interface WireTensor {
  dtype: DType;
  shape: number[];
  data: Uint8Array | Uint8Array[];
}

export function msgpackrPeer(): PeerCodec {
  const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
  const packr = new Packr({ useRecords: false, moreTypes: false });
  return {
    impl: 'msgpackr',
    decode(bytes) {
      const body = unpackr.unpack(bytes) as { inputs: Record<string, WireTensor> };
      const out: NamedTensor[] = [];
      for (const [name, t] of Object.entries(body.inputs)) {
        const values: Values =
          t.dtype === 'bytes' ? (t.data as Uint8Array[]) : contentView(t.data as Uint8Array, t.dtype);
        out.push({ name, dtype: t.dtype, shape: t.shape, values });
      }
      return out;
    },
    toBatch: (decoded, schema) =>
      assembleBatch(schema, new Map((decoded as NamedTensor[]).map((t) => [t.name, t])), false),
    decodeWork:
      'Unpackr.unpack, then a typed-array view of each raw bin (one copy when unaligned); less than ours: no dtype, shape or size checks',
    prebuiltEncode(bytes) {
      const body: unknown = unpackr.unpack(bytes);
      return () => packr.pack(body);
    },
    encodeWork: 'Packr.pack of the unpacked body (prebuilt; ours builds it from columns)',
  };
}
