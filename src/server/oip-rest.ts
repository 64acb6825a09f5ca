// The Open Inference Protocol's REST routes on the stub's REST port, next to TF Serving's /v1:
//   GET  /v2                                       server metadata
//   GET  /v2/health/live, /v2/health/ready         200 when live / ready
//   GET  /v2/models/{name}[/versions/{v}]          model metadata
//   GET  /v2/models/{name}[/versions/{v}]/ready    200 when ready, 400 otherwise
//   POST /v2/models/{name}[/versions/{v}]/infer    JSON, or Triton's binary tensor data extension
// Inference runs through the CallRunner as call kind `oip-rest`. Errors are {"error": "..."}
// with Triton's HTTP status for the status code (400 for most, 404 not found, 500 internal,
// 503 unavailable, 501 unsupported); timing goes back in the same x-server-* headers as /v1.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toolVersion } from '../common/env.js';
import { INFERENCE_HEADER } from '../formats/oip-rest.js';
import type { CallContext, CallRunner, Outcome } from './call-runner.js';
import { restErrorBody, ServingError, Status, toServingError } from './errors.js';
import { checkOipModel, type OipReply, type OipRestArgs } from './oip-calls.js';
import { OIP_EXTENSIONS, OIP_SERVER_NAME, oipModelMetadata } from './oip-metadata.js';
import type { Servable } from './servable.js';
import { batchEntries, now, timingEntries, type ServerBatchInfo, type ServerTiming } from '../common/server-timing.js';

const MODEL_RE = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;
const ENCODINGS = new Set(['', 'identity', 'gzip', 'x-gzip', 'deflate']);

/** Triton's HTTP status for a status code (http_server.cc HttpCodeFromError); an explicit httpStatus wins. */
export function oipHttpStatus(e: ServingError): number {
  if (e.httpStatus) return e.httpStatus;
  switch (e.code) {
    case Status.NOT_FOUND:
      return 404;
    case Status.INTERNAL:
      return 500;
    case Status.UNAVAILABLE:
      return 503;
    case Status.UNIMPLEMENTED:
      return 501;
    default:
      return 400;
  }
}

const json = (body: string, status = 200): OipReply => ({ status, body, contentType: 'application/json' });

function errorReply(err: unknown): OipReply {
  const e = toServingError(err);
  return json(restErrorBody(e.message), oipHttpStatus(e));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export class OipRestHandler {
  /** Set while shutting down: responses close their connection. */
  draining = false;
  private readonly metadataJson: string;
  private readonly serverJson: string;

  constructor(
    private readonly servable: Servable,
    private readonly runner: CallRunner,
    private readonly maxMessageBytes: number,
    /** A call's deadline from its arrival; 0 = none. */
    private readonly timeoutMs = 30_000,
    /** Compressed bodies stop inflating past this many bytes (413): --max-decompressed-bytes. */
    private readonly maxDecompressedBytes = maxMessageBytes,
  ) {
    this.metadataJson = JSON.stringify(oipModelMetadata(servable));
    this.serverJson = JSON.stringify({ name: OIP_SERVER_NAME, version: toolVersion(), extensions: OIP_EXTENSIONS });
  }

  /** True for the paths this handler serves (everything under /v2). */
  static handles(url: string | undefined): boolean {
    return /^\/v2(\/|$|\?)/.test(url ?? '');
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const headersAt = now();
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    const m = MODEL_RE.exec(path);
    this.readBody(req, res, (body) => {
      if (m && m[3] === '/infer') {
        if (method !== 'POST') return this.send(res, json(restErrorBody('Method Not Allowed'), 405));
        return this.infer(req, res, body, safeDecode(m[1]!), m[2] === undefined ? '' : safeDecode(m[2]), headersAt);
      }
      if (method !== 'GET') {
        const known = m || path === '/v2' || path === '/v2/health/live' || path === '/v2/health/ready';
        return this.send(
          res,
          json(restErrorBody(known ? 'Method Not Allowed' : `Not found: ${method} ${path}`), known ? 405 : 404),
        );
      }
      if (path === '/v2') return this.send(res, json(this.serverJson));
      if (path === '/v2/health/live' || path === '/v2/health/ready')
        return this.send(res, json('', this.draining && path.endsWith('ready') ? 400 : 200));
      if (!m)
        return this.send(
          res,
          json(
            restErrorBody(
              `Not found: ${method} ${path} (the Open Inference Protocol routes are /v2, /v2/health/*, /v2/models/{name}[/versions/{v}][/ready|/infer])`,
            ),
            404,
          ),
        );
      try {
        checkOipModel(this.servable, safeDecode(m[1]!), m[2] === undefined ? '' : safeDecode(m[2]));
      } catch (err) {
        // Triton answers readiness of an unknown model with 400 and its error.
        return this.send(res, errorReply(err));
      }
      return this.send(res, m[3] === '/ready' ? json('') : json(this.metadataJson));
    });
  };

  private infer(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    model: string,
    version: string,
    headersAt: number,
  ): void {
    const arrived = now();
    const encoding = String(req.headers['content-encoding'] ?? '')
      .trim()
      .toLowerCase();
    if (!ENCODINGS.has(encoding)) {
      this.send(
        res,
        json(restErrorBody(`Unsupported Content-Encoding "${encoding}" (supported: gzip, deflate, identity)`), 415),
      );
      return;
    }
    const args: OipRestArgs = {
      model,
      version,
      encoding,
      maxMessageBytes: this.maxMessageBytes,
      maxDecompressedBytes: this.maxDecompressedBytes,
    };
    const h = req.headers[INFERENCE_HEADER.toLowerCase()];
    if (h !== undefined) {
      const text = String(h).trim();
      args.headerLength = /^-?\d+$/.test(text) ? Number(text) : NaN;
    }
    const ctx: CallContext = { headersAt, cancelled: () => res.destroyed || (req.socket?.destroyed ?? false) };
    if (this.timeoutMs > 0) ctx.deadline = arrived + this.timeoutMs;
    this.runner.runJob<OipReply>(arrived, { kind: 'oip-rest', bytes: body, args }, ctx).then(
      (outcome: Outcome<OipReply>) =>
        this.send(res, outcome.ok ? outcome.value : errorReply(outcome.error), outcome.timing, outcome.batch),
      (err: unknown) => this.send(res, errorReply(err)),
    );
  }

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

  private send(res: ServerResponse, reply: OipReply, timing?: ServerTiming, batch?: ServerBatchInfo): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = {
      'Content-Type': reply.contentType,
      'Content-Length': typeof reply.body === 'string' ? Buffer.byteLength(reply.body) : reply.body.length,
      ...reply.headers,
    };
    if (timing) for (const [k, v] of timingEntries(timing)) headers[k] = v;
    for (const [k, v] of batchEntries(batch)) headers[k] = v;
    if (this.draining) headers.Connection = 'close';
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  }
}
