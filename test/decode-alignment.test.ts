// tensor_content decoding: a zero-copy view where the bytes are aligned for their element
// size, one copy (into the message's arena) where not; identical tensors at every offset.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentAlignment } from '../src/bench/peers/index.js';
import { getFormat } from '../src/formats/index.js';
import { generate, loadScenario } from '../src/scenario/index.js';
import { diffBatches, toFeatureBatch } from '../src/tensors/index.js';

describe('tensor_content decode', () => {
  const req = generate(loadScenario('etsy-search', { candidates: 9 }));
  const expected = toFeatureBatch(req);
  const format = getFormat('tensor-content');
  const bytes = format.encode(req);

  it('gives the same tensors whatever the message offset, viewing aligned fields in place', () => {
    for (let shift = 0; shift < 8; shift++) {
      const buf = new Uint8Array(bytes.length + 8);
      buf.set(bytes, shift);
      const msg = buf.subarray(shift, shift + bytes.length);
      const { batch } = format.decode(msg, req.schema);
      assert.equal(diffBatches(req.schema, batch, expected), undefined, `shift ${shift}`);
      // Item float features sent per candidate are returned as decoded (no broadcast), so
      // their arrays show whether the field was viewed in place or copied.
      let views = 0;
      let copies = 0;
      for (const f of req.schema.features) {
        const v = batch.tensors.get(f.name)!.values;
        if (f.scope !== 'item' || !(v instanceof Float32Array) || f.shape.kind === 'list') continue;
        const inPlace = v.buffer === buf.buffer;
        const offset = v.byteOffset - (inPlace ? msg.byteOffset : 0);
        if (inPlace) {
          views++;
          assert.equal((msg.byteOffset + offset) % 4, 0, `${f.name} viewed unaligned`);
        } else copies++;
      }
      assert.ok(views + copies > 0);
      // Shifting the message by 4 bytes moves no float field between aligned and not.
      if (shift === 0)
        assert.ok(views > 0 && copies > 0, `etsy-search has both aligned and unaligned floats (${views} / ${copies})`);
    }
  });

  it('counts in contentAlignment the fields decode can view in place', () => {
    const a = contentAlignment(bytes);
    const { batch } = format.decode(bytes, req.schema);
    let inPlace = 0;
    for (const c of batch.tensors.values()) if (!Array.isArray(c.values) && c.values.buffer === bytes.buffer) inPlace++;
    // Context features are broadcast (copied) by decode, so at most that many stay in place.
    assert.ok(inPlace <= a.aligned, `${inPlace} in place, ${a.aligned} aligned`);
    assert.ok(a.aligned > 0 && a.aligned < a.tensors);
  });
});
