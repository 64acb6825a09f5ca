// Finds which TF Serving REST predict format a JSON body uses ("instances" = row,
// "inputs" = columnar) and its "signature_name", by scanning only the top-level keys
// it needs, so the format's decoder is the only full parse of the body. Past the data
// key, only the last TAIL_BYTES are searched for a later "signature_name" or a second
// data key (both come after the bulk of the body when present; a late key followed by
// another large value is missed); only then is the data value skipped by a
// bracket-matching scan to read the rest of the top level.

export interface JsonSniff {
  /** The top-level data keys present, in order. */
  dataKeys: ('instances' | 'inputs')[];
  signatureName?: string;
  /** False when the scan met something that is not a JSON object; let a real parser word the error. */
  wellFormed: boolean;
}

const Q = 0x22; // "
const BS = 0x5c; // \
const utf8 = new TextDecoder();
const TAIL_BYTES = 4096;
const enc = new TextEncoder();
const SIG_KEY = enc.encode('"signature_name"');
const OTHER_KEY = { instances: enc.encode('"inputs"'), inputs: enc.encode('"instances"') };

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

class Scanner {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  ws(): void {
    while (this.pos < this.b.length && isWs(this.b[this.pos]!)) this.pos++;
  }
  /** At an opening quote: returns the end (exclusive) of the string token, or -1. */
  stringEnd(): number {
    const b = this.b;
    let p = this.pos + 1;
    while (p < b.length) {
      const c = b[p]!;
      if (c === BS) p += 2;
      else if (c === Q) return p + 1;
      else p++;
    }
    return -1;
  }
  /** Skip one value; false if malformed. */
  skipValue(): boolean {
    const b = this.b;
    const c = b[this.pos];
    if (c === undefined) return false;
    if (c === Q) {
      const e = this.stringEnd();
      if (e < 0) return false;
      this.pos = e;
      return true;
    }
    if (c === 0x7b || c === 0x5b) {
      let depth = 0;
      let p = this.pos;
      while (p < b.length) {
        const x = b[p]!;
        if (x === Q) {
          this.pos = p;
          const e = this.stringEnd();
          if (e < 0) return false;
          p = e;
          continue;
        }
        if (x === 0x7b || x === 0x5b) depth++;
        else if (x === 0x7d || x === 0x5d) {
          depth--;
          if (depth === 0) {
            this.pos = p + 1;
            return true;
          }
        }
        p++;
      }
      return false;
    }
    while (this.pos < b.length) {
      const x = b[this.pos]!;
      if (x === 0x2c || x === 0x7d || x === 0x5d || isWs(x)) break;
      this.pos++;
    }
    return true;
  }
}

function decodeString(b: Uint8Array, start: number, end: number): string | undefined {
  try {
    const v: unknown = JSON.parse(utf8.decode(b.subarray(start, end)));
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle, from);
}

export function sniffJson(b: Uint8Array): JsonSniff {
  const s = new Scanner(b);
  const out: JsonSniff = { dataKeys: [], wellFormed: false };
  s.ws();
  if (b[s.pos] !== 0x7b) return out;
  s.pos++;
  for (;;) {
    s.ws();
    if (b[s.pos] === 0x7d) break;
    if (b[s.pos] !== Q) return out;
    const kEnd = s.stringEnd();
    if (kEnd < 0) return out;
    const key = decodeString(b, s.pos, kEnd);
    s.pos = kEnd;
    s.ws();
    if (b[s.pos] !== 0x3a) return out;
    s.pos++;
    s.ws();
    if (key === 'instances' || key === 'inputs') {
      out.dataKeys.push(key);
      // Common case: nothing more to learn past the (large) data value.
      const tail = Math.max(s.pos, b.length - TAIL_BYTES);
      const more =
        (out.signatureName === undefined && indexOf(b, SIG_KEY, tail) >= 0) || indexOf(b, OTHER_KEY[key], tail) >= 0;
      if (!more) {
        out.wellFormed = true;
        return out;
      }
    } else if (key === 'signature_name' && b[s.pos] === Q) {
      const e = s.stringEnd();
      if (e < 0) return out;
      out.signatureName = decodeString(b, s.pos, e);
    }
    if (!s.skipValue()) return out;
    s.ws();
    if (b[s.pos] === 0x2c) {
      s.pos++;
      continue;
    }
    if (b[s.pos] === 0x7d) break;
    return out;
  }
  out.wellFormed = true;
  return out;
}
