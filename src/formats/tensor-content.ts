// tensor-content: PredictRequest with one TensorProto per feature, numeric values
// as raw little-endian tensor_content (what tf.make_tensor_proto does for numpy
// arrays); the server can take the bytes without parsing element by element.
import { tensorFormat } from './tensor-formats.js';

export const tensorContent = tensorFormat({
  id: 'tensor-content',
  description: 'PredictRequest, one TensorProto per feature, numeric values as raw little-endian tensor_content',
  encoding: 'content',
  contextOnce: false,
  pack: false,
  signature: 'serving_default',
});
