// REST transport on node:http (keep-alive): POST /v1/models/{name}:predict with the format's
// body and content type, gzip / deflate bodies with Content-Encoding (compressed with zlib's
// async API at its default level, in libuv's thread pool, as grpc-js does for gRPC), server
// timing from the x-server-* response headers. The client's deadline destroys the request.
import http from 'node:http';
import { deflate, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { restPath, type Format } from '../formats/index.js';
import { parseTiming } from '../server/timing.js';
import type { Compression } from './config.js';
import type { CallResult, Transport, TransportOptions } from './transport.js';

const COMPRESS: Record<Exclude<Compression, 'identity'>, (b: Uint8Array) => Promise<Buffer>> = {
  gzip: promisify(gzip) as (b: Uint8Array) => Promise<Buffer>,
  deflate: promisify(deflate) as (b: Uint8Array) => Promise<Buffer>,
};

export function createRestTransport(format: Format, o: TransportOptions): Transport {
  const m = /^(.*):(\d+)$/.exec(o.address);
  if (!m) throw new Error(`REST address: expected host:port, got ${JSON.stringify(o.address)}`);
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections ?? Infinity, scheduling: 'fifo' });
  const path = restPath(format, o.modelName);
  const readyPath = format.protocol === 'oip' ? `/v2/models/${encodeURIComponent(o.modelName)}/ready` : `/v1/models/${encodeURIComponent(o.modelName)}`;
  const contentType = format.contentType ?? 'application/json';

  const send = (body: Uint8Array, deadlineAt: number, extra?: Record<string, string>): Promise<CallResult> =>
    new Promise<CallResult>((resolve) => {
      let settled = false;
      const finish = (r: CallResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const headers: http.OutgoingHttpHeaders = { 'content-type': contentType, 'content-length': body.byteLength };
      if (o.compression !== 'identity') headers['content-encoding'] = o.compression;
      if (extra) Object.assign(headers, extra);
      const req = http.request({ host, port, method: 'POST', path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => finish({ kind: 'error', code: errorCode(err), details: err.message, timing: {}, endAt: performance.now() }));
        res.on('end', () => {
          const endAt = performance.now();
          const timing = parseTiming((name) => {
            const v = res.headers[name];
            return Array.isArray(v) ? v[0] : v;
          });
          const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          if (res.statusCode === 200) finish({ kind: 'ok', body: buf, timing, endAt });
          else finish({ kind: 'error', code: `HTTP ${res.statusCode}`, details: buf.toString('utf8', 0, Math.min(buf.length, 300)), timing, endAt });
        });
      });
      req.on('error', (err) => {
        if (settled) return;
        finish({ kind: 'error', code: errorCode(err), details: err.message, timing: {}, endAt: performance.now() });
      });
      const timer = setTimeout(() => {
        finish({ kind: 'timeout', endAt: performance.now() });
        req.destroy();
      }, Math.max(0, deadlineAt - performance.now()));
      req.end(body);
    });

  return {
    async call(bytes, deadlineAt) {
      // Headers a body needs (oip-binary's JSON length) describe the uncompressed bytes.
      const extra = format.headers?.(bytes);
      if (o.compression === 'identity') return send(bytes, deadlineAt, extra);
      const body = await COMPRESS[o.compression](bytes);
      if (performance.now() >= deadlineAt) return { kind: 'timeout', endAt: performance.now() };
      return send(body, deadlineAt, extra);
    },
    ready(timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const req = http.request({ host, port, method: 'GET', path: readyPath, agent, timeout: timeoutMs }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`REST server at ${o.address}: GET ${readyPath} answered HTTP ${res.statusCode}`))));
        });
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', (err) => reject(new Error(`REST server at ${o.address} not reachable: ${err.message}`)));
        req.end();
      });
    },
    close() {
      agent.destroy();
    },
  };
}

function errorCode(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : 'NETWORK_ERROR';
}
