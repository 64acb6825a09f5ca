// ModelSpec (tensorflow_serving/apis/model.proto) read and write.
import { ProtoReader } from './proto-reader.js';
import { ProtoWriter, WIRE_LEN, WIRE_VARINT } from './proto-writer.js';

export interface ModelSpec {
  name: string;
  signatureName: string;
  /** Numeric version, when the request pins one. */
  version?: number;
  versionLabel?: string;
}

/** Writes `field` = ModelSpec. */
export function writeModelSpec(w: ProtoWriter, field: number, spec: ModelSpec): void {
  w.tag(field, WIRE_LEN);
  const m = w.begin();
  w.tag(1, WIRE_LEN);
  w.string(spec.name);
  if (spec.version !== undefined) {
    w.tag(2, WIRE_LEN);
    const v = w.begin();
    w.tag(1, WIRE_VARINT);
    w.varint64(spec.version, Math.floor(spec.version / 2 ** 32));
    w.end(v);
  }
  if (spec.signatureName) {
    w.tag(3, WIRE_LEN);
    w.string(spec.signatureName);
  }
  if (spec.versionLabel !== undefined) {
    w.tag(4, WIRE_LEN);
    w.string(spec.versionLabel);
  }
  w.end(m);
}

export function readModelSpec(r: ProtoReader): ModelSpec {
  const spec: ModelSpec = { name: '', signatureName: '' };
  while (!r.done()) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | 2:
        spec.name = r.string();
        break;
      case (2 << 3) | 2: {
        const s = r.sub();
        while (!s.done()) {
          const u = s.tag();
          if (u === ((1 << 3) | 0)) {
            const halves = new Int32Array(2);
            s.varint64Into(halves, 0);
            spec.version = halves[1]! * 2 ** 32 + (halves[0]! >>> 0);
          } else s.skip(u & 7);
        }
        break;
      }
      case (3 << 3) | 2:
        spec.signatureName = r.string();
        break;
      case (4 << 3) | 2:
        spec.versionLabel = r.string();
        break;
      default:
        r.skip(t & 7);
    }
  }
  return spec;
}
