// ModelInferResponse of the Open Inference Protocol: model_name = 1, model_version = 2,
// id = 3, outputs = 5 (InferOutputTensor: name = 1, datatype = 2, shape = 3,
// contents = 5), raw_output_contents = 6 (one per output, in output order, when used).
// The stub answers scores in raw_output_contents, as Triton does; the client reads
// either form.
import { readContents } from './oip-infer-request.js';
import { DecodeError, ProtoReader } from './proto-reader.js';
import { ProtoWriter, WIRE_LEN } from './proto-writer.js';

export interface InferResponseHead {
  modelName: string;
  modelVersion: string;
  id: string;
}

/** A response with one FP32 [N] output carried raw. */
export function encodeModelInferResponse(head: InferResponseHead, output: string, scores: Float32Array): Uint8Array {
  const w = new ProtoWriter(64 + output.length + head.modelName.length + head.id.length + scores.byteLength);
  w.tag(1, WIRE_LEN);
  w.string(head.modelName);
  w.tag(2, WIRE_LEN);
  w.string(head.modelVersion);
  if (head.id) {
    w.tag(3, WIRE_LEN);
    w.string(head.id);
  }
  w.tag(5, WIRE_LEN);
  const m = w.begin();
  w.tag(1, WIRE_LEN);
  w.string(output);
  w.tag(2, WIRE_LEN);
  w.string('FP32');
  w.tag(3, WIRE_LEN);
  const s = w.begin();
  w.varint64(scores.length, 0);
  w.end(s);
  w.end(m);
  w.tag(6, WIRE_LEN);
  w.bytes(new Uint8Array(scores.buffer, scores.byteOffset, scores.byteLength));
  return w.finish();
}

/** The FP32 values of output `name` (raw or typed); throws DecodeError when absent or not FP32. */
export function readInferResponseOutput(bytes: Uint8Array, name: string): Float32Array {
  const r = new ProtoReader(bytes);
  const outputs: { name: string; datatype: string; count: number; contents?: ProtoReader }[] = [];
  const raw: Uint8Array[] = [];
  while (!r.done()) {
    const t = r.tag();
    if (t === ((5 << 3) | 2)) {
      const s = r.sub();
      const o: (typeof outputs)[number] = { name: '', datatype: '', count: 1 };
      while (!s.done()) {
        const u = s.tag();
        if (u === ((1 << 3) | 2)) o.name = s.string();
        else if (u === ((2 << 3) | 2)) o.datatype = s.string();
        else if (u === ((3 << 3) | 2)) {
          const d = s.sub();
          while (!d.done()) o.count *= d.uint32();
        } else if (u === ((3 << 3) | 0)) o.count *= s.uint32();
        else if (u === ((5 << 3) | 2)) o.contents = s.sub();
        else s.skip(u & 7);
      }
      outputs.push(o);
    } else if (t === ((6 << 3) | 2)) raw.push(r.bytes());
    else r.skip(t & 7);
  }
  const i = outputs.findIndex((o) => o.name === name);
  if (i < 0)
    throw new DecodeError(
      `ModelInferResponse has no "${name}" output (outputs: ${outputs.map((o) => o.name).join(', ') || 'none'})`,
    );
  const o = outputs[i]!;
  if (o.datatype !== 'FP32') throw new DecodeError(`output "${name}" is ${o.datatype}, expected FP32 scores`);
  if (raw.length) {
    const b = raw[i];
    if (!b || b.length !== o.count * 4)
      throw new DecodeError(
        `raw_output_contents[${i}] of "${name}" holds ${b?.length ?? 0} bytes, expected ${o.count * 4}`,
      );
    const v = new Float32Array(o.count);
    new Uint8Array(v.buffer).set(b);
    return v;
  }
  if (!o.contents) throw new DecodeError(`output "${name}" has neither contents nor raw_output_contents`);
  return readContents(o.contents, 'float32', o.count, name, '') as Float32Array;
}
