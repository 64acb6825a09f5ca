// The child's --peers step, after ours was timed on its own in the same process: for each peer
// of the format, check that its decode reaches the same canonical tensors as the request (else
// the comparison would not be of the same work: the run fails like a round-trip failure), then
// time ours again, interleaved with every peer's decode and its encode of a prebuilt message
// (see time-interleaved.ts), plus the `copy` reference (a fresh-allocation copy of the same
// encoded bytes), ours on a prebuilt message, and the message's alignment.
import { INTERLEAVED_WORK } from '../../results/index.js';
import type { RankingRequest } from '../../tensors/index.js';
import { diffBatches, toFeatureBatch } from '../../tensors/index.js';
import type { MeasurePlan } from '../measure-plan.js';
import { decodePredictRequest, encodePredictRequest } from '../../wire/predict-request.js';
import { timeInterleaved } from '../time-interleaved.js';
import { jitWarmUp } from '../time-op.js';
import { VerificationError } from '../verify.js';
import type { WorkerMessage } from '../worker-protocol.js';
import { contentAlignment } from './alignment.js';
import { peersFor } from './index.js';
import { quietNaNs } from './peer-types.js';

export const OURS_IMPL = 'ours';
const INTERLEAVED = `${INTERLEAVED_WORK}, so its median can differ from the CPU table, where it was timed alone`;
export const OURS_WORK: Record<'encode' | 'decode', string> = {
  decode: `Format.decode: parse, check names, dtypes, shapes and counts against the signature, and assemble the canonical batch (context broadcast); ${INTERLEAVED}`,
  encode: `Format.encode: build the message from the request columns and serialize it; ${INTERLEAVED}`,
};

export const PREBUILT_IMPL = 'ours-prebuilt';
export const PREBUILT_WORK =
  "our wire encoder (encodePredictRequest) serializing a message decoded beforehand (prebuilt, as the peers' encode does): the same bytes";

/**
 * Ours on the peers' terms: re-encoding a PredictRequest decoded beforehand, with no request
 * columns to turn into tensors first. Only where that gives back exactly the measured bytes
 * (the tensor formats and tf-example); undefined elsewhere.
 */
export function prebuiltOurs(encoded: Uint8Array): (() => Uint8Array) | undefined {
  let msg: ReturnType<typeof decodePredictRequest>;
  try {
    msg = decodePredictRequest(encoded);
  } catch {
    return undefined;
  }
  const tensors = [...msg.inputs.values()];
  for (const enc of ['content', 'typed'] as const) {
    const again = encodePredictRequest(msg.modelSpec, tensors, enc);
    if (again.length === encoded.length && again.every((b, i) => b === encoded[i]))
      return () => encodePredictRequest(msg.modelSpec, tensors, enc);
  }
  return undefined;
}

export const COPY_WORK =
  'new Uint8Array(n).set(bytes): a fresh-allocation copy of the same encoded bytes (decode reference)';

export async function measurePeers(
  format: string,
  encoded: Uint8Array,
  req: RankingRequest,
  plan: MeasurePlan,
  ours: Record<'encode' | 'decode', () => unknown>,
  send: (msg: WorkerMessage) => void,
  yieldToLoop: () => Promise<void>,
): Promise<void> {
  const schema = req.schema;
  const expected = toFeatureBatch(req);
  // A peer that cannot read the bytes at all is left out (JSON.parse refuses the NaN and
  // Infinity tokens TF Serving accepts, as in the `edge` preset); one that reads them differently fails the run.
  const peers = peersFor(format).filter((p) => {
    try {
      p.decode(encoded, schema);
      return true;
    } catch {
      return false;
    }
  });
  const quiet = new Set<string>();
  for (const p of peers) {
    const got = p.toBatch(p.decode(encoded, schema), schema);
    const diff = diffBatches(schema, got, expected);
    if (!diff) continue;
    if (diffBatches(schema, got, quietNaNs(expected)) === undefined) quiet.add(p.impl);
    else
      throw new VerificationError(
        `${format}: peer ${p.impl} decodes to different tensors (${diff}); the comparison would not be fair`,
      );
  }
  const noted = (impl: string, work: string): string =>
    quiet.has(impl) ? `${work}; signalling NaN payloads come back quiet` : work;
  send({ type: 'alignment', ...contentAlignment(encoded) });
  const src = new Uint8Array(encoded);
  type Step = { op: 'encode' | 'decode'; impl: string; work: string; fn: () => unknown };
  const steps: Step[] = [
    { op: 'decode', impl: OURS_IMPL, work: OURS_WORK.decode, fn: ours.decode },
    {
      op: 'decode',
      impl: 'copy',
      work: COPY_WORK,
      fn: () => {
        const dst = new Uint8Array(src.length);
        dst.set(src);
        return dst;
      },
    },
    { op: 'encode', impl: OURS_IMPL, work: OURS_WORK.encode, fn: ours.encode },
  ];
  const prebuilt = peers.some((p) => p.impl === 'protobufjs' || p.impl === 'protobuf-es')
    ? prebuiltOurs(encoded)
    : undefined;
  if (prebuilt) steps.push({ op: 'encode', impl: PREBUILT_IMPL, work: PREBUILT_WORK, fn: prebuilt });
  for (const p of peers) {
    steps.push({ op: 'decode', impl: p.impl, work: noted(p.impl, p.decodeWork), fn: () => p.decode(encoded, schema) });
    steps.push({ op: 'encode', impl: p.impl, work: p.encodeWork, fn: p.prebuiltEncode(encoded) });
  }
  // A peer parsing 1,000 tf.Examples takes ~0.6 s a call, so the peers keep the run's time
  // budget but need one sample fewer (at least 3).
  const peerMin = Math.max(3, plan.minSamples - 1);
  const ownMin = (impl: string): number =>
    impl === OURS_IMPL || impl === 'copy' || impl === PREBUILT_IMPL ? plan.minSamples : peerMin;
  for (const op of ['decode', 'encode'] as const) {
    const group = steps.filter((s) => s.op === op);
    await yieldToLoop();
    // Every library gets the JIT warmup ours got (capped in time: a 0.7 s tf.Example parse runs once).
    for (const s of group) if (s.impl !== 'copy') jitWarmUp(s.fn, plan);
    const timed = timeInterleaved(
      group.map((s) => ({ name: `${format} ${s.impl} ${s.op}`, fn: s.fn, minSamples: ownMin(s.impl) })),
      plan,
    );
    for (const [i, s] of group.entries())
      send({ type: 'peer', op, impl: s.impl, work: s.work, bytes: encoded.length, sample: timed[i]! });
  }
}
