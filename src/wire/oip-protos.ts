// The Open Inference Protocol messages (protos/inference/) with protobufjs reflection:
// for the stub's metadata and health answers (off the hot path) and as the independent
// oracle the tests check our hand-written ModelInfer codec against.
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { PROTO_DIR } from './protos.js';

let cached: protobuf.Root | undefined;

export function oipProtoRoot(): protobuf.Root {
  if (cached) return cached;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(PROTO_DIR, target));
  root.loadSync(['inference/grpc_predict_v2.proto'], { keepCase: true });
  root.resolveAll();
  cached = root;
  return root;
}

/** A message type by its name inside package `inference`, e.g. `ModelInferRequest`. */
export function oipType(name: string): protobuf.Type {
  return oipProtoRoot().lookupType(`inference.${name}`);
}
