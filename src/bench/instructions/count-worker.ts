// Runs under `valgrind --tool=callgrind --instr-atstart=no` (started by count-instructions.ts):
// builds the request and every input with instrumentation off, checks the round trips, then
// counts the instructions of exactly one call of each op, between callgrind client requests.
// Before each region: two untimed calls (lazy compilation, inline caches) and a forced gc()
// (a collection landing inside the region made counts vary 3-5 %), then the C heap is trimmed
// and glibc's fast bins are off (GLIBC_TUNABLES, set by the parent): a malloc_consolidate that
// landed in some regions and not others moved counts by up to 1.1 %. Reads each region's
// count back from the dump file callgrind writes synchronously, writes the counts as JSON.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseCodec } from '../../codecs/index.js';
import { getFormat } from '../../formats/index.js';
import { generate } from '../../scenario/index.js';
import { parseSlowdown, slowdownFactor, spin } from '../inject-slowdown.js';
import { verifyRoundTrips } from '../verify.js';
import type { CallgrindHooks } from './callgrind-addon.js';
import type { CountJob, CountOutput, CountedOp } from './count-protocol.js';

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as CountJob;
const hooks = createRequire(import.meta.url)(job.addon) as CallgrindHooks;
if (!hooks.onValgrind()) {
  process.stderr.write('count-worker: not running under valgrind (started by count-instructions.ts)\n');
  process.exit(1);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write('count-worker: needs node --expose-gc\n');
  process.exit(1);
}

let dumps = 0;
/** Instructions (Ir) of the dump callgrind just wrote for this process. */
function lastDump(name: string): number {
  dumps++;
  // --separate-threads=yes: one file per thread; thread 1 is this (main) thread, so work
  // on other threads (the tsx loader's, libuv's pool, V8's platform) never lands in a count.
  const file = join(job.dumpDir, `cg.${process.pid}.${dumps}-01`);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(`Client Request: ${name}`)) {
    const files = readdirSync(job.dumpDir).join(', ');
    throw new Error(`callgrind dump ${file} is not region "${name}" (dumps here: ${files})`);
  }
  // `totals:` is the region's count (callgrind 3.19 writes `summary: 0` after a zero-stats).
  const m = /^totals:\s*(\d+)/m.exec(text) ?? /^summary:\s*(\d+)/m.exec(text);
  if (!m) throw new Error(`callgrind dump ${file} has no totals line`);
  return Number(m[1]);
}

let sink: unknown;
/** Instructions of one call of `fn`, after two untimed calls and a full collection. */
function countRegion(name: string, fn: () => unknown): number {
  sink = fn();
  sink = fn();
  gc!();
  hooks.settle();
  hooks.start();
  sink = fn();
  hooks.stop();
  hooks.dump(name);
  return lastDump(name);
}

const format = getFormat(job.format);
const codecs = job.codecs.map((c) => parseCodec(c));
const req = generate(job.scenario);
const { encoded, compressed } = verifyRoundTrips(format, codecs, req);
const ops: { op: CountedOp; codec: string; fn: () => unknown }[] = [
  { op: 'encode', codec: 'identity', fn: () => format.encode(req) },
  { op: 'decode', codec: 'identity', fn: () => format.decode(encoded, req.schema) },
];
for (const c of codecs) {
  const packed = compressed.get(c.label)!;
  ops.push({ op: 'compress', codec: c.label, fn: () => c.compress(encoded) });
  ops.push({ op: 'decompress', codec: c.label, fn: () => c.decompress(packed) });
}

const slow = parseSlowdown(job.slowdown);
// Instructions per spin iteration, counted once when a slowdown is injected.
let perSpin = 0;
const out: CountOutput = {
  rawBytes: encoded.length,
  compressed: codecs.map((c) => ({ codec: c.label, bytes: compressed.get(c.label)!.length })),
  counts: [],
};
for (const { op, codec, fn } of ops) {
  const label = `${job.format} ${op} ${codec}`;
  let instructions = countRegion(label, fn);
  const factor = slowdownFactor(slow, job.format, op);
  if (factor > 1) {
    // Test-only: extra work worth (factor - 1) x this op's own instructions, added to the same region.
    if (!perSpin) perSpin = countRegion('spin', () => spin(1_000_000)) / 1_000_000;
    const iterations = Math.round(((factor - 1) * instructions) / perSpin);
    instructions = countRegion(`${label} slowed`, () => [fn(), spin(iterations)]);
  }
  out.counts.push({ op, codec, instructions });
}
void sink;
writeFileSync(job.outFile, JSON.stringify(out));
