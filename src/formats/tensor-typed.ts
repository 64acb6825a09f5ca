// tensor-typed: PredictRequest with one TensorProto per feature, numbers in the
// typed repeated fields (float_val, int64_val; packed), strings in string_val.
// What most hand-written clients send (tf.make_tensor_proto with lists).
import { tensorFormat } from './tensor-formats.js';

export const tensorTyped = tensorFormat({
  id: 'tensor-typed',
  description:
    'PredictRequest, one TensorProto per feature, values in typed repeated fields (float_val/int64_val/string_val)',
  encoding: 'typed',
  contextOnce: false,
  pack: false,
  signature: 'serving_default',
});
