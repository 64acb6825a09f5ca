// @ts-check
// POSTs pre-encoded REST bodies over node:http keep-alive, as payload-bench's own load
// generator does (src/load/rest-transport.ts): gzip / deflate bodies compressed with zlib's
// async API at its default level (libuv's thread pool) and sent with Content-Encoding, server
// timing from the x-server-* response headers, the client's deadline destroys the request.
import http from 'node:http';
import { promisify } from 'node:util';
import { deflate, gzip } from 'node:zlib';
import { parseTiming } from './timing.js';

const COMPRESS = { gzip: promisify(gzip), deflate: promisify(deflate) };

/**
 * @param {{ address: string, path: string, contentType: string, compression: 'identity' | 'gzip' | 'deflate', connections: number | null }} o
 * @returns {import('./grpc-sender.js').Sender}
 */
export function createRestSender(o) {
  const m = /^(.*):(\d+)$/.exec(o.address);
  if (!m) throw new Error(`payload-bench engine: REST target: expected host:port, got ${JSON.stringify(o.address)}`);
  const host = /** @type {string} */ (m[1]).replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections ?? Infinity, scheduling: 'fifo' });

  /**
   * @param {Buffer} body @param {number} deadlineAt @param {Record<string, string> | undefined} extra
   * @param {number | undefined} compressMs
   * @returns {Promise<import('./grpc-sender.js').CallResult>}
   */
  const send = (body, deadlineAt, extra, compressMs) =>
    new Promise((resolve) => {
      let settled = false;
      /** @param {import('./grpc-sender.js').CallResult} r */
      const finish = (r) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      /** @type {http.OutgoingHttpHeaders} */
      const headers = { ...extra, 'content-type': o.contentType, 'content-length': body.byteLength };
      if (o.compression !== 'identity') headers['content-encoding'] = o.compression;
      const req = http.request({ host, port, method: 'POST', path: o.path, headers, agent }, (res) => {
        res.on('data', () => {});
        res.on('error', (err) => finish({ kind: 'error', code: errorCode(err), endAt: performance.now(), timing: {} }));
        res.on('end', () => {
          const endAt = performance.now();
          const timing = parseTiming(Object.entries(res.headers));
          if (res.statusCode === 200) finish({ kind: 'ok', endAt, timing, ...(compressMs !== undefined ? { compressMs } : {}) });
          else finish({ kind: 'error', code: `HTTP ${res.statusCode}`, endAt, timing });
        });
      });
      req.on('error', (err) => finish({ kind: 'error', code: errorCode(err), endAt: performance.now(), timing: {} }));
      const timer = setTimeout(() => {
        finish({ kind: 'timeout', endAt: performance.now() });
        req.destroy();
      }, Math.max(0, deadlineAt - performance.now()));
      req.end(body);
    });

  return {
    async call(bytes, deadlineAt, headers) {
      if (o.compression === 'identity') return send(bytes, deadlineAt, headers, undefined);
      const c0 = performance.now();
      const body = await COMPRESS[o.compression](bytes);
      const c1 = performance.now();
      if (c1 >= deadlineAt) return { kind: 'timeout', endAt: c1 };
      return send(body, deadlineAt, headers, c1 - c0);
    },
    close() {
      agent.destroy();
    },
  };
}

/** @param {Error} err */
function errorCode(err) {
  const code = /** @type {NodeJS.ErrnoException} */ (err).code;
  return typeof code === 'string' ? code : 'NETWORK_ERROR';
}
