// Writes logical requests as TFRecord payloads: one ExampleListWithContext per
// request, or one tf.Example per candidate (context copied in). Used to make
// fixtures and to export synthetic traffic in the shape real logs have.
import type { RankingRequest } from '../tensors/feature-batch.js';
import { featureSources, writeExample } from '../wire/example.js';
import { ProtoWriter, WIRE_LEN } from '../wire/proto-writer.js';

export function elwcRecord(req: RankingRequest): Uint8Array {
  const w = new ProtoWriter(1 << 16);
  const items = featureSources(
    req,
    req.schema.features.filter((f) => f.scope === 'item'),
  );
  const context = featureSources(
    req,
    req.schema.features.filter((f) => f.scope === 'context'),
  );
  for (let i = 0; i < req.candidates; i++) {
    w.tag(1, WIRE_LEN);
    const m = w.begin();
    writeExample(w, items, i);
    w.end(m);
  }
  if (context.length) {
    w.tag(2, WIRE_LEN);
    const m = w.begin();
    writeExample(w, context, 0);
    w.end(m);
  }
  return w.finish();
}

export function exampleRecords(req: RankingRequest): Uint8Array[] {
  const all = featureSources(req, req.schema.features);
  const out: Uint8Array[] = [];
  for (let i = 0; i < req.candidates; i++) {
    const w = new ProtoWriter(4096);
    writeExample(w, all, i);
    out.push(w.finish());
  }
  return out;
}
