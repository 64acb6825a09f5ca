// json-rows decode reads the common scalar straight into the column and sends everything else
// through the checked path: a value of the wrong type, out of the float32 range, a fraction
// for int64 or a missing input is refused naming the instance and input; -0, NaN and
// ±Infinity tokens and int64 values up to 2^53 are stored exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getFormat } from '../src/formats/index.js';
import { generate, loadScenario } from '../src/scenario/index.js';

const format = getFormat('json-rows');
const req = generate(loadScenario('tiny', { candidates: 3 }));
const body = (): { instances: Record<string, unknown>[] } =>
  JSON.parse(new TextDecoder().decode(format.encode(req))) as { instances: Record<string, unknown>[] };
const bytes = (b: unknown, raw?: (s: string) => string): Uint8Array => {
  const text = JSON.stringify(b);
  return new TextEncoder().encode(raw ? raw(text) : text);
};
const decode = (b: Uint8Array) => format.decode(b, req.schema).batch;

describe('json-rows scalar values', () => {
  it('refuses what does not fit, naming the instance and input', () => {
    const cases: [string, unknown, RegExp][] = [
      ['item_f32', 'abc', /instances\[1\]\["item_f32"\]: expected a number, got "abc"/],
      ['item_f32', 1e39, /instances\[1\]\["item_f32"\]: Cannot convert JSON value: 1e\+39 to float without loss/],
      ['item_i64', 1.5, /instances\[1\]\["item_i64"\]: JSON Value: 1\.5 Type: Number is not of expected type: int64/],
      ['item_i64', 2 ** 60, /instances\[1\]\["item_i64"\]: an integer beyond 2\^53/],
      ['item_bytes', 7, /instances\[1\]\["item_bytes"\]: expected a string or \{"b64": \.\.\.\}, got 7/],
    ];
    for (const [name, value, message] of cases) {
      const b = body();
      b.instances[1]![name] = value;
      assert.throws(() => decode(bytes(b)), message, `${name} = ${String(value)}`);
    }
    const b = body();
    delete b.instances[2]!.item_f32;
    b.instances[2]!.extra = 1; // same key count: the missing input is what is named
    assert.throws(() => decode(bytes(b)), /instances\[2\]: missing input "item_f32"/);
    const m = body();
    delete m.instances[2]!.item_i64;
    assert.throws(() => decode(bytes(m)), /instances\[2\]: missing input "item_i64"/);
  });

  it('stores -0, NaN, ±Infinity and int64 up to 2^53 exactly', () => {
    const b = body();
    b.instances[0]!.item_f32 = '@-0'; // JSON.stringify writes -0 as 0
    b.instances[0]!.item_i64 = 2 ** 53 - 1;
    b.instances[1]!.item_i64 = -(2 ** 53 - 1);
    b.instances[1]!.item_f32 = '@NaN';
    b.instances[2]!.item_f32 = '@-Infinity';
    const batch = decode(
      bytes(b, (t) => t.replace('"@-0"', '-0').replace('"@NaN"', 'NaN').replace('"@-Infinity"', '-Infinity')),
    );
    const f = batch.tensors.get('item_f32')!.values as Float32Array;
    assert.ok(Object.is(f[0], -0));
    assert.ok(Number.isNaN(f[1]));
    assert.equal(f[2], Number.NEGATIVE_INFINITY);
    const i = batch.tensors.get('item_i64')!.values as BigInt64Array;
    assert.equal(i[0], 2n ** 53n - 1n);
    assert.equal(i[1], -(2n ** 53n - 1n));
  });
});
