// Minimal protobuf wire-format reader for the hot decode paths: bounds-checked,
// zero-copy for bytes fields, int64 read as 32-bit halves (no BigInt per value).

export class DecodeError extends Error {
  override name = 'DecodeError';
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Where one message's unaligned numeric fields are copied: one allocation for the message
 * instead of one ArrayBuffer per field (a 300-input request had ~250 small copies, and their
 * allocation and GC cost more than the copying). Each copy starts 8-byte aligned.
 */
export class CopyArena {
  buffer: ArrayBuffer = new ArrayBuffer(0);
  private bytes = new Uint8Array(0);
  private at = 0;
  /** @param hint bytes to allocate at once (the message length bounds what it can need) */
  constructor(private readonly hint: number) {}

  /** Copies src[start, start + n) and returns the byte offset of the copy in `this.buffer`. */
  copy(src: Uint8Array, start: number, n: number): number {
    if (this.at + n > this.buffer.byteLength) {
      // Uninitialised memory: every byte handed out is written by the copy below.
      this.buffer = Buffer.allocUnsafeSlow(Math.max(n, this.hint)).buffer;
      this.bytes = new Uint8Array(this.buffer);
      this.at = 0;
    }
    const offset = this.at;
    // Views by constructor, not subarray(): subarray's species lookup costs twice as much per call.
    this.bytes.set(new Uint8Array(src.buffer, src.byteOffset + start, n), offset);
    this.at = (offset + n + 7) & ~7;
    return offset;
  }
}

/** Shared by a reader and every sub-reader of the same message. */
interface MessageState {
  arena: CopyArena | undefined;
}

export class ProtoReader {
  readonly buf: Uint8Array;
  pos: number;
  end: number;
  private viewCache: DataView | undefined;
  private readonly state: MessageState;

  constructor(buf: Uint8Array, start = 0, end = buf.length, state?: MessageState) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.state = state ?? { arena: undefined };
  }

  /** The message's copy arena, created on first use. */
  arena(): CopyArena {
    return (this.state.arena ??= new CopyArena(this.buf.length));
  }

  get view(): DataView {
    return (this.viewCache ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** Unsigned 32-bit varint (longer varints are truncated to their low 32 bits, as protobuf does). */
  uint32(): number {
    const b = this.buf;
    let p = this.pos;
    let v = 0;
    let shift = 0;
    for (;;) {
      if (p >= this.end) throw new DecodeError(`truncated varint at byte ${p}`);
      const c = b[p++]!;
      if (shift < 32) v |= (c & 127) << shift;
      if (c < 128) break;
      shift += 7;
      if (shift >= 70) throw new DecodeError(`varint longer than 10 bytes at byte ${this.pos}`);
    }
    this.pos = p;
    return v >>> 0;
  }

  /** A tag: returns field number << 3 | wire type, validating the field number. */
  tag(): number {
    const t = this.uint32();
    if (t >>> 3 === 0) throw new DecodeError(`invalid field number 0 at byte ${this.pos}`);
    return t;
  }

  /** 64-bit varint into out[at*2] (low) and out[at*2+1] (high). */
  varint64Into(out: Int32Array, at: number): void {
    const b = this.buf;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    let c: number;
    let shift = 0;
    // Low 28 bits.
    for (; shift < 28; shift += 7) {
      if (p >= this.end) throw new DecodeError(`truncated varint at byte ${p}`);
      c = b[p++]!;
      lo |= (c & 127) << shift;
      if (c < 128) {
        out[2 * at] = lo;
        out[2 * at + 1] = 0;
        this.pos = p;
        return;
      }
    }
    if (p >= this.end) throw new DecodeError(`truncated varint at byte ${p}`);
    c = b[p++]!;
    lo |= (c & 127) << 28;
    hi = (c & 127) >>> 4;
    if (c >= 128) {
      for (shift = 3; ; shift += 7) {
        if (p >= this.end) throw new DecodeError(`truncated varint at byte ${p}`);
        if (shift > 31 + 7) throw new DecodeError(`varint longer than 10 bytes at byte ${this.pos}`);
        c = b[p++]!;
        if (shift < 32) hi |= (c & 127) << shift;
        if (c < 128) break;
      }
    }
    out[2 * at] = lo;
    out[2 * at + 1] = hi;
    this.pos = p;
  }

  int32(): number {
    return this.uint32() | 0;
  }

  /** Length prefix of a LEN field, checked against the buffer end. */
  len(): number {
    const n = this.uint32();
    if (n > this.end - this.pos)
      throw new DecodeError(
        `length ${n} at byte ${this.pos} runs past the end of the message (${this.end - this.pos} bytes left)`,
      );
    return n;
  }

  /** Zero-copy view of a LEN field's bytes. */
  bytes(): Uint8Array {
    const n = this.len();
    // A plain Uint8Array view by constructor: half the cost of subarray() (a request holds
    // thousands of string_val fields), and never a Buffer even when the message is one.
    const out = new Uint8Array(this.buf.buffer, this.buf.byteOffset + this.pos, n);
    this.pos += n;
    return out;
  }

  string(): string {
    const n = this.len();
    const s = utf8.decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  float(): number {
    if (this.end - this.pos < 4) throw new DecodeError(`truncated float at byte ${this.pos}`);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Skip a field's value given its wire type. */
  skip(wireType: number, depth = 0): void {
    switch (wireType) {
      case 0:
        this.uint32();
        return;
      case 1:
        this.advance(8);
        return;
      case 2:
        this.advance(this.len());
        return;
      case 5:
        this.advance(4);
        return;
      case 3: {
        if (depth > 64) throw new DecodeError('groups nested deeper than 64');
        for (;;) {
          const t = this.tag();
          if ((t & 7) === 4) return;
          this.skip(t & 7, depth + 1);
        }
      }
      default:
        throw new DecodeError(`invalid wire type ${wireType} at byte ${this.pos}`);
    }
  }

  advance(n: number): void {
    if (n > this.end - this.pos)
      throw new DecodeError(`field of ${n} bytes at byte ${this.pos} runs past the end of the message`);
    this.pos += n;
  }

  /** A sub-reader over the next LEN field (shares the buffer). */
  sub(): ProtoReader {
    const n = this.len();
    const r = new ProtoReader(this.buf, this.pos, this.pos + n, this.state);
    this.pos += n;
    return r;
  }
}

/** A map<string, Message> entry (key = 1, value = 2); `value` is undefined when the entry has none. */
export function readMapEntry(e: ProtoReader): { key: string; value: ProtoReader | undefined } {
  let key = '';
  let value: ProtoReader | undefined;
  while (!e.done()) {
    const u = e.tag();
    if (u === ((1 << 3) | 2)) key = e.string();
    else if (u === ((2 << 3) | 2)) value = e.sub();
    else e.skip(u & 7);
  }
  return { key, value };
}

/** Copy `count` little-endian float32 values starting at buf[offset] into out[at..]. */
export function copyFloats(buf: Uint8Array, offset: number, count: number, out: Float32Array, at: number): void {
  const target = new Uint8Array(out.buffer, out.byteOffset + at * 4, count * 4);
  target.set(buf.subarray(offset, offset + count * 4));
}

/** Little-endian float32s of a byte range as a Float32Array (copies only when unaligned). */
export function floatsView(bytes: Uint8Array): Float32Array {
  if ((bytes.byteOffset & 3) === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
  const out = new Float32Array(bytes.length >>> 2);
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 4));
  return out;
}

/** Little-endian int64s of a byte range as a BigInt64Array (copies only when unaligned). */
export function int64View(bytes: Uint8Array): BigInt64Array {
  if ((bytes.byteOffset & 7) === 0) return new BigInt64Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 3);
  const out = new BigInt64Array(bytes.length >>> 3);
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 8));
  return out;
}
