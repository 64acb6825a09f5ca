// TensorProto (tensorflow/core/framework/tensor.proto) read and write for the
// dtypes a ranking request uses. Two numeric encodings: typed repeated fields
// (float_val = 5, int64_val = 10, packed) or raw little-endian tensor_content = 4.
// Strings always go as string_val = 8: DT_STRING cannot use tensor_content.
import { isFilled, type NamedTensor, type WireTensor } from '../tensors/named-tensor.js';
import { elementCount, shapeProduct } from './tensor-shape.js';
import { DT_FLOAT, DT_INT64, DT_STRING, dtypeFromTf, TF_DTYPE, tfDtypeName } from './dtypes.js';
import { copyFloats, DecodeError, floatsView, ProtoReader } from './proto-reader.js';
import { halvesOf, type ProtoWriter, varint64Size, varintSize, WIRE_LEN, WIRE_VARINT } from './proto-writer.js';

export type NumericEncoding = 'typed' | 'content';

/** Bytes of the dimension `d`'s TensorShapeProto.Dim body (size = 1, left out when 0). */
function dimBodySize(d: number): number {
  return d === 0 ? 0 : 1 + varint64Size(d, Math.floor(d / 2 ** 32));
}

/** Bytes of the packed int64_val body (varints, no tag/length). */
function int64BodySize(halves: Int32Array, n: number): number {
  let size = 0;
  for (let i = 0; i < n; i++) {
    const hi = halves[2 * i + 1]!;
    if (hi !== 0) {
      size += varint64Size(halves[2 * i]!, hi);
      continue;
    }
    const lo = halves[2 * i]! >>> 0;
    size += lo < 0x80 ? 1 : lo < 0x4000 ? 2 : lo < 0x200000 ? 3 : lo < 0x10000000 ? 4 : 5;
  }
  return size;
}

/**
 * Bytes of `t`'s values as `writeTensorProto` writes them, without their tag and length:
 * tensor_content or packed float_val/int64_val bodies; for strings every string_val field
 * whole (tags and lengths included, as they are repeated fields).
 */
export function valuesSize(t: WireTensor, enc: NumericEncoding): number {
  if (isFilled(t)) return shapeProduct(t.shape) * 4;
  const v = t.values;
  if (Array.isArray(v)) {
    let size = 0;
    for (const b of v) size += 1 + varintSize(b.length) + b.length;
    return size;
  }
  return enc === 'content' || v instanceof Float32Array ? v.byteLength : int64BodySize(halvesOf(v), v.length);
}

/** Bytes of the TensorProto body `writeTensorProto` writes for `t`, given its `valuesSize`. */
export function tensorBodySize(t: WireTensor, values: number): number {
  let shape = 0;
  for (const d of t.shape) {
    const dim = dimBodySize(d);
    shape += 1 + varintSize(dim) + dim;
  }
  const size = 1 + varintSize(TF_DTYPE[t.dtype]) + 1 + varintSize(shape) + shape;
  if (values === 0 || (!isFilled(t) && Array.isArray(t.values))) return size + values;
  return size + 1 + varintSize(values) + values;
}

/**
 * Writes the TensorProto body (no tag/length) for `t`, as sized by `tensorBodySize`: dtype,
 * shape, then the values, always last (a sized encoder relies on that to align them).
 * `values` is `valuesSize(t, enc)` when the caller has it.
 */
export function writeTensorProto(
  w: ProtoWriter,
  t: WireTensor,
  enc: NumericEncoding,
  values = valuesSize(t, enc),
): void {
  w.tag(1, WIRE_VARINT);
  w.uint32(TF_DTYPE[t.dtype]);
  w.tag(2, WIRE_LEN);
  const shape = w.begin();
  for (const d of t.shape) {
    w.tag(2, WIRE_LEN);
    w.uint32(dimBodySize(d));
    if (d !== 0) {
      w.tag(1, WIRE_VARINT);
      w.varint64(d, Math.floor(d / 2 ** 32));
    }
  }
  w.end(shape);
  if (isFilled(t)) {
    const n = shapeProduct(t.shape);
    if (n === 0) return;
    w.tag(enc === 'content' ? 4 : 5, WIRE_LEN);
    w.uint32(n * 4);
    w.fillBits(n, t.fill);
    return;
  }
  const v = t.values;
  if (Array.isArray(v)) {
    for (const b of v) {
      w.tag(8, WIRE_LEN);
      w.bytes(b);
    }
    return;
  }
  if (v.length === 0) return;
  if (enc === 'content') {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    w.tag(4, WIRE_LEN);
    w.bytes(bytes);
  } else if (v instanceof Float32Array) {
    w.tag(5, WIRE_LEN);
    w.uint32(v.length * 4);
    w.floatsRaw(v);
  } else {
    const halves = halvesOf(v);
    w.tag(10, WIRE_LEN);
    w.uint32(values);
    w.int64Halves(halves, 0, v.length, values);
  }
}

/** Scratch for one shape dimension's varint halves (decoding is single-threaded and not re-entrant here). */
const DIM = new Int32Array(2);

function countError(
  name: string,
  shape: readonly number[],
  count: number,
  dtypeCode: number,
  got: number,
  how: string,
): never {
  throw new DecodeError(
    `tensor parsing error: ${name} (shape [${shape.join(',')}] needs ${count} ${tfDtypeName(dtypeCode)} values, ${how} holds ${got})`,
  );
}

/**
 * tensor_content's `count` elements at r.buf[start..] as a typed array: a zero-copy view when
 * the bytes are aligned for the element size, else one copy into the message's arena.
 */
function contentValues(r: ProtoReader, start: number, count: number, size: 4 | 8): Float32Array | BigInt64Array {
  let buffer: ArrayBufferLike = r.buf.buffer;
  let offset = r.buf.byteOffset + start;
  if (offset % size !== 0) {
    const arena = r.arena();
    offset = arena.copy(r.buf, start, count * size);
    buffer = arena.buffer;
  }
  return size === 4 ? new Float32Array(buffer, offset, count) : new BigInt64Array(buffer, offset, count);
}

/** The shared empty list a value list starts as (never pushed to: replaced on first use). */
const NONE: never[] = [];

/** Reads a TensorProto body into a NamedTensor, checking counts against the shape. */
export function readTensorProto(r: ProtoReader, name: string): NamedTensor {
  let dtypeCode = 0;
  const shape: number[] = [];
  // tensor_content as a byte range of r.buf (no subarray per field): start and length, -1 when absent.
  let contentStart = 0;
  let contentLen = -1;
  // Allocated on first use: most tensors have one kind of values (a request has ~300 of them).
  let floatChunks: Uint8Array[] = NONE;
  let looseFloats: number[] = NONE;
  let int64Readers: ProtoReader[] = NONE;
  let looseInt64: ProtoReader[] = NONE;
  let strings: Uint8Array[] = NONE;
  let unknownRank = false;
  while (!r.done()) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | 0:
        dtypeCode = r.uint32();
        break;
      case (2 << 3) | 2: {
        // TensorShapeProto read in place: the reader's end narrowed to the field, then to each
        // dim, and restored (no sub-reader objects; an error leaves the reader unused anyway).
        const outer = r.end;
        const shapeLen = r.len(); // read before r.pos: len() moves past the length prefix
        const shapeEnd = r.pos + shapeLen;
        r.end = shapeEnd;
        while (!r.done()) {
          const u = r.tag();
          if (u === ((2 << 3) | 2)) {
            const dimLen = r.len();
            r.end = r.pos + dimLen;
            let size = 0;
            while (!r.done()) {
              const x = r.tag();
              if (x === ((1 << 3) | 0)) {
                r.varint64Into(DIM, 0);
                size = DIM[1]! * 2 ** 32 + (DIM[0]! >>> 0);
              } else r.skip(x & 7);
            }
            r.end = shapeEnd;
            shape.push(size);
          } else if (u === ((3 << 3) | 0)) {
            unknownRank = r.uint32() !== 0;
          } else r.skip(u & 7);
        }
        r.end = outer;
        break;
      }
      case (4 << 3) | 2:
        contentLen = r.len();
        contentStart = r.pos;
        r.pos += contentLen;
        break;
      case (5 << 3) | 2: {
        const b = r.bytes();
        if (b.length % 4 !== 0)
          throw new DecodeError(`tensor parsing error: ${name} (packed float_val of ${b.length} bytes)`);
        if (floatChunks === NONE) floatChunks = [];
        floatChunks.push(b);
        break;
      }
      case (5 << 3) | 5:
        if (looseFloats === NONE) looseFloats = [];
        looseFloats.push(r.float());
        break;
      case (8 << 3) | 2:
        if (strings === NONE) strings = [];
        strings.push(r.bytes());
        break;
      case (10 << 3) | 2:
        if (int64Readers === NONE) int64Readers = [];
        int64Readers.push(r.sub());
        break;
      case (10 << 3) | 0: {
        // Unpacked int64_val: remember where it is, read after counting.
        const start = r.pos;
        r.uint32();
        if (looseInt64 === NONE) looseInt64 = [];
        looseInt64.push(new ProtoReader(r.buf, start, r.pos));
        break;
      }
      default:
        r.skip(t & 7);
    }
  }
  const dtype = dtypeFromTf(dtypeCode);
  if (!dtype) throw new DecodeError(`tensor parsing error: ${name} (unsupported dtype ${tfDtypeName(dtypeCode)})`);
  if (unknownRank) throw new DecodeError(`tensor parsing error: ${name} (unknown rank)`);
  const count = elementCount(name, shape);
  if (dtypeCode === DT_STRING) {
    if (contentLen > 0)
      throw new DecodeError(`tensor parsing error: ${name} (tensor_content is not allowed for DT_STRING)`);
    if (strings.length !== count) countError(name, shape, count, dtypeCode, strings.length, 'string_val');
    return { name, dtype, shape, values: strings === NONE ? [] : strings };
  }
  if (contentLen >= 0) {
    if (floatChunks.length || looseFloats.length || int64Readers.length || looseInt64.length) {
      throw new DecodeError(`tensor parsing error: ${name} (both tensor_content and typed values set)`);
    }
    const size = dtypeCode === DT_FLOAT ? 4 : 8;
    if (contentLen !== count * size) countError(name, shape, count, dtypeCode, contentLen / size, 'tensor_content');
    return { name, dtype, shape, values: contentValues(r, contentStart, count, size) };
  }
  if (dtypeCode === DT_FLOAT) {
    if (int64Readers.length || looseInt64.length)
      throw new DecodeError(`tensor parsing error: ${name} (int64_val set on a DT_FLOAT tensor)`);
    let got = looseFloats.length;
    for (const c of floatChunks) got += c.length / 4;
    if (got !== count) countError(name, shape, count, dtypeCode, got, 'float_val');
    if (floatChunks.length === 1 && !looseFloats.length)
      return { name, dtype, shape, values: floatsView(floatChunks[0]!) };
    const out = new Float32Array(count);
    let at = 0;
    for (const c of floatChunks) {
      copyFloats(c, 0, c.length / 4, out, at);
      at += c.length / 4;
    }
    for (const f of looseFloats) out[at++] = f;
    return { name, dtype, shape, values: out };
  }
  if (dtypeCode === DT_INT64) {
    if (floatChunks.length || looseFloats.length)
      throw new DecodeError(`tensor parsing error: ${name} (float_val set on a DT_INT64 tensor)`);
    // Count the varints (bytes without the continuation bit) before allocating from the shape.
    let got = 0;
    for (const rd of [...int64Readers, ...looseInt64])
      for (let p = rd.pos; p < rd.end; p++) if (rd.buf[p]! < 128) got++;
    if (got !== count) countError(name, shape, count, dtypeCode, got, 'int64_val');
    const out = new BigInt64Array(count);
    const halves = halvesOf(out);
    let at = 0;
    for (const rd of [...int64Readers, ...looseInt64]) {
      while (!rd.done()) {
        if (at >= count) countError(name, shape, count, dtypeCode, at + 1, 'int64_val');
        rd.varint64Into(halves, at++);
      }
    }
    if (at !== count) countError(name, shape, count, dtypeCode, at, 'int64_val');
    return { name, dtype, shape, values: out };
  }
  throw new DecodeError(`tensor parsing error: ${name} (unsupported dtype ${tfDtypeName(dtypeCode)})`);
}
