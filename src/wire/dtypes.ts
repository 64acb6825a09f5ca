// TensorFlow DataType enum values (tensorflow/core/framework/types.proto) for our dtypes.
import type { DType } from '../scenario/types.js';

export const DT_FLOAT = 1;
export const DT_STRING = 7;
export const DT_INT64 = 9;

export const TF_DTYPE: Record<DType, number> = { float32: DT_FLOAT, int64: DT_INT64, bytes: DT_STRING };

const NAMES: Record<number, string> = {
  0: 'DT_INVALID',
  1: 'DT_FLOAT',
  2: 'DT_DOUBLE',
  3: 'DT_INT32',
  4: 'DT_UINT8',
  5: 'DT_INT16',
  6: 'DT_INT8',
  7: 'DT_STRING',
  9: 'DT_INT64',
  10: 'DT_BOOL',
};

export function tfDtypeName(code: number): string {
  return NAMES[code] ?? `DataType(${code})`;
}

export function dtypeFromTf(code: number): DType | undefined {
  return code === DT_FLOAT ? 'float32' : code === DT_INT64 ? 'int64' : code === DT_STRING ? 'bytes' : undefined;
}
