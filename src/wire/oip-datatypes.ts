// Open Inference Protocol datatype strings and how our three dtypes map to them:
// float32 -> FP32, int64 -> INT64, bytes -> BYTES. The other protocol datatypes are
// known (so errors can name them) but no scenario feature uses them.
import type { DType } from '../scenario/types.js';

export type OipDatatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BF16'
  | 'BYTES';

export const OIP_DATATYPES: readonly OipDatatype[] = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BF16',
  'BYTES',
];

export const OIP_DATATYPE: Record<DType, OipDatatype> = { float32: 'FP32', int64: 'INT64', bytes: 'BYTES' };

/** Our dtype for a protocol datatype string, or undefined when no feature can have it. */
export function dtypeFromOip(datatype: string): DType | undefined {
  return datatype === 'FP32' ? 'float32' : datatype === 'INT64' ? 'int64' : datatype === 'BYTES' ? 'bytes' : undefined;
}

export function isOipDatatype(s: string): s is OipDatatype {
  return (OIP_DATATYPES as readonly string[]).includes(s);
}

/** Bytes per element of a fixed-size datatype (BYTES: undefined). */
export function oipElementSize(datatype: OipDatatype): number | undefined {
  switch (datatype) {
    case 'BOOL':
    case 'UINT8':
    case 'INT8':
      return 1;
    case 'UINT16':
    case 'INT16':
    case 'FP16':
    case 'BF16':
      return 2;
    case 'UINT32':
    case 'INT32':
    case 'FP32':
      return 4;
    case 'UINT64':
    case 'INT64':
    case 'FP64':
      return 8;
    case 'BYTES':
      return undefined;
  }
}
