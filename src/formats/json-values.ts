// JSON value helpers shared by json-rows and json-columnar, following TF Serving's
// REST rules: numbers as JSON numbers, strings as JSON strings when they are
// valid UTF-8 and {"b64": "..."} otherwise. float32 values are written with 9
// significant digits (enough to round-trip any float32 exactly), trailing zeros
// trimmed, -0 as "-0", and non-finite values as TF Serving's tokens NaN, Infinity and
// -Infinity; int64 values are written as exact decimal integers.
import type { DType } from '../scenario/types.js';
import type { Values } from '../tensors/feature-batch.js';
import { DecodeError } from '../wire/proto-reader.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

export function floatText(x: number): string {
  // TF Serving's REST API writes and reads these tokens (rapidjson kParseNanAndInfFlag);
  // a NaN's payload bits cannot travel in JSON.
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  // String(-0) is "0": keep the sign, which JSON carries.
  if (x === 0) return 1 / x < 0 ? '-0' : '0';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  let s = x.toPrecision(9);
  const e = s.indexOf('e');
  let mant = e < 0 ? s : s.slice(0, e);
  const exp = e < 0 ? '' : s.slice(e);
  if (mant.includes('.')) {
    let end = mant.length;
    while (mant.charCodeAt(end - 1) === 48) end--;
    if (mant.charCodeAt(end - 1) === 46) end--;
    mant = mant.slice(0, end);
  }
  s = mant + exp;
  // Only ±float32 max: its 9-digit text (3.40282347e+38) is above FLT_MAX as a double, which
  // TF Serving refuses as lossy; the shortest double text is exact.
  if (x > FLT_MAX_9 || x < -FLT_MAX_9) return String(x);
  return s;
}

/** Largest finite float32. */
export const FLT_MAX = 3.4028234663852886e38;
/** The largest float32 below FLT_MAX: its 9-digit text still parses below FLT_MAX. */
const FLT_MAX_9 = 3.4028232635611926e38;

/** TF Serving's refusal of a finite JSON number outside the float32 range (IsLosslessDecimal). */
function lossyFloat(x: number, what: string): never {
  throw new DecodeError(`${what}: Cannot convert JSON value: ${x} to float without loss of precision.`);
}

export function bytesJson(b: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      ascii = false;
      break;
    }
  }
  if (ascii) return `"${String.fromCharCode.apply(null, b as unknown as number[])}"`;
  try {
    return JSON.stringify(strictUtf8.decode(b));
  } catch {
    return `{"b64":"${Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64')}"}`;
  }
}

/** JSON text of values[from..to) as a flat list body (no brackets). */
export function valuesText(v: Values, from: number, to: number): string {
  const parts = new Array<string>(to - from);
  if (Array.isArray(v)) for (let i = from; i < to; i++) parts[i - from] = bytesJson(v[i]!);
  else if (v instanceof Float32Array) for (let i = from; i < to; i++) parts[i - from] = floatText(v[i]!);
  else for (let i = from; i < to; i++) parts[i - from] = v[i]!.toString();
  return parts.join(',');
}

/** A JSON value as TF Serving's errors quote it (NaN and ±Infinity as their tokens, not JSON.stringify's null), cut at 40 characters. */
function jsonText(x: unknown): string {
  return (typeof x === 'number' ? floatText(x) : (JSON.stringify(x) ?? String(x))).slice(0, 40);
}

/** Parse one JSON scalar as `dtype`, naming `what` in errors. */
export function scalarFrom(x: unknown, dtype: DType, what: string): number | bigint | Uint8Array {
  if (dtype === 'bytes') {
    if (typeof x === 'string') return utf8.encode(x);
    if (typeof x === 'object' && x !== null && typeof (x as { b64?: unknown }).b64 === 'string') {
      return new Uint8Array(Buffer.from((x as { b64: string }).b64, 'base64'));
    }
    throw new DecodeError(`${what}: expected a string or {"b64": ...}, got ${jsonText(x)}`);
  }
  if (typeof x !== 'number') throw new DecodeError(`${what}: expected a number, got ${jsonText(x)}`);
  if (dtype === 'float32' && (x > FLT_MAX || x < -FLT_MAX) && Number.isFinite(x)) lossyFloat(x, what);
  if (dtype === 'int64') {
    if (!Number.isInteger(x))
      throw new DecodeError(`${what}: JSON Value: ${floatText(x)} Type: Number is not of expected type: int64`);
    if (!Number.isSafeInteger(x)) {
      throw new DecodeError(
        `${what}: an integer beyond 2^53 (read as ${x}) cannot be parsed exactly: JSON numbers are exact only up to 2^53, so this server refuses it rather than round it (send such int64 values in a binary format)`,
      );
    }
    return BigInt(x);
  }
  return x;
}

/** Store one JSON number as int64 through the value's 32-bit halves (no BigInt per value). */
export function storeInt64(halves: Int32Array, at: number, x: unknown, what: string): void {
  if (typeof x !== 'number' || !Number.isSafeInteger(x)) scalarFrom(x, 'int64', what); // throws with the reason
  halves[2 * at] = (x as number) >>> 0;
  halves[2 * at + 1] = Math.floor((x as number) / 4294967296);
}

/** Store one JSON value as `dtype` at out[at]. */
export function storeOne(
  x: unknown,
  dtype: DType,
  out: Values,
  halves: Int32Array | undefined,
  at: number,
  what: string,
): void {
  if (out instanceof Float32Array) {
    if (typeof x !== 'number') scalarFrom(x, dtype, what);
    if (((x as number) > FLT_MAX || (x as number) < -FLT_MAX) && Number.isFinite(x)) lossyFloat(x as number, what);
    out[at] = x as number;
  } else if (halves) storeInt64(halves, at, x, what);
  else
    (out as Uint8Array[])[at] =
      typeof x === 'string' ? Buffer.from(x, 'utf8') : (scalarFrom(x, dtype, what) as Uint8Array);
}

/** Append JSON values (a flat array) to typed storage at `at`; returns the new position. */
export function storeFlat(
  arr: unknown[],
  dtype: DType,
  out: Values,
  at: number,
  what: string,
  halves?: Int32Array,
): number {
  if (out instanceof Float32Array) {
    for (let i = 0; i < arr.length; i++) {
      const x = arr[i];
      if (typeof x !== 'number') scalarFrom(x, dtype, `${what}[${i}]`);
      if (((x as number) > FLT_MAX || (x as number) < -FLT_MAX) && Number.isFinite(x))
        lossyFloat(x as number, `${what}[${i}]`);
      out[at++] = x as number;
    }
  } else if (out instanceof BigInt64Array) {
    const h = halves ?? new Int32Array(out.buffer, out.byteOffset, out.length * 2);
    for (let i = 0; i < arr.length; i++) storeInt64(h, at++, arr[i], `${what}[${i}]`);
  } else {
    for (let i = 0; i < arr.length; i++) {
      const x = arr[i];
      out[at++] =
        typeof x === 'string' ? Buffer.from(x, 'utf8') : (scalarFrom(x, dtype, `${what}[${i}]`) as Uint8Array);
    }
  }
  return at;
}

/** Shape of a nested JSON array (from its first elements) and its element count. */
export function nestedShape(x: unknown, maxRank = 8): number[] {
  const shape: number[] = [];
  let cur = x;
  while (Array.isArray(cur)) {
    if (shape.length >= maxRank) throw new DecodeError(`nested list deeper than rank ${maxRank}`);
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

/** Flatten a nested array of the given shape into `out`, checking every level's length. */
export function flattenInto(
  x: unknown,
  shape: readonly number[],
  depth: number,
  dtype: DType,
  out: Values,
  at: number,
  what: string,
): number {
  if (depth === shape.length - 1 || shape.length === 0) {
    if (shape.length === 0) {
      storeOne(
        x,
        dtype,
        out,
        out instanceof BigInt64Array ? new Int32Array(out.buffer, 0, 2 * out.length) : undefined,
        at,
        what,
      );
      return at + 1;
    }
    if (!Array.isArray(x) || x.length !== shape[depth])
      throw new DecodeError(`${what}: ragged nested list, expected length ${shape[depth]} at depth ${depth}`);
    return storeFlat(x, dtype, out, at, what);
  }
  if (!Array.isArray(x) || x.length !== shape[depth])
    throw new DecodeError(`${what}: ragged nested list, expected length ${shape[depth]} at depth ${depth}`);
  for (let i = 0; i < x.length; i++) at = flattenInto(x[i], shape, depth + 1, dtype, out, at, what);
  return at;
}
