// Loads the project's .proto files (protos/) with protobufjs reflection, for the
// messages off the hot path (responses, metadata) and as an independent oracle in tests.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export const PROTO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../protos');

const FILES = ['tensorflow_serving/apis/prediction_service.proto', 'tensorflow/core/example/example.proto'];

let cached: protobuf.Root | undefined;

/** The resolved protobufjs Root of every message in protos/ (cached). */
export function protoRoot(): protobuf.Root {
  if (cached) return cached;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(PROTO_DIR, target));
  root.loadSync(FILES, { keepCase: true });
  // Unresolved types make protobufjs write packed repeated fields unpacked; resolve everything up front.
  root.resolveAll();
  cached = root;
  return root;
}

/** A message type by its full name, e.g. `tensorflow.serving.PredictRequest`. */
export function protoType(fullName: string): protobuf.Type {
  return protoRoot().lookupType(fullName);
}
