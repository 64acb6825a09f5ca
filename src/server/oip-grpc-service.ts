// gRPC inference.GRPCInferenceService (Open Inference Protocol) on the stub's gRPC port,
// next to TF Serving's PredictionService: ServerLive, ServerReady, ModelReady,
// ServerMetadata, ModelMetadata and ModelInfer. ModelInfer requests stay raw bytes and
// go through the CallRunner (workers, batching, faults, timing trailers) as call kind
// `ModelInfer`; the small methods are answered here with protobufjs from protos/inference.
import * as grpc from '@grpc/grpc-js';
import { toolVersion } from '../common/env.js';
import { oipType } from '../wire/oip-protos.js';
import type { CallContext, CallRunner, Outcome } from './call-runner.js';
import { toServingError } from './errors.js';
import { STREAM_START_KEY } from './grpc-http2.js';
import { checkOipModel } from './oip-calls.js';
import { OIP_EXTENSIONS, OIP_SERVER_NAME, oipModelMetadata } from './oip-metadata.js';
import type { Servable } from './servable.js';
import { batchEntries, now, timingEntries } from '../common/server-timing.js';

export const OIP_SERVICE_NAME = 'inference.GRPCInferenceService';
const SMALL_METHODS = ['ServerLive', 'ServerReady', 'ModelReady', 'ServerMetadata', 'ModelMetadata'] as const;
export const OIP_METHOD_NAMES = [...SMALL_METHODS, 'ModelInfer'] as const;
export type OipMethodName = (typeof OIP_METHOD_NAMES)[number];

type Response = Record<string, unknown> | Uint8Array;

/** Identity request deserializer; ModelInfer answers are bytes already, the others protobufjs objects. */
export function oipServiceDefinition(): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<Buffer, Response>> = {};
  for (const m of OIP_METHOD_NAMES) {
    const T = oipType(`${m}Response`);
    def[m] = {
      path: `/${OIP_SERVICE_NAME}/${m}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (r: Response) =>
        r instanceof Uint8Array
          ? Buffer.from(r.buffer, r.byteOffset, r.byteLength)
          : Buffer.from(T.encode(T.fromObject(r)).finish()),
      responseDeserialize: () => ({}),
      originalName: m[0]!.toLowerCase() + m.slice(1),
    };
  }
  return def;
}

/** `name` and `version` of a ModelReadyRequest / ModelMetadataRequest (fields 1 and 2). */
function modelRef(bytes: Buffer, method: string): { name: string; version: string } {
  const T = oipType(`${method}Request`);
  const m = T.toObject(T.decode(bytes)) as { name?: string; version?: string };
  return { name: m.name ?? '', version: m.version ?? '' };
}

export function oipServiceHandlers(servable: Servable, runner: CallRunner): grpc.UntypedServiceImplementation {
  const small =
    (answer: (bytes: Buffer) => Record<string, unknown>): grpc.handleUnaryCall<Buffer, Response> =>
    (call, callback) => {
      try {
        callback(null, answer(call.request));
      } catch (err) {
        const e = toServingError(err);
        callback({ code: e.code, details: e.message }, null);
      }
    };
  const infer: grpc.handleUnaryCall<Buffer, Response> = (call, callback) => {
    const arrived = now();
    const stamp = call.metadata.get(STREAM_START_KEY)[0];
    const ctx: CallContext = { cancelled: () => call.cancelled };
    if (typeof stamp === 'string') ctx.headersAt = Number(stamp);
    const d = call.getDeadline();
    const ms = d instanceof Date ? d.getTime() : d;
    if (Number.isFinite(ms)) ctx.deadline = arrived + (ms - Date.now());
    const reply = (outcome: Outcome<Uint8Array>): void => {
      const md = new grpc.Metadata();
      for (const [k, v] of timingEntries(outcome.timing)) md.set(k, v);
      for (const [k, v] of batchEntries(outcome.batch)) md.set(k, v);
      if (outcome.ok) callback(null, outcome.value, md);
      else callback({ code: outcome.error.code, details: outcome.error.message, metadata: md }, null);
    };
    runner
      .runJob<Uint8Array>(arrived, { kind: 'ModelInfer', bytes: call.request }, ctx)
      .then(reply, (err: unknown) => reply({ ok: false, error: toServingError(err), timing: {} }));
  };
  return {
    ServerLive: small(() => ({ live: true })),
    ServerReady: small(() => ({ ready: true })),
    ModelReady: small((b) => {
      const { name, version } = modelRef(b, 'ModelReady');
      try {
        checkOipModel(servable, name, version);
        return { ready: true };
      } catch {
        return { ready: false };
      }
    }),
    ServerMetadata: small(() => ({ name: OIP_SERVER_NAME, version: toolVersion(), extensions: OIP_EXTENSIONS })),
    ModelMetadata: small((b) => {
      const { name, version } = modelRef(b, 'ModelMetadata');
      checkOipModel(servable, name, version);
      return { ...oipModelMetadata(servable) };
    }),
    ModelInfer: infer,
  };
}
