// tensor-packed: tensor-broadcast, plus every fixed-shape float32 feature of a scope
// concatenated into one tensor: `packed_item_dense` [N, F] and `packed_context_dense`
// [1, Fc] (Zemanta's change). Ids, strings and variable-length lists stay separate
// tensors: int64 ids do not fit float32 exactly.
import { tensorFormat } from './tensor-formats.js';

export const tensorPacked = tensorFormat({
  id: 'tensor-packed',
  description: 'tensor-broadcast with all fixed-shape float32 features concatenated into one [N, F] tensor per scope',
  encoding: 'content',
  contextOnce: true,
  pack: true,
  signature: 'packed',
});
