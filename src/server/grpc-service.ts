// gRPC tensorflow.serving.PredictionService on grpc-js. The service definition is
// hand-built: requests stay raw Buffers (the formats' decoders parse them, timed),
// responses are encoded with protobufjs from protos/. Server timing goes back in
// trailing metadata (see timing.ts).
import * as grpc from '@grpc/grpc-js';
import { protoType } from '../wire/protos.js';
import type { CallContext, CallRunner, Outcome } from './call-runner.js';
import { toServingError } from './errors.js';
import { STREAM_ID_KEY, STREAM_START_KEY, takeStreamStamps, type StreamStamps } from './grpc-http2.js';
import { getModelMetadata } from './rpc-methods.js';
import type { Servable } from './servable.js';
import { batchEntries, now, timingEntries, type ServerTiming } from '../common/server-timing.js';

import { METHOD_NAMES, RESPONSE_TYPES, SERVICE_NAME } from '../common/prediction-service.js';

export { METHOD_NAMES, SERVICE_NAME, type MethodName } from '../common/prediction-service.js';

type Response = Record<string, unknown>;

/** The service definition: identity request deserializer, protobufjs response serializer. */
export function predictionServiceDefinition(): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<Buffer, Response>> = {};
  for (const m of METHOD_NAMES) {
    const T = protoType(RESPONSE_TYPES[m]);
    def[m] = {
      path: `/${SERVICE_NAME}/${m}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (obj: Response) => Buffer.from(T.encode(T.fromObject(obj)).finish()),
      responseDeserialize: () => ({}),
      originalName: m[0]!.toLowerCase() + m.slice(1),
    };
  }
  return def;
}

function trailerOf(outcome: Outcome<unknown>): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [k, v] of timingEntries(outcome.timing)) md.set(k, v);
  for (const [k, v] of batchEntries(outcome.batch)) md.set(k, v);
  return md;
}

function reply(callback: grpc.sendUnaryData<Response>, outcome: Outcome<Response>): void {
  const trailer = trailerOf(outcome);
  if (outcome.ok) callback(null, outcome.value, trailer);
  else callback({ code: outcome.error.code, details: outcome.error.message, metadata: trailer }, null);
}

/**
 * How the call arrived, from its stream's stamps: headers -> first message byte (grpc-js
 * compresses after sending the headers: the client's compression), first -> last byte (the
 * upload) and last byte -> handler (grpc-js deframing and decompressing).
 */
function arrivalTiming(s: StreamStamps, arrived: number): ServerTiming {
  if (s.firstByteAt === undefined || s.lastByteAt === undefined || s.lastByteAt > arrived) return {};
  return {
    firstByte: s.firstByteAt - s.headersAt,
    receive: s.lastByteAt - s.firstByteAt,
    decompress: arrived - s.lastByteAt,
  };
}

/** The call's deadline on the `now()` clock (grpc-timeout), if it has one. */
function deadlineOf(call: grpc.ServerUnaryCall<Buffer, Response>, arrived: number): number | undefined {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  if (!Number.isFinite(ms)) return undefined;
  return arrived + (ms - Date.now());
}

/** Handlers for every method, sharing one CallRunner (queue, workers, batching, faults, timing). */
export function predictionServiceHandlers(servable: Servable, runner: CallRunner): grpc.UntypedServiceImplementation {
  const scored =
    (kind: 'Predict' | 'Classify' | 'Regress' | 'MultiInference'): grpc.handleUnaryCall<Buffer, Response> =>
    (call, callback) => {
      const arrived = now();
      const stamp = call.metadata.get(STREAM_START_KEY)[0];
      const stamps = takeStreamStamps(call.metadata.get(STREAM_ID_KEY)[0]);
      const arrival = stamps ? arrivalTiming(stamps, arrived) : {};
      const ctx: CallContext = { cancelled: () => call.cancelled };
      if (typeof stamp === 'string') ctx.headersAt = Number(stamp);
      const deadline = deadlineOf(call, arrived);
      if (deadline !== undefined) ctx.deadline = deadline;
      runner.runJob<Response>(arrived, { kind, bytes: call.request }, ctx).then(
        (outcome) => reply(callback, { ...outcome, timing: { ...outcome.timing, ...arrival } }),
        (err: unknown) => reply(callback, { ok: false, error: toServingError(err), timing: {} }),
      );
    };
  const metadata: grpc.handleUnaryCall<Buffer, Response> = (call, callback) => {
    try {
      callback(null, getModelMetadata(servable, call.request));
    } catch (err) {
      const e = toServingError(err);
      callback({ code: e.code, details: e.message }, null);
    }
  };
  return {
    Predict: scored('Predict'),
    Classify: scored('Classify'),
    Regress: scored('Regress'),
    MultiInference: scored('MultiInference'),
    GetModelMetadata: metadata,
  };
}
