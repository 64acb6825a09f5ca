// The child's --peers step, after ours was timed in the same process: for each peer of the
// format, check that its decode reaches the same canonical tensors as the request (else the
// comparison would not be of the same work: the run fails like a round-trip failure), then
// time its decode and its encode of a prebuilt message; plus the `copy` reference (a
// fresh-allocation copy of the same encoded bytes) and the message's alignment.
import type { RankingRequest } from '../../tensors/index.js';
import { diffBatches, toFeatureBatch } from '../../tensors/index.js';
import type { MeasurePlan } from '../measure-plan.js';
import { decodePredictRequest, encodePredictRequest } from '../../wire/predict-request.js';
import { jitWarmUp, timeOp } from '../time-op.js';
import { VerificationError } from '../verify.js';
import type { WorkerMessage } from '../worker-protocol.js';
import { contentAlignment } from './alignment.js';
import { peersFor } from './index.js';
import { quietNaNs } from './peer-types.js';

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
  const steps: { op: 'encode' | 'decode'; impl: string; work: string; fn: () => unknown }[] = [
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
  // budget but need one sample fewer (at least 3), and tinybench's own warmup is one call
  // (after jitWarmUp below, the same for ours and every library).
  const peerPlan: MeasurePlan = {
    ...plan,
    minSamples: Math.max(3, plan.minSamples - 1),
    warmupMs: 0,
    warmupSamples: 1,
  };
  for (const s of steps) {
    await yieldToLoop();
    const cheap = s.impl === 'copy' || s.impl === PREBUILT_IMPL;
    // Every library gets the JIT warmup ours got (capped in time: a 0.7 s tf.Example parse runs once).
    if (s.impl !== 'copy') jitWarmUp(s.fn, plan);
    const sample = timeOp(`${format} peer ${s.impl} ${s.op}`, s.fn, cheap ? plan : peerPlan);
    send({ type: 'peer', op: s.op, impl: s.impl, work: s.work, bytes: encoded.length, sample });
  }
}
