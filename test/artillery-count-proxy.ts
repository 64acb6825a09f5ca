// A counting proxy for the Artillery tests: forwards gRPC (HTTP/2 streams, trailers included)
// and REST (HTTP/1.1) calls on 127.0.0.1 to the stub server and counts every call by its path,
// so "what the server saw" is observed on the wire, independently of the engine's own counters
// and of the stub's internals.
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  grpcAddress: string;
  restAddress: string;
  /** Calls forwarded, by `POST <path>` (REST) or `<grpc method path>` (gRPC). */
  counts(): Map<string, number>;
  close(): Promise<void>;
}

/** Large windows on both legs, as the load generator and the stub use: 1-2 MB uploads do not wait for WINDOW_UPDATEs. */
const WINDOW = 16 * 1024 * 1024;

export async function startCountingProxy(upstream: { grpc: string; rest: string }): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  const count = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);

  const session = http2.connect(`http://${upstream.grpc}`, { settings: { initialWindowSize: WINDOW } });
  session.on('connect', () => session.setLocalWindowSize(WINDOW));
  session.on('error', () => {});
  const h2 = http2.createServer({ settings: { initialWindowSize: WINDOW } });
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.setLocalWindowSize(WINDOW);
  });
  h2.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    count(path);
    const forward: http2.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(headers))
      if (!k.startsWith(':') || k === ':method' || k === ':path') forward[k] = v;
    const req = session.request(forward);
    let trailers: http2.OutgoingHttpHeaders = {};
    req.on('response', (h) => {
      const out: http2.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(h)) if (!k.startsWith(':') || k === ':status') out[k] = v;
      if (!stream.destroyed) stream.respond(out, { waitForTrailers: true });
    });
    req.on('trailers', (t) => {
      trailers = {};
      for (const [k, v] of Object.entries(t))
        if (!k.startsWith(':')) trailers[k] = v as http2.OutgoingHttpHeaders[string];
    });
    stream.on('wantTrailers', () => stream.sendTrailers(trailers));
    req.on('error', () => stream.destroy());
    stream.on('error', () => req.destroy());
    stream.on('close', () => {
      if (!req.closed) req.close(http2.constants.NGHTTP2_CANCEL);
    });
    stream.pipe(req);
    req.pipe(stream);
  });

  const [restHost, restPort] = splitHostPort(upstream.rest);
  const agent = new http.Agent({ keepAlive: true });
  const h1 = http.createServer((req, res) => {
    count(`${req.method} ${req.url}`);
    const up = http.request(
      { host: restHost, port: restPort, method: req.method, path: req.url, headers: req.headers, agent },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.on('error', () => up.destroy());
    req.pipe(up);
  });

  const listen = (s: http.Server | http2.Http2Server): Promise<number> =>
    new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
    });
  const grpcPort = await listen(h2);
  const restPortOut = await listen(h1);

  return {
    grpcAddress: `127.0.0.1:${grpcPort}`,
    restAddress: `127.0.0.1:${restPortOut}`,
    counts: () => new Map(counts),
    async close() {
      agent.destroy();
      session.close();
      for (const s of sessions) s.destroy();
      h1.closeAllConnections();
      await Promise.all([new Promise<void>((r) => h2.close(() => r())), new Promise<void>((r) => h1.close(() => r()))]);
    },
  };
}

function splitHostPort(a: string): [string, number] {
  const m = /^(.*):(\d+)$/.exec(a);
  if (!m) throw new Error(`expected host:port, got ${a}`);
  return [m[1]!, Number(m[2])];
}
