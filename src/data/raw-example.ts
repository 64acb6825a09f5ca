// Schema-free parsing of tf.Example and ExampleListWithContext bytes into plain
// per-feature value lists, for importing a user's own data (the schema is not
// known yet: it is inferred from these).
import { DecodeError, ProtoReader } from '../wire/proto-reader.js';

export type RawKind = 'float' | 'int64' | 'bytes';

export interface RawFeature {
  kind: RawKind;
  values: number[] | bigint[] | Uint8Array[];
}

/** One example: feature name -> values. */
export type RawExample = Map<string, RawFeature>;

/** One logical request as recorded: examples (one per candidate) and optional context. */
export interface RawRequest {
  examples: RawExample[];
  context?: RawExample;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseRawExample(buf: Uint8Array, start = 0, end = buf.length): RawExample {
  const out: RawExample = new Map();
  const r = new ProtoReader(buf, start, end);
  while (!r.done()) {
    const t = r.tag();
    if (t !== ((1 << 3) | 2)) {
      r.skip(t & 7);
      continue;
    }
    const features = r.sub();
    while (!features.done()) {
      const u = features.tag();
      if (u !== ((1 << 3) | 2)) {
        features.skip(u & 7);
        continue;
      }
      const entry = features.sub();
      let name: string | undefined;
      let value: RawFeature | undefined;
      while (!entry.done()) {
        const v = entry.tag();
        if (v === ((1 << 3) | 2)) {
          try {
            name = utf8.decode(entry.bytes());
          } catch {
            throw new DecodeError('feature name is not valid UTF-8');
          }
        } else if (v === ((2 << 3) | 2)) value = parseFeature(entry.sub());
        else entry.skip(v & 7);
      }
      if (name === undefined || value === undefined)
        throw new DecodeError(
          `feature map entry without ${name === undefined ? 'a name' : `a value (feature "${name}")`}`,
        );
      out.set(name, value);
    }
  }
  return out;
}

function parseFeature(r: ProtoReader): RawFeature {
  let feature: RawFeature = { kind: 'float', values: [] };
  let seen = false;
  while (!r.done()) {
    const t = r.tag();
    const field = t >>> 3;
    if ((t & 7) !== 2 || field < 1 || field > 3) {
      r.skip(t & 7);
      continue;
    }
    seen = true;
    const list = r.sub();
    if (field === 1) {
      const values: Uint8Array[] = [];
      while (!list.done()) {
        const u = list.tag();
        if (u === ((1 << 3) | 2)) values.push(list.bytes());
        else list.skip(u & 7);
      }
      feature = { kind: 'bytes', values };
    } else if (field === 2) {
      const values: number[] = [];
      while (!list.done()) {
        const u = list.tag();
        if (u === ((1 << 3) | 2)) {
          const b = list.bytes();
          if (b.length % 4) throw new DecodeError(`packed float list of ${b.length} bytes`);
          const view = new DataView(b.buffer, b.byteOffset, b.length);
          for (let i = 0; i < b.length; i += 4) values.push(view.getFloat32(i, true));
        } else if (u === ((1 << 3) | 5)) values.push(list.float());
        else list.skip(u & 7);
      }
      feature = { kind: 'float', values };
    } else {
      const values: bigint[] = [];
      const h = new Int32Array(2);
      const read = (rd: ProtoReader) => {
        rd.varint64Into(h, 0);
        values.push((BigInt(h[1]!) << 32n) | BigInt(h[0]! >>> 0));
      };
      while (!list.done()) {
        const u = list.tag();
        if (u === ((1 << 3) | 2)) {
          const p = list.sub();
          while (!p.done()) read(p);
        } else if (u === ((1 << 3) | 0)) read(list);
        else list.skip(u & 7);
      }
      feature = { kind: 'int64', values };
    }
  }
  if (!seen) throw new DecodeError('feature with no bytes_list, float_list or int64_list');
  return feature;
}

/** ExampleListWithContext: examples = 1, context = 2. */
export function parseRawElwc(buf: Uint8Array): RawRequest {
  const r = new ProtoReader(buf);
  const examples: RawExample[] = [];
  let context: RawExample | undefined;
  while (!r.done()) {
    const t = r.tag();
    if (t === ((1 << 3) | 2)) {
      const n = r.len();
      examples.push(parseRawExample(buf, r.pos, r.pos + n));
      r.pos += n;
    } else if (t === ((2 << 3) | 2)) {
      const n = r.len();
      context = parseRawExample(buf, r.pos, r.pos + n);
      r.pos += n;
    } else r.skip(t & 7);
  }
  return context ? { examples, context } : { examples };
}
