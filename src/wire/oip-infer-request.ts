// ModelInferRequest of the Open Inference Protocol (protos/inference/grpc_predict_v2.proto):
// model_name = 1, model_version = 2, id = 3, parameters = 4, inputs = 5
// (InferInputTensor: name = 1, datatype = 2, shape = 3, parameters = 4, contents = 5),
// outputs = 6 (InferRequestedOutputTensor: name = 1), raw_input_contents = 7.
// Two numeric encodings: typed InferTensorContents (fp32_contents = 6 packed,
// int64_contents = 3 packed, bytes_contents = 8) or one raw_input_contents entry per
// input, in input order.
import type { NamedTensor } from '../tensors/named-tensor.js';
import type { DType } from '../scenario/types.js';
import type { Values } from '../tensors/feature-batch.js';
import { OIP_DATATYPE } from './oip-datatypes.js';
import { toRaw } from './oip-raw.js';
import { copyFloats, DecodeError, ProtoReader } from './proto-reader.js';
import { halvesOf, ProtoWriter, WIRE_LEN, WIRE_VARINT } from './proto-writer.js';

export type OipEncoding = 'typed' | 'raw';

/** InferTensorContents field numbers, by the datatype they carry. */
export const CONTENTS_FIELD = {
  BOOL: 1,
  INT32: 2,
  INT64: 3,
  UINT32: 4,
  UINT64: 5,
  FP32: 6,
  FP64: 7,
  BYTES: 8,
} as const;
const CONTENTS_FIELD_NAMES: Record<number, string> = {
  1: 'bool_contents',
  2: 'int_contents',
  3: 'int64_contents',
  4: 'uint_contents',
  5: 'uint64_contents',
  6: 'fp32_contents',
  7: 'fp64_contents',
  8: 'bytes_contents',
};

export interface InferHead {
  modelName: string;
  /** Empty: the server picks its version policy's version. */
  modelVersion?: string;
  id?: string;
}

function writeShape(w: ProtoWriter, field: number, shape: readonly number[]): void {
  w.tag(field, WIRE_LEN);
  const m = w.begin();
  for (const d of shape) w.varint64(d, d < 0 ? -1 : Math.floor(d / 2 ** 32));
  w.end(m);
}

/** Writes InferTensorContents (body only) of `v`. */
export function writeContents(w: ProtoWriter, v: Values): void {
  if (Array.isArray(v)) {
    for (const b of v) {
      w.tag(CONTENTS_FIELD.BYTES, WIRE_LEN);
      w.bytes(b);
    }
  } else if (v.length === 0) {
    return;
  } else if (v instanceof Float32Array) {
    w.tag(CONTENTS_FIELD.FP32, WIRE_LEN);
    w.uint32(v.length * 4);
    w.floatsRaw(v);
  } else {
    w.tag(CONTENTS_FIELD.INT64, WIRE_LEN);
    const m = w.begin();
    w.int64Halves(halvesOf(v), 0, v.length);
    w.end(m);
  }
}

/** Serializes a ModelInferRequest carrying `tensors` in the given encoding. */
export function encodeModelInferRequest(
  head: InferHead,
  tensors: readonly NamedTensor[],
  enc: OipEncoding,
  sizeHint = 1 << 16,
): Uint8Array {
  const w = new ProtoWriter(sizeHint);
  w.tag(1, WIRE_LEN);
  w.string(head.modelName);
  if (head.modelVersion) {
    w.tag(2, WIRE_LEN);
    w.string(head.modelVersion);
  }
  if (head.id) {
    w.tag(3, WIRE_LEN);
    w.string(head.id);
  }
  for (const t of tensors) {
    w.tag(5, WIRE_LEN);
    const m = w.begin();
    w.tag(1, WIRE_LEN);
    w.string(t.name);
    w.tag(2, WIRE_LEN);
    w.string(OIP_DATATYPE[t.dtype]);
    writeShape(w, 3, t.shape);
    if (enc === 'typed') {
      // Always present, even for an empty tensor: an input without contents would have no data.
      w.tag(5, WIRE_LEN);
      const c = w.begin();
      writeContents(w, t.values);
      w.end(c);
    }
    w.end(m);
  }
  if (enc === 'raw') {
    for (const t of tensors) {
      w.tag(7, WIRE_LEN);
      w.bytes(toRaw(t.values));
    }
  }
  return w.finish();
}

/** One InferInputTensor as read: its data is left unparsed until the server knows what to expect. */
export interface WireInput {
  name: string;
  datatype: string;
  shape: number[];
  /** The InferTensorContents body, when the input has one. */
  contents?: ProtoReader;
}

export interface DecodedInferRequest extends Required<InferHead> {
  inputs: WireInput[];
  rawInputContents: Uint8Array[];
  /** Names of requested outputs. */
  outputs: string[];
}

function readShape(r: ProtoReader, wireType: number, into: number[]): void {
  const h = new Int32Array(2);
  const one = (rd: ProtoReader): void => {
    rd.varint64Into(h, 0);
    into.push(h[1]! * 2 ** 32 + (h[0]! >>> 0));
  };
  if (wireType === 0) one(r);
  else {
    const s = r.sub();
    while (!s.done()) one(s);
  }
}

export function decodeModelInferRequest(bytes: Uint8Array): DecodedInferRequest {
  const r = new ProtoReader(bytes);
  const out: DecodedInferRequest = {
    modelName: '',
    modelVersion: '',
    id: '',
    inputs: [],
    rawInputContents: [],
    outputs: [],
  };
  while (!r.done()) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | 2:
        out.modelName = r.string();
        break;
      case (2 << 3) | 2:
        out.modelVersion = r.string();
        break;
      case (3 << 3) | 2:
        out.id = r.string();
        break;
      case (5 << 3) | 2: {
        const s = r.sub();
        const input: WireInput = { name: '', datatype: '', shape: [] };
        while (!s.done()) {
          const u = s.tag();
          if (u === ((1 << 3) | 2)) input.name = s.string();
          else if (u === ((2 << 3) | 2)) input.datatype = s.string();
          else if (u >>> 3 === 3 && ((u & 7) === 0 || (u & 7) === 2)) readShape(s, u & 7, input.shape);
          else if (u === ((5 << 3) | 2)) input.contents = s.sub();
          else s.skip(u & 7);
        }
        out.inputs.push(input);
        break;
      }
      case (6 << 3) | 2: {
        const s = r.sub();
        let name = '';
        while (!s.done()) {
          const u = s.tag();
          if (u === ((1 << 3) | 2)) name = s.string();
          else s.skip(u & 7);
        }
        out.outputs.push(name);
        break;
      }
      case (7 << 3) | 2:
        out.rawInputContents.push(r.bytes());
        break;
      default:
        r.skip(t & 7);
    }
  }
  return out;
}

/**
 * Reads typed InferTensorContents as `count` values of `dtype`. Values of another
 * contents field, or a count that does not match the shape, are refused as Triton does.
 */
export function readContents(c: ProtoReader, dtype: DType, count: number, input: string, model: string): Values {
  const want: number = CONTENTS_FIELD[OIP_DATATYPE[dtype] as 'FP32' | 'INT64' | 'BYTES'];
  const chunks: ProtoReader[] = [];
  const loose: ProtoReader[] = [];
  const strings: Uint8Array[] = [];
  const start = c.pos;
  while (!c.done()) {
    const t = c.tag();
    const field = t >>> 3;
    if (field === want) {
      if (dtype === 'bytes') {
        if ((t & 7) !== 2) throw new DecodeError(`invalid wire type ${t & 7} for bytes_contents of input '${input}'`);
        strings.push(c.bytes());
      } else if ((t & 7) === 2) chunks.push(c.sub());
      else {
        const at = c.pos;
        c.skip(t & 7);
        loose.push(new ProtoReader(c.buf, at, c.pos));
      }
    } else if (CONTENTS_FIELD_NAMES[field]) {
      throw new DecodeError(
        `unexpected explicit tensor data for input tensor '${input}' for model '${model}': ${CONTENTS_FIELD_NAMES[field]} set, expected ${CONTENTS_FIELD_NAMES[want]} for datatype '${OIP_DATATYPE[dtype]}'`,
      );
    } else c.skip(t & 7);
  }
  c.pos = start;
  const mismatch = (got: number): never => {
    throw new DecodeError(
      `unexpected number of elements in ${CONTENTS_FIELD_NAMES[want]} of input '${input}' for model '${model}'. Expected ${count}, got ${got}`,
    );
  };
  if (dtype === 'bytes') {
    if (strings.length !== count) mismatch(strings.length);
    return strings;
  }
  if (dtype === 'float32') {
    let got = 0;
    for (const ch of chunks) {
      if ((ch.end - ch.pos) % 4 !== 0)
        throw new DecodeError(
          `fp32_contents of input '${input}': packed field of ${ch.end - ch.pos} bytes is not a whole number of floats`,
        );
      got += (ch.end - ch.pos) / 4;
    }
    got += loose.length;
    if (got !== count) mismatch(got);
    if (chunks.length === 1 && loose.length === 0) {
      const ch = chunks[0]!;
      const b = ch.buf.subarray(ch.pos, ch.end);
      if ((b.byteOffset & 3) === 0) return new Float32Array(b.buffer, b.byteOffset, count);
    }
    const v = new Float32Array(count);
    let at = 0;
    for (const ch of chunks) {
      const n = (ch.end - ch.pos) / 4;
      copyFloats(ch.buf, ch.pos, n, v, at);
      at += n;
    }
    for (const l of loose) v[at++] = l.float();
    return v;
  }
  // int64: count the varints (bytes without the continuation bit) before allocating.
  let got = 0;
  for (const rd of [...chunks, ...loose]) for (let p = rd.pos; p < rd.end; p++) if (rd.buf[p]! < 128) got++;
  if (got !== count) mismatch(got);
  const v = new BigInt64Array(count);
  const halves = halvesOf(v);
  let at = 0;
  for (const rd of [...chunks, ...loose]) while (!rd.done()) rd.varint64Into(halves, at++);
  return v;
}

export { DecodeError, WIRE_VARINT };
