// TF Serving's REST API on node:http:
//   POST /v1/models/{name}[/versions/{v}|/labels/{l}]:predict|:classify|:regress
//   GET  /v1/models/{name}[/versions/{v}]            model status
//   GET  /v1/models/{name}[/versions/{v}]/metadata   signature defs
// :predict takes the row ({"instances"}) and columnar ({"inputs"}) JSON formats, or
// msgpack-columnar with Content-Type application/msgpack; :classify / :regress take
// {"examples", "context"}. Bodies may be gzip or deflate (Content-Encoding). Errors are
// {"error": "..."} with TF Serving's HTTP status; timing goes back in x-server-* headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { kMaxLength } from 'node:buffer';
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { Packr } from 'msgpackr';
import { getFormat } from '../formats/index.js';
import { parseJsonBody } from '../formats/json-columnar.js';
import { floatText } from '../formats/json-values.js';
import { protoType } from '../wire/protos.js';
import type { CallRunner, Decoded, Outcome } from './call-runner.js';
import { httpStatusOf, invalidArgument, restErrorBody, ServingError, Status, toServingError } from './errors.js';
import { decodeExamplesJson } from './rest-examples.js';
import { inputSignature, signatureDefMapBytes } from './rpc-methods.js';
import type { Servable } from './servable.js';
import { DEFAULT_SIGNATURE, SCORES_OUTPUT } from './signatures.js';
import { sniffJson } from './json-sniff.js';
import { now, timingEntries, type ServerTiming } from './timing.js';
import type { ModelSpec } from '../wire/model-spec.js';

const PREDICTION_RE = /^\/v1\/models\/([^/:]+)(?:\/versions\/(\d+)|\/labels\/([^/:]+))?:(classify|regress|predict)$/i;
const STATUS_RE = /^\/v1\/models\/([^/:]+)(?:\/versions\/(\d+)|\/labels\/([^/:]+))?(\/metadata)?$/i;
const MSGPACK_TYPES = new Set(['application/msgpack', 'application/x-msgpack', 'application/vnd.msgpack']);
const packr = new Packr({ useRecords: false, moreTypes: false });

const JSON_ROWS = getFormat('json-rows');
const JSON_COLUMNAR = getFormat('json-columnar');
const MSGPACK = getFormat('msgpack-columnar');

interface Reply {
  status: number;
  body: string | Uint8Array;
  contentType: string;
}

const jsonReply = (body: string, status = 200): Reply => ({ status, body, contentType: 'application/json' });

function errorReply(err: unknown): Reply {
  const e = toServingError(err);
  return jsonReply(restErrorBody(e.message), httpStatusOf(e));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function specFromPath(name: string, version: string | undefined, label: string | undefined): ModelSpec {
  const spec: ModelSpec = { name: safeDecode(name), signatureName: '' };
  if (version !== undefined) {
    const v = Number(version);
    if (!Number.isSafeInteger(v)) throw invalidArgument(`Failed to convert version: ${version} to numeric.`);
    spec.version = v;
  }
  if (label !== undefined) spec.versionLabel = safeDecode(label);
  return spec;
}

/** Decompress a request body per Content-Encoding, output capped at `max` bytes. */
function decompressBody(body: Buffer, encoding: string, max: number): Buffer {
  const maxOutputLength = Math.min(Math.max(max, 1), kMaxLength);
  const run = (fn: (b: Buffer, o: { maxOutputLength: number }) => Buffer): Buffer => {
    try {
      return fn(body, { maxOutputLength });
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ServingError(Status.RESOURCE_EXHAUSTED, `${encoding} request body decompresses to more than ${max} bytes (--max-message-bytes)`, 413);
      }
      throw invalidArgument(`Failed to decompress ${encoding} request body: ${(err as Error).message}`);
    }
  };
  if (encoding === 'gzip' || encoding === 'x-gzip') return run(gunzipSync);
  // HTTP's "deflate" is zlib-wrapped; some clients send raw deflate.
  if (body.length >= 2 && ((body[0]! << 8) | body[1]!) % 31 === 0 && (body[0]! & 0x0f) === 8) return run(inflateSync);
  return run(inflateRawSync);
}

const ENCODINGS = new Set(['', 'identity', 'gzip', 'x-gzip', 'deflate']);

export class RestHandler {
  /** Set while shutting down: responses close their connection. */
  draining = false;
  private readonly statusJson: string;
  private readonly metadataJson: string;

  constructor(
    private readonly servable: Servable,
    private readonly runner: CallRunner,
    private readonly maxMessageBytes: number,
  ) {
    this.statusJson = JSON.stringify(
      { model_version_status: [{ version: String(servable.version), state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }] },
      null,
      1,
    );
    const T = protoType('tensorflow.serving.SignatureDefMap');
    const defs = T.toObject(T.decode(signatureDefMapBytes(servable)), { longs: String, enums: String, defaults: true });
    this.metadataJson = JSON.stringify(
      { model_spec: { name: servable.name, signature_name: '', version: String(servable.version) }, metadata: { signature_def: defs } },
      null,
      1,
    );
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const headersAt = now();
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    const pred = method === 'POST' ? PREDICTION_RE.exec(path) : null;
    if (pred) {
      this.readBody(req, res, (body) => this.predictionCall(req, res, body, pred, headersAt));
      return;
    }
    const stat = method === 'GET' ? STATUS_RE.exec(path) : null;
    this.readBody(req, res, () => {
      if (stat) {
        try {
          const spec = specFromPath(stat[1]!, stat[2], stat[3]);
          this.servable.checkSpec(spec);
          this.send(res, jsonReply(stat[4] ? this.metadataJson : this.statusJson));
        } catch (err) {
          this.send(res, errorReply(err));
        }
      } else if (/^\/v1\//i.test(path)) {
        this.send(res, errorReply(invalidArgument(`Malformed request: ${method} ${path}`)));
      } else {
        this.send(res, jsonReply(restErrorBody(`Not found: ${method} ${path} (TF Serving's REST API lives under /v1/models/)`), 404));
      }
    });
  };

  /** Collect the body up to --max-message-bytes; a larger body is read to its end and refused with 413. */
  private readBody(req: IncomingMessage, res: ServerResponse, then: (body: Buffer) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > this.maxMessageBytes) over = true;
      if (!over) chunks.push(c);
      else chunks.length = 0;
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (over) {
        const e = new ServingError(Status.RESOURCE_EXHAUSTED, `Request body of ${size} bytes is larger than the limit of ${this.maxMessageBytes} bytes (--max-message-bytes)`, 413);
        this.send(res, errorReply(e));
        return;
      }
      then(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
  }

  private predictionCall(req: IncomingMessage, res: ServerResponse, body: Buffer, m: RegExpExecArray, headersAt: number): void {
    const arrived = now();
    const verb = m[4]!.toLowerCase();
    const encoding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (!ENCODINGS.has(encoding)) {
      this.send(res, jsonReply(restErrorBody(`Unsupported Content-Encoding "${encoding}" (supported: gzip, deflate, identity)`), 415));
      return;
    }
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    let spec: ModelSpec;
    try {
      spec = specFromPath(m[1]!, m[2], m[3]);
      this.servable.checkSpec(spec);
    } catch (err) {
      this.send(res, errorReply(err));
      return;
    }
    const decode = (): Decoded<Reply> => {
      let bytes: Uint8Array = body;
      let decompressMs: number | undefined;
      if (encoding && encoding !== 'identity') {
        const t = now();
        bytes = decompressBody(body, encoding, this.maxMessageBytes);
        decompressMs = now() - t;
      }
      const d = verb === 'predict' ? this.decodePredict(bytes, MSGPACK_TYPES.has(contentType)) : this.decodeExamples(bytes, verb === 'classify');
      if (decompressMs !== undefined) d.decompressMs = decompressMs;
      return d;
    };
    this.runner.run(arrived, decode, headersAt).then(
      (outcome) => this.sendOutcome(res, outcome),
      (err: unknown) => this.send(res, errorReply(err)),
    );
  }

  private decodePredict(bytes: Uint8Array, msgpack: boolean): Decoded<Reply> {
    const schema = this.servable.schema;
    if (msgpack) {
      const { batch } = MSGPACK.decode(bytes, schema);
      return {
        batch,
        respond: (scores) => ({
          status: 200,
          contentType: 'application/msgpack',
          body: packr.pack({ outputs: { [SCORES_OUTPUT]: { dtype: 'float32', shape: [scores.length], data: Buffer.from(scores.buffer, scores.byteOffset, scores.byteLength) } } }),
        }),
      };
    }
    const sniff = sniffJson(bytes);
    // A body the scan cannot follow: let the JSON parser word the error.
    if (!sniff.wellFormed) parseJsonBody(bytes);
    if (sniff.dataKeys.length === 0) throw invalidArgument("Missing 'inputs' or 'instances' key");
    if (sniff.dataKeys.length > 1) throw invalidArgument("Not formatted correctly expecting only one of 'inputs' or 'instances' keys exists");
    const key = sniff.signatureName || DEFAULT_SIGNATURE;
    const sig = this.servable.signatures.get(key);
    if (!sig) throw invalidArgument(`Serving signature name: "${key}" not found in signature def`);
    if (sig.kind !== 'columnar') {
      throw invalidArgument(`signature "${key}" is not served over REST by this stub: REST :predict decodes the columnar "${DEFAULT_SIGNATURE}" signature (json-rows, json-columnar, msgpack-columnar); use gRPC Predict for "${key}"`);
    }
    const rows = sniff.dataKeys[0] === 'instances';
    const { batch } = (rows ? JSON_ROWS : JSON_COLUMNAR).decode(bytes, schema);
    return {
      batch,
      respond: (scores) => jsonReply(`{"${rows ? 'predictions' : 'outputs'}":[${floatList(scores)}]}`),
    };
  }

  private decodeExamples(bytes: Uint8Array, classify: boolean): Decoded<Reply> {
    const { signatureName, batch } = decodeExamplesJson(bytes, this.servable.schema);
    inputSignature(this.servable, signatureName, classify ? 'Classify' : 'Regress');
    return {
      batch,
      respond: (scores) => {
        const parts = new Array<string>(scores.length);
        for (let i = 0; i < scores.length; i++) parts[i] = classify ? `[["",${floatText(scores[i]!)}]]` : floatText(scores[i]!);
        return jsonReply(`{"results":[${parts.join(',')}]}`);
      },
    };
  }

  private sendOutcome(res: ServerResponse, outcome: Outcome<Reply>): void {
    this.send(res, outcome.ok ? outcome.value : errorReply(outcome.error), outcome.timing);
  }

  private send(res: ServerResponse, reply: Reply, timing?: ServerTiming): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = {
      'Content-Type': reply.contentType,
      'Content-Length': typeof reply.body === 'string' ? Buffer.byteLength(reply.body) : reply.body.length,
    };
    if (timing) for (const [k, v] of timingEntries(timing)) headers[k] = v;
    if (this.draining) headers.Connection = 'close';
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  }
}

function floatList(v: Float32Array): string {
  const parts = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) parts[i] = floatText(v[i]!);
  return parts.join(',');
}
