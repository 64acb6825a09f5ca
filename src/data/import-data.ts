// Imports a user's recorded requests: TFRecord files of serialized tf.Example or
// ExampleListWithContext records, or JSON Lines of TF Serving REST bodies
// ("instances" rows or "inputs" columns). Touches the file system only to read `path`.
import { readFileSync, statSync } from 'node:fs';
import { JsonSyntaxError, parseServingJsonText } from '../formats/json-parse.js';
import { DecodeError } from '../wire/proto-reader.js';
import { parseRawElwc, parseRawExample, type RawExample, type RawFeature, type RawRequest } from './raw-example.js';
import { DataError, readTfRecords, type CorruptRecord } from './tfrecord.js';

export type DataFormat = 'tfrecord-example' | 'tfrecord-elwc' | 'jsonl';

export interface ImportOptions {
  /** Force a format; by default it is detected from the file. */
  format?: DataFormat;
  /** Skip (and count) corrupt records instead of stopping at the first. */
  skipCorrupt?: boolean;
  /** Regroup all examples into requests of this many candidates (context merged into each). */
  candidates?: number;
}

export interface ImportedData {
  source: string;
  format: DataFormat;
  requests: RawRequest[];
  records: number;
  corrupt: CorruptRecord[];
  /** Examples left over when regrouping did not divide evenly (dropped, reported). */
  droppedExamples: number;
}

export function importData(path: string, opts: ImportOptions = {}): ImportedData {
  let buf: Uint8Array;
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    buf = readFileSync(path);
  } catch (err) {
    throw new DataError(`cannot read data file ${path}: ${(err as Error).message}`);
  }
  const format = opts.format ?? detectFormat(buf, path);
  let requests: RawRequest[];
  let corrupt: CorruptRecord[] = [];
  let records: number;
  if (format === 'jsonl') {
    ({ requests, corrupt, records } = readJsonLines(buf, path, opts.skipCorrupt ?? false));
  } else {
    const framed = readTfRecords(buf, path, opts.skipCorrupt ?? false);
    corrupt = framed.corrupt;
    records = framed.records.length + framed.corrupt.length;
    requests = [];
    for (const rec of framed.records) {
      try {
        requests.push(format === 'tfrecord-elwc' ? parseRawElwc(rec.data) : { examples: [parseRawExample(rec.data)] });
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        const reason = `not a ${format === 'tfrecord-elwc' ? 'ExampleListWithContext' : 'tf.Example'}: ${err.message}`;
        if (!opts.skipCorrupt)
          throw new DataError(
            `${path}: record ${rec.index} at byte offset ${rec.offset}: ${reason} (use --skip-corrupt to skip corrupt records)`,
          );
        corrupt.push({ index: rec.index, offset: rec.offset, reason });
      }
    }
  }
  if (requests.length === 0) throw new DataError(`${path}: no usable records (${corrupt.length} corrupt)`);
  let droppedExamples = 0;
  if (opts.candidates !== undefined) ({ requests, droppedExamples } = regroup(requests, opts.candidates, path));
  return { source: path, format, requests, records, corrupt, droppedExamples };
}

/** JSON Lines start with `{`; otherwise TFRecord, Example vs ELWC told apart by parsing the first good record. */
export function detectFormat(buf: Uint8Array, path: string): DataFormat {
  let i = 0;
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  if (buf[i] === 0x7b) return 'jsonl';
  const { records } = readTfRecords(buf, path, true);
  const first = records[0];
  if (!first)
    throw new DataError(`${path}: neither JSON Lines nor a readable TFRecord file (pass --data-format to say which)`);
  try {
    const ex = parseRawExample(first.data);
    if (ex.size > 0) return 'tfrecord-example';
  } catch {
    // not an Example: try ELWC below
  }
  try {
    const elwc = parseRawElwc(first.data);
    if (elwc.examples.length > 0 || elwc.context) return 'tfrecord-elwc';
  } catch {
    // fall through
  }
  throw new DataError(`${path}: the first TFRecord record is neither a tf.Example nor an ExampleListWithContext`);
}

function regroup(requests: RawRequest[], n: number, path: string): { requests: RawRequest[]; droppedExamples: number } {
  const all: RawExample[] = [];
  for (const r of requests) {
    for (const e of r.examples) all.push(r.context ? new Map([...r.context, ...e]) : e);
  }
  if (all.length < n) throw new DataError(`${path}: ${all.length} examples in all, fewer than --candidates ${n}`);
  const out: RawRequest[] = [];
  for (let i = 0; i + n <= all.length; i += n) out.push({ examples: all.slice(i, i + n) });
  return { requests: out, droppedExamples: all.length % n };
}

const utf8 = new TextEncoder();

function readJsonLines(
  buf: Uint8Array,
  path: string,
  skipCorrupt: boolean,
): { requests: RawRequest[]; corrupt: CorruptRecord[]; records: number } {
  const text = new TextDecoder().decode(buf);
  const corrupt: CorruptRecord[] = [];
  const fail = (index: number, offset: number, reason: string): void => {
    if (!skipCorrupt)
      throw new DataError(
        `${path}: line ${index + 1} (record ${index}) at byte offset ${offset}: ${reason} (use --skip-corrupt to skip corrupt records)`,
      );
    corrupt.push({ index, offset, reason });
  };
  // Pass 1: parse every line (NaN / Infinity / -Infinity as TF Serving reads them).
  const lines: { index: number; offset: number; body: unknown }[] = [];
  let offset = 0;
  let index = 0;
  for (const line of text.split('\n')) {
    const here = offset;
    offset += Buffer.byteLength(line) + 1;
    if (!line.trim()) continue;
    try {
      lines.push({ index, offset: here, body: parseServingJsonText(line) });
    } catch (err) {
      fail(index, here, err instanceof JsonSyntaxError ? invalidJsonReason(err) : (err as Error).message);
    }
    index++;
  }
  // A feature with any fractional, non-finite or negative-zero number in the file is float32,
  // whole-valued rows included: JSON writes a float 2.0 as 2.
  const floats = new Set<string>();
  for (const l of lines) collectFloatFeatures(l.body, floats);
  const requests: RawRequest[] = [];
  for (const l of lines) {
    try {
      requests.push(jsonBodyToRaw(l.body, floats));
    } catch (err) {
      fail(l.index, l.offset, (err as Error).message);
    }
  }
  return { requests, corrupt, records: index };
}

function hasFloat(x: unknown): boolean {
  if (typeof x === 'number') return !Number.isInteger(x) || Object.is(x, -0);
  return Array.isArray(x) && x.some(hasFloat);
}

function collectFloatFeatures(body: unknown, out: Set<string>): void {
  if (typeof body !== 'object' || body === null) return;
  const b = body as { instances?: unknown; inputs?: unknown };
  const scan = (o: unknown): void => {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return;
    for (const [k, v] of Object.entries(o)) if (!out.has(k) && hasFloat(v)) out.add(k);
  };
  if (Array.isArray(b.instances)) for (const inst of b.instances) scan(inst);
  else scan(b.inputs);
}

/**
 * V8's JSON errors quote the offending text (`Unexpected token 'x', "...secret..." is not
 * valid JSON`); keep only the position so no value from the data reaches a message.
 */
function invalidJsonReason(err: Error): string {
  const at = /(?:position|offset) (\d+)/.exec(err.message);
  return `invalid JSON${at ? ` (at character ${at[1]} of the line)` : ''}`;
}

function jsonValue(x: unknown, name: string, floats: ReadonlySet<string>): RawFeature {
  const flat = Array.isArray(x) ? x.flat(Infinity) : [x];
  if (flat.every((v) => typeof v === 'number')) {
    const nums = flat as number[];
    return floats.has(name) ? { kind: 'float', values: nums } : { kind: 'int64', values: nums.map((v) => BigInt(v)) };
  }
  if (
    flat.every(
      (v) =>
        typeof v === 'string' ||
        (typeof v === 'object' && v !== null && typeof (v as { b64?: unknown }).b64 === 'string'),
    )
  ) {
    return {
      kind: 'bytes',
      values: flat.map((v) =>
        typeof v === 'string' ? utf8.encode(v) : new Uint8Array(Buffer.from((v as { b64: string }).b64, 'base64')),
      ),
    };
  }
  throw new Error(`feature "${name}": values must be all numbers or all strings`);
}

function jsonBodyToRaw(body: unknown, floats: ReadonlySet<string>): RawRequest {
  if (typeof body !== 'object' || body === null)
    throw new Error('a line must be a JSON object with "instances" or "inputs"');
  const b = body as { instances?: unknown; inputs?: unknown };
  if (Array.isArray(b.instances)) {
    return {
      examples: b.instances.map((inst, i) => {
        if (typeof inst !== 'object' || inst === null || Array.isArray(inst))
          throw new Error(`instances[${i}] is not an object of named inputs`);
        return new Map(Object.entries(inst).map(([k, v]) => [k, jsonValue(v, k, floats)]));
      }),
    };
  }
  if (typeof b.inputs === 'object' && b.inputs !== null && !Array.isArray(b.inputs)) {
    const inputs = b.inputs as Record<string, unknown>;
    let n = 0;
    for (const [k, v] of Object.entries(inputs)) {
      if (k.endsWith('_row_splits') && Array.isArray(v)) n = Math.max(n, v.length - 1);
      else if (!(`${k}_row_splits` in inputs) && Array.isArray(v)) n = Math.max(n, v.length);
    }
    const examples: RawExample[] = Array.from({ length: n }, () => new Map());
    const context: RawExample = new Map();
    for (const [k, v] of Object.entries(inputs)) {
      if (k.endsWith('_row_splits') && k.slice(0, -'_row_splits'.length) in inputs) continue;
      const splits = inputs[`${k}_row_splits`];
      if (!Array.isArray(v)) throw new Error(`inputs["${k}"] is not a list`);
      if (Array.isArray(splits)) {
        const flat = jsonValue(v, k, floats);
        const rows = splits.length - 1;
        for (let r = 0; r < rows; r++) {
          const part = {
            kind: flat.kind,
            values: (flat.values as unknown[]).slice(splits[r] as number, splits[r + 1] as number),
          } as RawFeature;
          if (rows === 1 && n > 1) context.set(k, part);
          else examples[r]!.set(k, part);
        }
      } else if (v.length === 1 && n > 1) {
        context.set(k, jsonValue(v[0], k, floats));
      } else {
        v.forEach((row, r) => examples[r]!.set(k, jsonValue(row, k, floats)));
      }
    }
    return context.size ? { examples, context } : { examples };
  }
  throw new Error('a line must be a JSON object with "instances" (rows) or "inputs" (columns)');
}
