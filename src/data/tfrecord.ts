// TFRecord framing: per record, uint64 length (LE), masked CRC32C of the length,
// the data, masked CRC32C of the data. Corrupt records are reported with their
// file offset and index; the reader can skip them and count them.
import { maskedCrc32c } from './crc32c.js';

export class DataError extends Error {
  override name = 'DataError';
}

export interface TfRecord {
  index: number;
  offset: number;
  data: Uint8Array;
}

export interface CorruptRecord {
  index: number;
  offset: number;
  reason: string;
}

export function writeTfRecords(records: readonly Uint8Array[]): Uint8Array {
  const total = records.reduce((a, r) => a + r.length + 16, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let p = 0;
  for (const r of records) {
    view.setUint32(p, r.length, true);
    view.setUint32(p + 4, Math.floor(r.length / 2 ** 32), true);
    view.setUint32(p + 8, maskedCrc32c(out, p, p + 8), true);
    out.set(r, p + 12);
    view.setUint32(p + 12 + r.length, maskedCrc32c(r), true);
    p += r.length + 16;
  }
  return out;
}

/**
 * Read every record. With `skipCorrupt` a record whose data CRC fails is skipped and
 * counted; a bad length header or a truncated tail ends the file (nothing after it
 * can be framed) and is counted too. Without it the first problem throws DataError.
 */
export function readTfRecords(
  buf: Uint8Array,
  source: string,
  skipCorrupt: boolean,
): { records: TfRecord[]; corrupt: CorruptRecord[] } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const records: TfRecord[] = [];
  const corrupt: CorruptRecord[] = [];
  let p = 0;
  let index = 0;
  const fail = (reason: string, fatal: boolean): boolean => {
    const c = { index, offset: p, reason };
    if (!skipCorrupt)
      throw new DataError(
        `${source}: record ${index} at byte offset ${p}: ${reason} (use --skip-corrupt to skip corrupt records)`,
      );
    corrupt.push(c);
    return fatal;
  };
  while (p < buf.length) {
    if (buf.length - p < 12) {
      fail(`truncated header (${buf.length - p} bytes left, need 12)`, true);
      break;
    }
    const lo = view.getUint32(p, true);
    const hi = view.getUint32(p + 4, true);
    if (view.getUint32(p + 8, true) !== maskedCrc32c(buf, p, p + 8)) {
      fail('length CRC mismatch (not a TFRecord file, or corrupt header)', true);
      break;
    }
    const len = hi * 2 ** 32 + lo;
    if (len > buf.length - p - 16) {
      fail(`truncated record (length ${len}, ${Math.max(0, buf.length - p - 16)} bytes left)`, true);
      break;
    }
    const data = buf.subarray(p + 12, p + 12 + len);
    if (view.getUint32(p + 12 + len, true) !== maskedCrc32c(data)) fail('data CRC mismatch', false);
    else records.push({ index, offset: p, data });
    p += len + 16;
    index++;
  }
  return { records, corrupt };
}
