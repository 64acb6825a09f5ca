// --target with --protocol oip: a Triton / KServe / MLServer server's own description of its
// model, read with the Open Inference Protocol's ModelMetadata (gRPC), as a ModelSignature, so
// the scenario is built from it, or a scenario / recorded data is checked against it, by the
// same code as TF Serving's signatures (signature-scenario.ts): `[-1]` a scalar, `[-1, L]` a
// vector, `<name>` + `<name>_row_splits` a list; FP32, INT64 and BYTES. Mismatches are worded
// with TensorFlow's dtype names (DT_FLOAT = FP32, DT_INT64 = INT64, DT_STRING = BYTES).
import * as grpc from '@grpc/grpc-js';
import { oipType } from '../wire/oip-protos.js';
import type { MetadataOutcome, ModelSignature, SignatureInput } from './signature-scenario.js';

/** The key the model's one "signature" goes by in messages and results. */
export const OIP_SIGNATURE_KEY = 'ModelMetadata';

/** TensorFlow DataType codes of the protocol's datatypes (so the signature checks can compare and name them). */
const TF_CODE: Record<string, number> = {
  FP32: 1,
  FP64: 2,
  INT32: 3,
  UINT8: 4,
  INT16: 5,
  INT8: 6,
  BYTES: 7,
  INT64: 9,
  BOOL: 10,
  BF16: 14,
  UINT16: 17,
  FP16: 19,
  UINT32: 22,
  UINT64: 23,
};

const STATUS_NAMES = new Map<number, string>(
  Object.entries(grpc.status)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k]),
);

/** A ModelMetadataResponse as a ModelSignature keyed OIP_SIGNATURE_KEY. */
export function signatureFromOipMetadata(bytes: Uint8Array): ModelSignature {
  const T = oipType('ModelMetadataResponse');
  const md = T.toObject(T.decode(bytes), { longs: Number }) as {
    platform?: string;
    inputs?: { name?: string; datatype?: string; shape?: number[] }[];
  };
  const inputs = (md.inputs ?? [])
    .map(
      (t): SignatureInput => ({
        name: t.name ?? '',
        dtype: TF_CODE[t.datatype ?? ''] ?? 0,
        shape: (t.shape ?? []).map(Number),
      }),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { key: OIP_SIGNATURE_KEY, methodName: md.platform ?? '', inputs };
}

/** Asks `address` (host:port, gRPC) for `model`'s ModelMetadata. Never throws for server answers. */
export function fetchOipSignature(address: string, model: string, timeoutMs = 10_000): Promise<MetadataOutcome> {
  const Req = oipType('ModelMetadataRequest');
  const bytes = Buffer.from(Req.encode(Req.fromObject({ name: model })).finish());
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 });
  const identity = (b: Buffer): Buffer => b;
  return new Promise<MetadataOutcome>((resolve) => {
    client.makeUnaryRequest(
      '/inference.GRPCInferenceService/ModelMetadata',
      identity,
      identity,
      bytes,
      { deadline: Date.now() + timeoutMs },
      (err, res) => {
        client.close();
        if (err) {
          if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED)
            resolve({ kind: 'unreachable', details: err.details });
          else
            resolve({
              kind: 'rejected',
              code: STATUS_NAMES.get(err.code) ?? `STATUS_${err.code}`,
              details: err.details,
            });
          return;
        }
        resolve({ kind: 'ok', signatures: new Map([[OIP_SIGNATURE_KEY, signatureFromOipMetadata(res!)]]) });
      },
    );
  });
}
