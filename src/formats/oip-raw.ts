// oip-raw: Open Inference Protocol over gRPC, every input's values in
// raw_input_contents (little-endian, row-major; BYTES as 4-byte length + bytes per
// element): what tritonclient.grpc sends.
import { oipGrpcFormat } from './oip-grpc.js';

export const oipRaw = oipGrpcFormat({
  id: 'oip-raw',
  description: 'Open Inference Protocol gRPC ModelInfer, raw_input_contents (as tritonclient.grpc), context once',
  encoding: 'raw',
});
