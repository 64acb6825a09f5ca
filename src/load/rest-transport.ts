// REST transport on node:http (keep-alive): POST /v1/models/{name}:predict with the format's
// body and content type, gzip / deflate bodies with Content-Encoding (compressed with zlib's
// async API at its default level, in libuv's thread pool, as grpc-js does for gRPC, and timed:
// that is the request's client compress stage), server timing from the x-server-* response
// headers. The hard cap destroys the request.
import http from 'node:http';
import { deflate, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { restPath, type Format } from '../formats/index.js';
import { parseTiming } from '../common/server-timing.js';
import type { Compression } from './config.js';
import { countOutcome, newCounts, type CallResult, type Transport, type TransportOptions } from './transport.js';

const COMPRESS: Record<Exclude<Compression, 'identity'>, (b: Uint8Array) => Promise<Buffer>> = {
  gzip: promisify(gzip) as (b: Uint8Array) => Promise<Buffer>,
  deflate: promisify(deflate) as (b: Uint8Array) => Promise<Buffer>,
};

/** One HTTP route: method, path and the request body's content type. */
export interface RestRoute {
  method: 'GET' | 'POST';
  path: string;
  contentType: string;
  /** Extra headers for a body, computed before compression (oip-binary: Inference-Header-Content-Length). */
  headers?: (body: Uint8Array) => Record<string, string>;
  /** GET path that answers 200 when the model is ready. @default /v1/models/{name} */
  readyPath?: string;
}

export function createRestTransport(format: Format, o: TransportOptions): Transport {
  const route: RestRoute = {
    method: 'POST',
    path: restPath(format, o.modelName),
    contentType: format.contentType ?? 'application/json',
  };
  if (format.headers) route.headers = format.headers;
  if (format.protocol === 'oip') route.readyPath = `/v2/models/${encodeURIComponent(o.modelName)}/ready`;
  return createRestCaller(route, o);
}

/** A transport calling one route (e.g. the harness floor's no-op). */
export function createRestCaller(route: RestRoute, o: TransportOptions): Transport {
  const m = /^(.*):(\d+)$/.exec(o.address);
  if (!m) throw new Error(`REST address: expected host:port, got ${JSON.stringify(o.address)}`);
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections ?? Infinity, scheduling: 'fifo' });
  const counts = newCounts();

  const send = (
    body: Uint8Array,
    capAt: number,
    compressMs: number | undefined,
    extra?: Record<string, string>,
  ): Promise<CallResult> =>
    new Promise<CallResult>((resolve) => {
      let settled = false;
      const finish = (r: CallResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(countOutcome(counts, r));
      };
      const headers: http.OutgoingHttpHeaders =
        route.method === 'GET' ? {} : { 'content-type': route.contentType, 'content-length': body.byteLength };
      if (o.compression !== 'identity' && route.method === 'POST') headers['content-encoding'] = o.compression;
      if (extra) Object.assign(headers, extra);
      counts.calls++;
      const req = http.request({ host, port, method: route.method, path: route.path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) =>
          finish({ kind: 'error', code: errorCode(err), details: err.message, timing: {}, endAt: performance.now() }),
        );
        res.on('end', () => {
          const endAt = performance.now();
          const timing = parseTiming((name) => {
            const v = res.headers[name];
            return Array.isArray(v) ? v[0] : v;
          });
          const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          if (res.statusCode === 200)
            finish({ kind: 'ok', body: buf, timing, endAt, ...(compressMs !== undefined ? { compressMs } : {}) });
          else
            finish({
              kind: 'error',
              code: `HTTP ${res.statusCode}`,
              details: buf.toString('utf8', 0, Math.min(buf.length, 300)),
              timing,
              endAt,
            });
        });
      });
      req.on('error', (err) => {
        if (settled) return;
        finish({ kind: 'error', code: errorCode(err), details: err.message, timing: {}, endAt: performance.now() });
      });
      const timer = setTimeout(
        () => {
          finish({ kind: 'capped', endAt: performance.now() });
          req.destroy();
        },
        Math.max(0, capAt - performance.now()),
      );
      req.end(route.method === 'GET' ? undefined : body);
    });

  return {
    async call(bytes, capAt) {
      const extra = route.headers?.(bytes);
      if (o.compression === 'identity' || route.method === 'GET') return send(bytes, capAt, undefined, extra);
      const t0 = performance.now();
      const body = await COMPRESS[o.compression](bytes);
      const t1 = performance.now();
      if (t1 >= capAt) {
        // Cut before it reached the wire: still a call this transport was asked to make.
        counts.calls++;
        return countOutcome(counts, { kind: 'capped', endAt: t1 });
      }
      return send(body, capAt, t1 - t0, extra);
    },
    ready(timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const statusPath = route.readyPath ?? `/v1/models/${encodeURIComponent(o.modelName)}`;
        const req = http.request({ host, port, method: 'GET', path: statusPath, agent, timeout: timeoutMs }, (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200
              ? resolve()
              : reject(new Error(`REST server at ${o.address}: GET ${statusPath} answered HTTP ${res.statusCode}`)),
          );
        });
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', (err) => reject(new Error(`REST server at ${o.address} not reachable: ${err.message}`)));
        req.end();
      });
    },
    counts: () => ({ ...counts }),
    close() {
      agent.destroy();
    },
  };
}

function errorCode(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : 'NETWORK_ERROR';
}
