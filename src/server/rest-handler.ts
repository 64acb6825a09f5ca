// TF Serving's REST API on node:http:
//   POST /v1/models/{name}[/versions/{v}|/labels/{l}]:predict|:classify|:regress
//   GET  /v1/models/{name}[/versions/{v}]            model status
//   GET  /v1/models/{name}[/versions/{v}]/metadata   signature defs
// :predict takes the row ({"instances"}) and columnar ({"inputs"}) JSON formats, or
// msgpack-columnar with Content-Type application/msgpack; :classify / :regress take
// {"examples", "context"}. Bodies may be gzip or deflate (Content-Encoding). Errors are
// {"error": "..."} with TF Serving's HTTP status; timing goes back in x-server-* headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { protoType } from '../wire/protos.js';
import type { CallContext, CallRunner, Outcome } from './call-runner.js';
import { httpStatusOf, invalidArgument, restErrorBody, ServingError, Status, toServingError } from './errors.js';
import { NOOP_REST_PATH } from '../common/harness-paths.js';
import { jsonReply, type Reply, type RestCallArgs, type RestVerb } from './rest-decode.js';
import { signatureDefMapBytes } from './rpc-methods.js';
import type { Servable } from './servable.js';
import { batchEntries, now, timingEntries, type ServerBatchInfo, type ServerTiming } from '../common/server-timing.js';
import type { ModelSpec } from '../wire/model-spec.js';

const PREDICTION_RE = /^\/v1\/models\/([^/:]+)(?:\/versions\/(\d+)|\/labels\/([^/:]+))?:(classify|regress|predict)$/i;
const STATUS_RE = /^\/v1\/models\/([^/:]+)(?:\/versions\/(\d+)|\/labels\/([^/:]+))?(\/metadata)?$/i;
const MSGPACK_TYPES = new Set(['application/msgpack', 'application/x-msgpack', 'application/vnd.msgpack']);
/** The stub's own counters (calls, model calls, dropped calls): outside TF Serving's /v1 namespace. */
export const STATS_PATH = '/stub/stats';

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
    /** TF Serving's --rest_api_timeout_in_ms: a call's deadline from its arrival; 0 = none. */
    private readonly timeoutMs = 30_000,
    /** Compressed bodies stop inflating past this many bytes (413): --max-decompressed-bytes. */
    private readonly maxDecompressedBytes = maxMessageBytes,
  ) {
    this.statusJson = JSON.stringify(
      {
        model_version_status: [
          { version: String(servable.version), state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
        ],
      },
      null,
      1,
    );
    const T = protoType('tensorflow.serving.SignatureDefMap');
    const defs = T.toObject(T.decode(signatureDefMapBytes(servable)), { longs: String, enums: String, defaults: true });
    this.metadataJson = JSON.stringify(
      {
        model_spec: { name: servable.name, signature_name: '', version: String(servable.version) },
        metadata: { signature_def: defs },
      },
      null,
      1,
    );
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const headersAt = now();
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === NOOP_REST_PATH) {
      // The harness floor's no-op: the body straight back, no queue, decode or model.
      this.readBody(req, res, (body) => this.send(res, { status: 200, body, contentType: 'application/octet-stream' }));
      return;
    }
    const pred = method === 'POST' ? PREDICTION_RE.exec(path) : null;
    if (pred) {
      this.readBody(req, res, (body) => this.predictionCall(req, res, body, pred, headersAt));
      return;
    }
    const stat = method === 'GET' ? STATUS_RE.exec(path) : null;
    this.readBody(req, res, () => {
      if (method === 'GET' && path === STATS_PATH) {
        this.send(res, jsonReply(JSON.stringify(this.runner.stats())));
      } else if (stat) {
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
        this.send(
          res,
          jsonReply(restErrorBody(`Not found: ${method} ${path} (TF Serving's REST API lives under /v1/models/)`), 404),
        );
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
        const e = new ServingError(
          Status.RESOURCE_EXHAUSTED,
          `Request body of ${size} bytes is larger than the limit of ${this.maxMessageBytes} bytes (--max-message-bytes)`,
          413,
        );
        this.send(res, errorReply(e));
        return;
      }
      then(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
  }

  private predictionCall(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    m: RegExpExecArray,
    headersAt: number,
  ): void {
    const arrived = now();
    const verb = m[4]!.toLowerCase();
    const encoding = String(req.headers['content-encoding'] ?? '')
      .trim()
      .toLowerCase();
    if (!ENCODINGS.has(encoding)) {
      this.send(
        res,
        jsonReply(
          restErrorBody(`Unsupported Content-Encoding "${encoding}" (supported: gzip, deflate, identity)`),
          415,
        ),
      );
      return;
    }
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    let spec: ModelSpec;
    try {
      spec = specFromPath(m[1]!, m[2], m[3]);
      this.servable.checkSpec(spec);
    } catch (err) {
      this.send(res, errorReply(err));
      return;
    }
    const args: RestCallArgs = {
      verb: verb as RestVerb,
      encoding,
      msgpack: MSGPACK_TYPES.has(contentType),
      maxMessageBytes: this.maxMessageBytes,
      maxDecompressedBytes: this.maxDecompressedBytes,
    };
    const ctx: CallContext = { headersAt, cancelled: () => res.destroyed || (req.socket?.destroyed ?? false) };
    if (this.timeoutMs > 0) ctx.deadline = arrived + this.timeoutMs;
    this.runner.runJob<Reply>(arrived, { kind: 'rest', bytes: body, args }, ctx).then(
      (outcome) => this.sendOutcome(res, outcome),
      (err: unknown) => this.send(res, errorReply(err)),
    );
  }

  private sendOutcome(res: ServerResponse, outcome: Outcome<Reply>): void {
    this.send(res, outcome.ok ? outcome.value : errorReply(outcome.error), outcome.timing, outcome.batch);
  }

  private send(res: ServerResponse, reply: Reply, timing?: ServerTiming, batch?: ServerBatchInfo): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = {
      'Content-Type': reply.contentType,
      'Content-Length': typeof reply.body === 'string' ? Buffer.byteLength(reply.body) : reply.body.length,
    };
    if (timing) for (const [k, v] of timingEntries(timing)) headers[k] = v;
    for (const [k, v] of batchEntries(batch)) headers[k] = v;
    if (this.draining) headers.Connection = 'close';
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  }
}
