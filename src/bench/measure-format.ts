// What one child process does: build the request (the scenario's synthetic one, or the
// recorded one a --data run hands over) and every input, check every codec's round trip,
// then time encode, the scenario's floors (warm and cold copy of the logical tensor bytes, see
// floor.ts), decode and each codec's compress and decompress,
// reporting each result as soon as it is measured (so an interrupted run keeps it).
import { parseCodec } from '../codecs/index.js';
import { parseRawElwc, toRankingRequest } from '../data/index.js';
import { getFormat } from '../formats/index.js';
import { generate } from '../scenario/index.js';
import type { RankingRequest } from '../tensors/index.js';
import { calibrationWorkload } from './calibration.js';
import { coldCopyFloor, logicalTensorBytes, warmCopyFloor } from './floor.js';
import { parseSlowdown, withSlowdown } from './inject-slowdown.js';
import { measurePeers } from './peers/measure-peers.js';
import { jitWarmUp, timeOp } from './time-op.js';
import { VerificationError, verifyRoundTrips } from './verify.js';
import type { WorkerJob, WorkerMessage } from './worker-protocol.js';

/** Runs `job`; `send` receives every message; `yieldToLoop` lets queued IPC flush between ops. */
export async function measureFormat(
  job: WorkerJob,
  send: (msg: WorkerMessage) => void,
  yieldToLoop: () => Promise<void> = () => new Promise((r) => setImmediate(r)),
): Promise<void> {
  const format = getFormat(job.format);
  const codecs = job.codecs.map((c) => parseCodec(c));
  const req = jobRequest(job);
  const schema = req.schema;
  const { encoded, compressed } = recordedCheck(job, () => verifyRoundTrips(format, codecs, req));
  const raw = encoded.length;
  send({
    type: 'sizes',
    rawBytes: raw,
    compressed: codecs.map((c) => ({ codec: c.label, bytes: compressed.get(c.label)!.length })),
  });

  const slow = parseSlowdown(process.env.PAYLOAD_BENCH_INJECT_SLOWDOWN);
  const ENC = 'identity';
  const steps: { op: WorkerMessage & { type: 'op-start' }; fn: () => unknown; bytes?: number; jit?: boolean }[] = [
    {
      op: { type: 'op-start', op: 'encode', codec: ENC },
      fn: withSlowdown(slow, job.format, 'encode', () => format.encode(req)),
      jit: true,
    },
  ];
  if (job.floor) {
    // The scenario's floor: the same logical bytes whichever format this child measures.
    const logical = logicalTensorBytes(req);
    steps.push({
      op: { type: 'op-start', op: 'floor', codec: ENC },
      fn: warmCopyFloor(logical),
      bytes: logical.length,
    });
    steps.push({
      op: { type: 'op-start', op: 'floor-cold', codec: ENC },
      fn: coldCopyFloor(logical),
      bytes: logical.length,
    });
    steps.push({ op: { type: 'op-start', op: 'calibration', codec: ENC }, fn: calibrationWorkload() });
  }
  const decode = withSlowdown(slow, job.format, 'decode', () => format.decode(encoded, schema));
  steps.push({ op: { type: 'op-start', op: 'decode', codec: ENC }, fn: decode, jit: true });
  for (const codec of job.plan.timeCodecs === false ? [] : codecs) {
    const packed = compressed.get(codec.label)!;
    steps.push({ op: { type: 'op-start', op: 'compress', codec: codec.label }, fn: () => codec.compress(encoded) });
    steps.push({ op: { type: 'op-start', op: 'decompress', codec: codec.label }, fn: () => codec.decompress(packed) });
  }
  for (const { op, fn, bytes, jit } of steps) {
    send(op);
    await yieldToLoop();
    if (jit) jitWarmUp(fn, job.plan);
    const sample = timeOp(`${job.format} ${op.op} ${op.codec}`, fn, job.plan);
    // Every op consumes or produces the raw encoded bytes; the floors copy the logical bytes.
    send({ type: 'op', op: op.op, codec: op.codec, bytes: bytes ?? raw, sample });
  }
  if (job.peers)
    await measurePeers(job.format, encoded, req, job.plan, { encode: steps[0]!.fn, decode }, send, yieldToLoop);
}

/** The request a job measures: the recorded one (--data) or the scenario's synthetic one. */
export function jobRequest(job: WorkerJob): RankingRequest {
  if (job.recorded === undefined) return generate(job.scenario);
  return toRankingRequest(parseRawElwc(Buffer.from(job.recorded, 'base64')), job.scenario, 0);
}

/** On recorded data a failed round trip names the feature and position, never the values. */
function recordedCheck<T>(job: WorkerJob, fn: () => T): T {
  if (job.recorded === undefined) return fn();
  try {
    return fn();
  } catch (err) {
    if (err instanceof VerificationError)
      throw new VerificationError(err.message.replace(/: value (\d+): .*$/s, ': value $1 differs'));
    throw err;
  }
}
