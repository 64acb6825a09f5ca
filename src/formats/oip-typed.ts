// oip-typed: Open Inference Protocol over gRPC, values in typed InferTensorContents
// (fp32_contents, int64_contents, bytes_contents): what tritonclient.grpc's
// InferInput.set_data_from_numpy does not do, but hand-built clients and KServe's
// Python SDK often send.
import { oipGrpcFormat } from './oip-grpc.js';

export const oipTyped = oipGrpcFormat({
  id: 'oip-typed',
  description: 'Open Inference Protocol gRPC ModelInfer, typed contents (fp32/int64/bytes_contents), context once',
  encoding: 'typed',
});
