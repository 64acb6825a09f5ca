// Shared round-trip assertion: decode(encode(req)) is the canonical batch in every format,
// or the documented refusal where TF Serving's wire rules say the format cannot carry it.
import assert from 'node:assert/strict';
import { FORMATS, type Format } from '../src/formats/index.js';
import { diffBatches, toFeatureBatch, type RankingRequest } from '../src/tensors/index.js';
import { DecodeError } from '../src/wire/proto-reader.js';

/** int64 features whose canonical (broadcast) values hold one JSON cannot carry exactly (beyond ±(2^53 - 1)). */
export function beyondJsonInt64(req: RankingRequest): string[] {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  const out: string[] = [];
  const batch = toFeatureBatch(req);
  for (const f of req.schema.features) {
    const v = batch.tensors.get(f.name)!.values;
    if (v instanceof BigInt64Array && v.some((x) => x > max || x < -max)) out.push(f.name);
  }
  return out;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function hasNonFinite(req: RankingRequest): boolean {
  for (const c of req.columns.values())
    if (c.values instanceof Float32Array && c.values.some((x) => !Number.isFinite(x))) return true;
  return false;
}

function hasInvalidUtf8(req: RankingRequest): boolean {
  for (const c of req.columns.values()) {
    if (!Array.isArray(c.values)) continue;
    for (const b of c.values) {
      try {
        strictUtf8.decode(b);
      } catch {
        return true;
      }
    }
  }
  return false;
}

export const isTfServingJson = (f: Format): boolean => f.id === 'json-rows' || f.id === 'json-columnar';

export interface Refusal {
  /** Where the format refuses: building the request, or the server decoding it. */
  stage: 'encode' | 'decode';
  test: (e: Error) => boolean;
  what: string;
}

const matches = (re: RegExp, what: string, stage: Refusal['stage']): Refusal => ({
  stage,
  test: (e) => re.test(e.message),
  what,
});

/**
 * The documented refusal a format answers `req` with, or undefined when it must round-trip:
 * zero candidates in json-rows ("No values in 'instances' array", as TF Serving) and in the
 * Input formats ("Input is empty."); int64 beyond 2^53 in TF Serving's JSON formats, naming
 * the feature; OIP JSON (KServe v2), which has no NaN/Infinity token and no base64 form.
 */
export function expectedRefusal(f: Format, req: RankingRequest): Refusal | undefined {
  if (req.candidates === 0 && f.id === 'json-rows')
    return matches(/^No values in 'instances' array$/, 'empty instances', 'decode');
  if (req.candidates === 0 && (f.id === 'example-list' || f.id === 'elwc'))
    return matches(/^Input is empty\.$/, 'empty Input', 'decode');
  if ((f.id as string) === 'oip-json' && hasNonFinite(req))
    return matches(/JSON has no NaN or Infinity/, 'non-finite float in OIP JSON', 'encode');
  if ((f.id as string) === 'oip-json' && hasInvalidUtf8(req))
    return matches(/not valid UTF-8/, 'invalid UTF-8 in OIP JSON', 'encode');
  const unsafe = beyondJsonInt64(req);
  if ((isTfServingJson(f) || (f.id as string) === 'oip-json') && unsafe.length > 0) {
    return {
      stage: 'decode',
      test: (e) =>
        unsafe.some((n) => e.message.includes(`"${n}"`)) && /JSON numbers are exact only up to 2\^53/.test(e.message),
      what: `the 2^53 refusal naming one of ${unsafe.join(', ')}`,
    };
  }
  return undefined;
}

/**
 * decode(encode(req)) equals the canonical batch (floats bit for bit; NaN payloads only where the
 * format carries them) or is the documented refusal, a DecodeError. Returns the outcome per format.
 */
export function checkRoundTrip(req: RankingRequest, label: string): Map<string, 'ok' | 'refused'> {
  const want = toFeatureBatch(req);
  const out = new Map<string, 'ok' | 'refused'>();
  for (const f of FORMATS) {
    const refusal = expectedRefusal(f, req);
    if (refusal?.stage === 'encode') {
      assert.throws(
        () => f.encode(req),
        (e: Error) => refusal.test(e),
        `${f.id} on ${label}: expected ${refusal.what} at encode`,
      );
      out.set(f.id, 'refused');
      continue;
    }
    const bytes = f.encode(req);
    if (refusal) {
      assert.throws(
        () => f.decode(bytes, req.schema),
        (e: Error) => e instanceof DecodeError && refusal.test(e),
        `${f.id} on ${label}: expected ${refusal.what}`,
      );
      out.set(f.id, 'refused');
      continue;
    }
    const got = f.decode(bytes, req.schema);
    assert.equal(
      diffBatches(req.schema, want, got.batch, { nanPayloads: f.nanPayloads !== false }),
      undefined,
      `${f.id} on ${label}`,
    );
    out.set(f.id, 'ok');
  }
  return out;
}
