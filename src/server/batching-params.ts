// TF Serving's batching configuration: the BatchingParameters message
// (tensorflow_serving/servables/tensorflow/session_bundle_config.proto) read from the same
// protobuf text file a team passes to --batching_parameters_file, e.g.
//
//   max_batch_size { value: 128 }
//   batch_timeout_micros { value: 0 }
//   max_enqueued_batches { value: 1000000 }
//   num_batch_threads { value: 8 }
//   allowed_batch_sizes: 32
//   allowed_batch_sizes: 128
//   pad_variable_length_inputs: true
//
// Absent fields take the defaults TF Serving takes (SharedBatchScheduler::QueueOptions and
// Options: 1000, 0, 10, one thread per core); the checks and their wording follow
// bundle_factory_util.cc (WrapSessionForBatching) and SharedBatchScheduler::AddQueue.
import { availableParallelism } from 'node:os';

export interface BatchingParameters {
  /** Largest task (request) accepted, in rows; also the batch size unless splitting is on. @default 1000 */
  maxBatchSize: number;
  /** How long the oldest task of the open batch may wait for more before the batch is run. @default 0 */
  batchTimeoutMicros: number;
  /** Batches (the open one included) the queue holds before refusing tasks with UNAVAILABLE. @default 10 */
  maxEnqueuedBatches: number;
  /** Batches processed at once. @default the machine's cores */
  numBatchThreads: number;
  /** Name of the batch thread pool (recorded only). @default 'batch_threads' */
  threadPoolName: string;
  /** Batch sizes the model may be called with; a batch is padded up to the next one. @default [] (any) */
  allowedBatchSizes: number[];
  /** TF Serving pads tensors with different inner dimensions; the stub batches ragged tensors, which never need it (recorded). @default false */
  padVariableLengthInputs: boolean;
  /** Split a task across batches instead of refusing one that does not fit. @default false */
  enableLargeBatchSplitting: boolean;
  /** With splitting: the size of each batch (<= maxBatchSize). @default maxBatchSize */
  maxExecutionBatchSize: number;
}

export function defaultBatchingParameters(cores = availableParallelism()): BatchingParameters {
  return {
    maxBatchSize: 1000,
    batchTimeoutMicros: 0,
    maxEnqueuedBatches: 10,
    numBatchThreads: cores,
    threadPoolName: 'batch_threads',
    allowedBatchSizes: [],
    padVariableLengthInputs: false,
    enableLargeBatchSplitting: false,
    maxExecutionBatchSize: 1000,
  };
}

/** A bad batching parameters file or flag: the message names the line, the field and what is allowed. */
export class BatchingParamsError extends Error {
  override name = 'BatchingParamsError';
}

type Kind = 'int' | 'bool' | 'string';
/** Field name -> [type, wrapper message (`{ value: ... }`) or plain scalar, repeated]. */
const FIELDS: Record<string, { kind: Kind; wrapped: boolean; repeated?: boolean }> = {
  max_batch_size: { kind: 'int', wrapped: true },
  batch_timeout_micros: { kind: 'int', wrapped: true },
  max_enqueued_batches: { kind: 'int', wrapped: true },
  num_batch_threads: { kind: 'int', wrapped: true },
  thread_pool_name: { kind: 'string', wrapped: true },
  enable_large_batch_splitting: { kind: 'bool', wrapped: true },
  max_execution_batch_size: { kind: 'int', wrapped: true },
  allowed_batch_sizes: { kind: 'int', wrapped: false, repeated: true },
  pad_variable_length_inputs: { kind: 'bool', wrapped: false },
};
const FIELD_LIST = Object.keys(FIELDS).join(', ');

interface Token {
  text: string;
  line: number;
  /** A quoted string literal (text holds its content). */
  quoted?: boolean;
}

function tokenize(src: string, where: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\n') {
      line++;
      i++;
    } else if (/\s/.test(ch)) i++;
    else if (ch === '#') while (i < src.length && src[i] !== '\n') i++;
    else if ('{}<>:[],;'.includes(ch)) {
      out.push({ text: ch, line });
      i++;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== ch) {
        if (src[j] === '\n')
          throw new BatchingParamsError(`${where} line ${line}: string not closed before the end of the line`);
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j];
        j++;
      }
      if (j >= src.length) throw new BatchingParamsError(`${where} line ${line}: string not closed`);
      out.push({ text: s, line, quoted: true });
      i = j + 1;
    } else {
      const m = /^[A-Za-z0-9_.+-]+/.exec(src.slice(i));
      if (!m) throw new BatchingParamsError(`${where} line ${line}: unexpected character "${ch}"`);
      out.push({ text: m[0], line });
      i += m[0].length;
    }
  }
  return out;
}

function parseInt64(t: Token, field: string, where: string): number {
  const s = t.text;
  const v = /^[+-]?(0x[0-9a-f]+|\d+)$/i.test(s) && !t.quoted ? Number(s.replace(/^\+/, '')) : NaN;
  if (!Number.isSafeInteger(v))
    throw new BatchingParamsError(`${where} line ${t.line}: ${field}: expected an integer, got "${s}"`);
  return v;
}

function parseBool(t: Token, field: string, where: string): boolean {
  if (!t.quoted && ['true', 'True', 't', '1'].includes(t.text)) return true;
  if (!t.quoted && ['false', 'False', 'f', '0'].includes(t.text)) return false;
  throw new BatchingParamsError(`${where} line ${t.line}: ${field}: expected true or false, got "${t.text}"`);
}

/**
 * Parse a BatchingParameters text file into parameters over TF Serving's defaults, then
 * check them as TF Serving does at model load. `where` names the file in messages.
 */
export function parseBatchingParameters(
  src: string,
  where = 'batching parameters',
  cores = availableParallelism(),
): BatchingParameters {
  const toks = tokenize(src, where);
  const p = defaultBatchingParameters(cores);
  const seen = new Map<string, number>();
  let executionGiven = false;
  let i = 0;
  const next = (expect: string): Token => {
    const t = toks[i++];
    if (!t) throw new BatchingParamsError(`${where}: unexpected end of file, expected ${expect}`);
    return t;
  };
  while (i < toks.length) {
    const name = next('a field name');
    if (name.text === ',' || name.text === ';') continue;
    const f = FIELDS[name.text];
    if (!f || name.quoted) {
      throw new BatchingParamsError(
        `${where} line ${name.line}: unknown field "${name.text}" (BatchingParameters has: ${FIELD_LIST})`,
      );
    }
    if (!f.repeated && seen.has(name.text)) {
      throw new BatchingParamsError(
        `${where} line ${name.line}: ${name.text} is given twice (first on line ${seen.get(name.text)})`,
      );
    }
    seen.set(name.text, name.line);
    const values: Token[] = [];
    if (f.wrapped) {
      let open = next(`"{" after ${name.text}`);
      if (open.text === ':') open = next(`"{" after ${name.text}`);
      if (open.text !== '{' && open.text !== '<') {
        throw new BatchingParamsError(
          `${where} line ${open.line}: ${name.text} is a wrapper message: write ${name.text} { value: ... }, got "${open.text}"`,
        );
      }
      const close = open.text === '{' ? '}' : '>';
      let t = next(`"value" or "${close}"`);
      if (t.text === 'value') {
        const colon = next('":"');
        if (colon.text !== ':')
          throw new BatchingParamsError(
            `${where} line ${colon.line}: ${name.text}: expected ":" after value, got "${colon.text}"`,
          );
        values.push(next(`the value of ${name.text}`));
        t = next(`"${close}"`);
        if (t.text === ',' || t.text === ';') t = next(`"${close}"`);
      }
      if (t.text !== close) {
        throw new BatchingParamsError(
          `${where} line ${t.line}: ${name.text}: expected "${close}" (the wrapper has one field, value), got "${t.text}"`,
        );
      }
    } else {
      const colon = next('":"');
      if (colon.text !== ':')
        throw new BatchingParamsError(
          `${where} line ${colon.line}: ${name.text}: expected ":" after the field name, got "${colon.text}"`,
        );
      const t = next(`the value of ${name.text}`);
      if (t.text === '[' && f.repeated) {
        for (;;) {
          const v = next(`a value or "]"`);
          if (v.text === ']') break;
          if (v.text === ',') continue;
          values.push(v);
        }
      } else values.push(t);
    }
    for (const v of values) {
      switch (name.text) {
        case 'max_batch_size':
          p.maxBatchSize = parseInt64(v, name.text, where);
          break;
        case 'batch_timeout_micros':
          p.batchTimeoutMicros = parseInt64(v, name.text, where);
          break;
        case 'max_enqueued_batches':
          p.maxEnqueuedBatches = parseInt64(v, name.text, where);
          break;
        case 'num_batch_threads':
          p.numBatchThreads = parseInt64(v, name.text, where);
          break;
        case 'max_execution_batch_size':
          p.maxExecutionBatchSize = parseInt64(v, name.text, where);
          executionGiven = true;
          break;
        case 'allowed_batch_sizes':
          p.allowedBatchSizes.push(parseInt64(v, name.text, where));
          break;
        case 'thread_pool_name':
          p.threadPoolName = v.text;
          break;
        case 'enable_large_batch_splitting':
          p.enableLargeBatchSplitting = parseBool(v, name.text, where);
          break;
        case 'pad_variable_length_inputs':
          p.padVariableLengthInputs = parseBool(v, name.text, where);
          break;
      }
    }
  }
  if (!executionGiven) p.maxExecutionBatchSize = p.maxBatchSize;
  const err = checkBatchingParameters(p);
  if (err) throw new BatchingParamsError(`${where}: ${err}`);
  return p;
}

/** TF Serving's load-time checks (worded as TF Serving words them, with what is allowed); undefined when fine. */
export function checkBatchingParameters(p: BatchingParameters): string | undefined {
  if (p.maxBatchSize <= 0) return `max_batch_size: input_batch_size_limit must be positive; was ${p.maxBatchSize}`;
  if (p.batchTimeoutMicros < 0)
    return `batch_timeout_micros: batch_timeout_micros must be non-negative; was ${p.batchTimeoutMicros}`;
  // AddQueue rewrites 0 to 1 when splitting is off ("many existing models rely on this"); negative never loads.
  if (p.maxEnqueuedBatches < 0 || (p.maxEnqueuedBatches === 0 && p.enableLargeBatchSplitting)) {
    return `max_enqueued_batches: max_enqueued_batches must be positive; was ${p.maxEnqueuedBatches}`;
  }
  if (p.numBatchThreads < 1) return `num_batch_threads: num_batch_threads must be positive; was ${p.numBatchThreads}`;
  if (p.enableLargeBatchSplitting) {
    if (p.maxExecutionBatchSize <= 0)
      return `max_execution_batch_size: must be positive; was ${p.maxExecutionBatchSize}`;
    if (p.maxBatchSize < p.maxExecutionBatchSize) {
      return `max_execution_batch_size: When enable_large_batch_splitting is true, input_batch_size_limit must be greater than or equal to max_execution_batch_size (max_batch_size ${p.maxBatchSize}, max_execution_batch_size ${p.maxExecutionBatchSize})`;
    }
  }
  const a = p.allowedBatchSizes;
  if (a.length > 0) {
    for (let k = 0; k < a.length; k++) {
      if (a[k]! <= 0) return `allowed_batch_sizes: entries must be positive; got ${a[k]}`;
      if (k > 0 && a[k]! <= a[k - 1]!)
        return `allowed_batch_sizes: allowed_batch_sizes entries must be monotonically increasing (got ${a.join(', ')})`;
    }
    if (a[a.length - 1] !== p.maxBatchSize) {
      return `allowed_batch_sizes: Last entry in allowed_batch_sizes must match max_batch_size; last entry was ${a[a.length - 1]}; expected ${p.maxBatchSize}`;
    }
  }
  return undefined;
}

/** The effective queue settings TF Serving derives (GetQueueOptions; AddQueue's 0 -> 1 rewrite). */
export function effectiveQueue(p: BatchingParameters): {
  inputLimit: number;
  executionLimit: number;
  maxEnqueued: number;
} {
  return {
    inputLimit: p.maxBatchSize,
    executionLimit: p.enableLargeBatchSplitting ? p.maxExecutionBatchSize : p.maxBatchSize,
    maxEnqueued: p.maxEnqueuedBatches === 0 && !p.enableLargeBatchSplitting ? 1 : p.maxEnqueuedBatches,
  };
}

/** The parameters as TF Serving's text format (what the results record and a user can reuse). */
export function formatBatchingParameters(p: BatchingParameters): string {
  const lines = [
    `max_batch_size { value: ${p.maxBatchSize} }`,
    `batch_timeout_micros { value: ${p.batchTimeoutMicros} }`,
    `max_enqueued_batches { value: ${p.maxEnqueuedBatches} }`,
    `num_batch_threads { value: ${p.numBatchThreads} }`,
  ];
  if (p.enableLargeBatchSplitting) {
    lines.push(
      'enable_large_batch_splitting { value: true }',
      `max_execution_batch_size { value: ${p.maxExecutionBatchSize} }`,
    );
  }
  for (const s of p.allowedBatchSizes) lines.push(`allowed_batch_sizes: ${s}`);
  if (p.padVariableLengthInputs) lines.push('pad_variable_length_inputs: true');
  return lines.join('\n') + '\n';
}
