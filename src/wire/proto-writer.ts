// Minimal protobuf wire-format writer for the hot encode paths. protobufjs's
// Writer silently writes 0 for a bigint int64, and its op list costs an
// allocation per field; this writer appends to one growing buffer instead.

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const utf8 = new TextEncoder();
/** Smallest buffer the writer grows from. */
const MIN_CAPACITY = 64;
/** A size hint above this is not trusted up front (the writer still grows to any size). */
const MAX_INITIAL = 1 << 30;

/** Spare bytes past a sized writer's end, so `ensure`'s worst-case reserves (10 for a varint) never grow it. */
const SIZED_SLACK = 16;

export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** The exact length a sized writer must end at; -1 for a growing writer. */
  private expected = -1;
  pos = 0;

  /** `initial` is a capacity hint; anything not a positive integer (0, NaN) starts at a small default. */
  constructor(initial = 1 << 16) {
    const cap = Number.isSafeInteger(initial) && initial > 0 ? Math.min(initial, MAX_INITIAL) : MIN_CAPACITY;
    this.buf = new Uint8Array(cap);
    this.view = new DataView(this.buf.buffer);
  }

  /**
   * A writer for a message whose exact length is known: one uninitialised allocation, no
   * growth, and `finish` hands the bytes out without the final copy (it checks that exactly
   * `size` bytes were written, so no uninitialised byte can leave). The message starts so
   * that its byte `alignAt` lands 8-byte aligned in the buffer, for `fillBits` to write there
   * in place.
   */
  static sized(size: number, alignAt = 0): ProtoWriter {
    const w = new ProtoWriter(MIN_CAPACITY);
    const ab = Buffer.allocUnsafeSlow(size + SIZED_SLACK + 8).buffer;
    const shift = (8 - (alignAt % 8)) % 8;
    w.buf = new Uint8Array(ab, shift, size + SIZED_SLACK);
    w.view = new DataView(ab, shift, size + SIZED_SLACK);
    w.expected = size;
    return w;
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    // Doubling from at least MIN_CAPACITY: a zero-length buffer would double 0 forever.
    let cap = Math.max(this.buf.length * 2, MIN_CAPACITY);
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /**
   * The bytes written so far: a copy that owns its buffer, or for a sized writer its own
   * buffer (a view of it: `byteOffset` may be non-zero).
   */
  finish(): Uint8Array {
    if (this.expected < 0) return this.buf.slice(0, this.pos);
    if (this.pos !== this.expected)
      throw new Error(`internal error: sized encode wrote ${this.pos} bytes, computed ${this.expected}`);
    return this.buf.subarray(0, this.pos);
  }

  tag(field: number, wireType: number): void {
    this.uint32((field << 3) | wireType);
  }

  uint32(v: number): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    v >>>= 0;
    while (v > 127) {
      b[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    b[p++] = v;
    this.pos = p;
  }

  /** Varint of a 64-bit value given as two's-complement 32-bit halves. */
  varint64(lo: number, hi: number): void {
    this.ensure(10);
    this.pos = putVarint64(this.buf, this.pos, lo, hi);
  }

  /** Packed int64 body (no tag/length) from the 32-bit halves of a BigInt64Array. */
  int64Halves(halves: Int32Array, from: number, to: number, bytes = (to - from) * 10): void {
    // `bytes`: the body's exact size when the caller has it (a sized writer must not reserve the worst case and grow).
    this.ensure(bytes);
    const b = this.buf;
    let p = this.pos;
    for (let i = from; i < to; i++) p = putVarint64(b, p, halves[2 * i]!, halves[2 * i + 1]!);
    this.pos = p;
  }

  int32(v: number): void {
    if (v >= 0) this.uint32(v);
    else this.varint64(v, -1);
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  float(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  /** Raw bytes without a length prefix. */
  raw(bytes: Uint8Array): void {
    // Always set(): a byte loop for short strings saved ~5 % of tensor-content encode once
    // optimized but cost 30 % more instructions in tf-example's interpreted count (the gate).
    const n = bytes.length;
    this.ensure(n);
    this.buf.set(bytes, this.pos);
    this.pos += n;
  }

  /** Length-prefixed bytes. */
  bytes(bytes: Uint8Array): void {
    this.uint32(bytes.length);
    this.raw(bytes);
  }

  /** Float32 values as raw little-endian bytes (tensor_content, packed float bodies). */
  floatsRaw(v: Float32Array, from = 0, to = v.length): void {
    this.raw(new Uint8Array(v.buffer, v.byteOffset + from * 4, (to - from) * 4));
  }

  /**
   * `count` 32-bit values written in place by `fill` (raw little-endian, as tensor_content
   * and packed float_val hold them): straight into the output when it is 4-byte aligned
   * there, else through one scratch array.
   */
  fillBits(count: number, fill: (bits: Int32Array) => void): void {
    this.ensure(count * 4);
    const at = this.buf.byteOffset + this.pos;
    if (at % 4 === 0) fill(new Int32Array(this.buf.buffer, at, count));
    else {
      const tmp = new Int32Array(count);
      fill(tmp);
      this.buf.set(new Uint8Array(tmp.buffer), this.pos);
    }
    this.pos += count * 4;
  }

  /** Length-prefixed UTF-8 of `s`, whose encoded length `byteLength` (from `utf8Length`) is known. */
  stringOfLength(s: string, byteLength: number): void {
    this.uint32(byteLength);
    this.ensure(byteLength);
    const p = this.pos;
    const { read, written } = utf8.encodeInto(s, this.buf.subarray(p, p + byteLength));
    // A sized writer hands out its buffer: a length that disagreed with the encoder would leave bytes unwritten.
    if (read !== s.length || written !== byteLength)
      throw new Error(
        `internal error: ${JSON.stringify(s.slice(0, 40))} is ${written} UTF-8 bytes, sized as ${byteLength}`,
      );
    this.pos = p + byteLength;
  }

  string(s: string): void {
    // Worst case 3 bytes per UTF-16 unit; reserve a 5-byte length, then shift if shorter.
    const max = s.length * 3;
    this.ensure(max + 5);
    if (max < 128) {
      const at = this.pos;
      const { written } = utf8.encodeInto(s, this.buf.subarray(at + 1));
      this.buf[at] = written;
      this.pos = at + 1 + written;
      return;
    }
    const encoded = utf8.encode(s);
    this.bytes(encoded);
  }

  /**
   * Start a length-delimited field whose size is not known yet: reserves one
   * length byte and returns a marker for `end`.
   */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Close a field opened by `begin`, moving the body if its length needs more than one byte. */
  end(marker: number): void {
    const len = this.pos - marker - 1;
    if (len < 128) {
      this.buf[marker] = len;
      return;
    }
    let extra = 0;
    for (let v = len >>> 7; v > 0; v >>>= 7) extra++;
    this.ensure(extra);
    this.buf.copyWithin(marker + 1 + extra, marker + 1, this.pos);
    let p = marker;
    let v = len;
    while (v > 127) {
      this.buf[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.buf[p] = v;
    this.pos += extra;
  }
}

/** Writes the varint of a 64-bit value given as two's-complement 32-bit halves at b[p..]; returns the new position. */
function putVarint64(b: Uint8Array, p: number, lo: number, hi: number): number {
  lo >>>= 0;
  hi >>>= 0;
  while (hi !== 0 || lo > 127) {
    b[p++] = (lo & 127) | 128;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  b[p++] = lo;
  return p;
}

/**
 * Bytes of `s` in UTF-8 as TextEncoder writes it: a lone surrogate becomes U+FFFD (3 bytes).
 */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Size of a 64-bit varint given as two's-complement 32-bit halves. */
export function varint64Size(lo: number, hi: number): number {
  hi >>>= 0;
  if (hi === 0) return varintSize(lo);
  let n = 5;
  for (hi >>>= 3; hi > 0; hi >>>= 7) n++;
  return n;
}

/** Size of `v` as an unsigned varint. */
export function varintSize(v: number): number {
  let n = 1;
  for (v >>>= 7; v > 0; v >>>= 7) n++;
  return n;
}

/** The two's-complement 32-bit halves of a BigInt64Array, for fast varint writes. */
export function halvesOf(v: BigInt64Array): Int32Array {
  return new Int32Array(v.buffer, v.byteOffset, v.length * 2);
}
