// Side-by-side decode baselines for the foundation's performance targets, in one
// process per comparison pair (fresh JIT state): our tf.Example parser vs the
// straightforward protobufjs decode-then-gather, JSON decoders vs JSON.parse alone
// on the same text, and tensor-content encode/decode vs one memcpy of its bytes.
// Usage: npm run decode-baseline [-- --scenario etsy-search]
import { getFormat } from '../src/formats/index.js';
import { decodeTfExampleWithProtobufjs } from '../src/formats/reference/protobufjs-tf-example.js';
import { generate, loadScenario } from '../src/scenario/index.js';

function median(fn: () => unknown, minMs = 1500, minRuns = 10): { median: number; runs: number } {
  for (let i = 0; i < 3; i++) fn(); // warm up
  const times: number[] = [];
  const start = performance.now();
  let sink = 0;
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t0 = performance.now();
    const out = fn();
    times.push(performance.now() - t0);
    if (out) sink++;
    if (times.length > 5000) break;
  }
  if (sink < 0) console.log(sink);
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, runs: times.length };
}

const args = process.argv.slice(2);
const at = args.indexOf('--scenario');
const scenario = loadScenario(at >= 0 ? args[at + 1]! : 'etsy-search');
const req = generate(scenario);
const schema = req.schema;
const row = (label: string, r: { median: number; runs: number }) => console.log(`${label.padEnd(48)} ${r.median.toFixed(3).padStart(9)} ms  (median of ${r.runs})`);

console.log(`scenario ${scenario.name}: ${scenario.candidates} candidates x ${scenario.features.length} features`);
const tc = getFormat('tensor-content');
const tcBytes = tc.encode(req);
const dst = new Uint8Array(tcBytes.length);
row(`memcpy of ${tcBytes.length} bytes (floor)`, median(() => (dst.set(tcBytes), dst)));
row('tensor-content encode', median(() => tc.encode(req)));
row('tensor-content decode', median(() => tc.decode(tcBytes, schema)));

const tfe = getFormat('tf-example');
const tfeBytes = tfe.encode(req);
const ours = median(() => tfe.decode(tfeBytes, schema));
const pbjs = median(() => decodeTfExampleWithProtobufjs(tfeBytes, schema), 3000, 5);
row('tf-example decode (src/wire/example.ts)', ours);
row('tf-example decode (protobufjs decode-then-gather)', pbjs);
console.log(`  -> ours is ${(pbjs.median / ours.median).toFixed(1)}x faster`);

const text = new TextDecoder();
for (const id of ['json-rows', 'json-columnar']) {
  const f = getFormat(id);
  const bytes = f.encode(req);
  const parse = median(() => JSON.parse(text.decode(bytes)));
  const full = median(() => f.decode(bytes, schema));
  row(`${id}: TextDecoder + JSON.parse alone`, parse);
  row(`${id}: decode to tensors`, full);
  console.log(`  -> ${(full.median / parse.median).toFixed(2)}x JSON.parse`);
}
