// bench --peers: every peer decoder reaches the same canonical tensors as ours on every preset
// (else the comparison is not of the same work), peer encoders write bytes ours decodes to
// the same tensors, and the alignment count reads tensor_content offsets. No timing asserted.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { contentAlignment, peersFor } from '../src/bench/peers/index.js';
import { prebuiltOurs } from '../src/bench/peers/measure-peers.js';
import { FORMATS, getFormat } from '../src/formats/index.js';
import { generate, loadScenario } from '../src/scenario/index.js';
import { diffBatches, toFeatureBatch } from '../src/tensors/index.js';

const PRESETS = readdirSync(resolve(import.meta.dirname, '../bench/scenarios'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));
const WITH_PEERS = FORMATS.map((f) => f.id).filter((id) => peersFor(id).length > 0);

describe('peers', () => {
  it('cover every TF Serving format and name the libraries', () => {
    for (const id of [
      'json-rows',
      'json-columnar',
      'tf-example',
      'example-list',
      'elwc',
      'tensor-typed',
      'tensor-content',
      'tensor-broadcast',
      'tensor-packed',
      'msgpack-columnar',
    ]) {
      assert.ok(WITH_PEERS.includes(id as never), id);
    }
    assert.deepEqual(
      peersFor('tensor-content').map((p) => p.impl),
      ['protobufjs', 'protobuf-es'],
    );
    assert.deepEqual(
      peersFor('json-rows').map((p) => p.impl),
      ['JSON'],
    );
    assert.deepEqual(
      peersFor('msgpack-columnar').map((p) => p.impl),
      ['msgpackr'],
    );
  });

  for (const preset of PRESETS) {
    it(`decode to the canonical tensors and encode bytes ours reads back: ${preset}`, () => {
      // Few candidates keep the suite fast; every feature of the preset is still there.
      const req = generate(loadScenario(preset, { candidates: 7 }));
      const expected = toFeatureBatch(req);
      for (const id of WITH_PEERS) {
        const format = getFormat(id);
        const bytes = format.encode(req);
        for (const p of peersFor(id)) {
          const where = `${preset} ${id} ${p.impl}`;
          if (preset === 'edge' && p.impl === 'JSON') {
            // JSON.parse refuses the NaN / Infinity tokens TF Serving accepts: the bench leaves this peer out.
            assert.throws(() => p.decode(bytes, req.schema), SyntaxError, where);
            continue;
          }
          const got = p.toBatch(p.decode(bytes, req.schema), req.schema);
          const encoded = p.prebuiltEncode(bytes)();
          const back = format.decode(encoded, req.schema).batch;
          if (preset === 'edge') {
            // Peers that hand floats out as JS numbers quiet signalling NaNs; nothing else may differ.
            for (const [b, what] of [
              [got, 'decode'],
              [back, 'encode'],
            ] as const) {
              const exact = diffBatches(req.schema, b, expected);
              if (exact === undefined) continue;
              assert.match(exact, /NaN payloads differ/, `${where} ${what}`);
              // Compared with NaN payloads ignored (not through quietNaNs, whose Number() copy may or may not
              // quiet a signalling NaN depending on V8's tier): every other bit must still match.
              assert.equal(diffBatches(req.schema, b, expected, { nanPayloads: false }), undefined, `${where} ${what}`);
            }
            continue;
          }
          assert.equal(diffBatches(req.schema, got, expected), undefined, `${where} decode`);
          assert.equal(diffBatches(req.schema, back, expected), undefined, `${where} encode`);
        }
      }
    });
  }

  it('time our wire encoder on a prebuilt message only where it gives back the measured bytes', () => {
    for (const preset of ['etsy-search', 'edge']) {
      const req = generate(loadScenario(preset, { candidates: 7 }));
      for (const id of ['tensor-typed', 'tensor-content', 'tensor-broadcast', 'tensor-packed', 'tf-example']) {
        const bytes = getFormat(id).encode(req);
        const encode = prebuiltOurs(bytes);
        assert.ok(encode, `${preset} ${id}`);
        assert.deepEqual(encode(), bytes, `${preset} ${id}`);
      }
      // Not a PredictRequest: no like-for-like row rather than a wrong one.
      for (const id of ['elwc', 'json-columnar']) assert.equal(prebuiltOurs(getFormat(id).encode(req)), undefined, id);
    }
  });

  it('notice a peer that gathers the wrong values', () => {
    const req = generate(loadScenario('tiny'));
    const bytes = getFormat('elwc').encode(req);
    const p = peersFor('elwc')[0]!;
    const batch = p.toBatch(p.decode(bytes, req.schema), req.schema);
    const first = [...batch.tensors.values()].find((c) => c.values instanceof Float32Array)!;
    (first.values as Float32Array)[0]! += 1;
    assert.match(diffBatches(req.schema, batch, toFeatureBatch(req)) ?? '', /value 0/);
  });

  it('count aligned tensor_content fields from the message start', () => {
    const req = generate(loadScenario('etsy-search', { candidates: 5 }));
    const bytes = getFormat('tensor-content').encode(req);
    const a = contentAlignment(bytes);
    const numeric = req.schema.features.filter((f) => f.dtype !== 'bytes').length;
    const lists = req.schema.features.filter((f) => f.shape.kind === 'list').length;
    assert.equal(a.tensors, numeric + lists); // every numeric input plus each list's row splits
    assert.ok(a.aligned <= a.tensors);
    // The same message one byte into a larger buffer: every offset from the start is unchanged.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    assert.deepEqual(contentAlignment(shifted.subarray(1)), a);
    assert.deepEqual(contentAlignment(getFormat('tensor-typed').encode(req)), { tensors: 0, aligned: 0 });
  });
});
