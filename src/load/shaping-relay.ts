// A TCP relay on 127.0.0.1 that shapes traffic like a network link: per direction, one
// serial link of `bandwidthBps` (a chunk occupies the link for bytes * 8 / bandwidth, so
// connections share it, as flows share a NIC) followed by a fixed one-way delay of rttMs / 2.
// Chunks are split into 16 KiB pieces so a large request does not hold the link in one
// block; delivery order is kept per direction. A source is paused while more than 8 MiB of
// its data is queued (the relay's "buffer"), so memory stays bounded at low bandwidths.
// Delivery is never early: a libuv timer (1 ms resolution, can fire ~1 ms early) brings the
// relay within a millisecond of a chunk's time, then the event loop's check phase (setImmediate)
// releases it once due, so the added delay is at least what was asked and late by about the
// event loop's latency (tens of microseconds on an idle loop).
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface RelayOptions {
  /** `host:port` to forward to. */
  target: string;
  /** Bits per second per direction; null: unlimited. */
  bandwidthBps: number | null;
  /** Added round-trip time in ms (half per direction). */
  rttMs: number;
  /** Listen port; 0 picks a free one. @default 0 */
  port?: number;
}

export interface Relay {
  port: number;
  address: string;
  /** Bytes forwarded per direction so far. */
  bytes(): { up: number; down: number };
  close(): Promise<void>;
}

const PIECE = 16 * 1024;
const HIGH_WATER = 8 * 1024 * 1024;
const LOW_WATER = 4 * 1024 * 1024;

interface Item {
  dest: net.Socket;
  /** Data to write, or null for "end the destination". */
  data: Buffer | null;
  at: number;
  src: Flow;
}

interface Flow {
  socket: net.Socket;
  queued: number;
  paused: boolean;
}

/** One direction: a serial link plus a delay line, shared by every connection. */
class Link {
  private freeAt = 0;
  private readonly queue: Item[] = [];
  private head = 0;
  /** Cancels the armed timer or immediate; undefined when none is armed. */
  private timer: (() => void) | undefined;
  private armedFor = Infinity;
  sent = 0;

  constructor(
    private readonly bps: number | null,
    private readonly delayMs: number,
  ) {}

  push(src: Flow, dest: net.Socket, chunk: Buffer): void {
    for (let off = 0; off < chunk.length; off += PIECE) {
      const piece = chunk.subarray(off, Math.min(chunk.length, off + PIECE));
      const now = performance.now();
      let departs = now;
      if (this.bps !== null) {
        this.freeAt = Math.max(this.freeAt, now) + (piece.length * 8 * 1000) / this.bps;
        departs = this.freeAt;
      }
      this.enqueue({ dest, data: piece, at: departs + this.delayMs, src });
      src.queued += piece.length;
    }
    if (src.queued > HIGH_WATER && !src.paused) {
      src.paused = true;
      src.socket.pause();
    }
  }

  end(src: Flow, dest: net.Socket): void {
    // After everything already queued in this direction.
    const last = this.queue.length > this.head ? this.queue[this.queue.length - 1]!.at : 0;
    this.enqueue({ dest, data: null, at: Math.max(performance.now() + this.delayMs, last), src });
  }

  private enqueue(item: Item): void {
    this.queue.push(item);
    this.arm();
  }

  private arm(): void {
    if (this.head >= this.queue.length) return;
    const at = this.queue[this.head]!.at;
    if (this.timer && this.armedFor <= at) return;
    this.timer?.();
    this.armedFor = at;
    // Never early (see the top): whole milliseconds on a timer, the rest on the check phase.
    const wait = Math.floor(at - performance.now());
    if (wait >= 1) {
      const t = setTimeout(() => this.flush(), wait);
      this.timer = () => clearTimeout(t);
    } else {
      const t = setImmediate(() => this.flush());
      this.timer = () => clearImmediate(t);
    }
  }

  private flush(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = performance.now();
    while (this.head < this.queue.length && this.queue[this.head]!.at <= now) {
      const item = this.queue[this.head++]!;
      if (item.data === null) {
        if (!item.dest.destroyed) item.dest.end();
        continue;
      }
      if (!item.dest.destroyed) item.dest.write(item.data);
      this.sent += item.data.length;
      const src = item.src;
      src.queued -= item.data.length;
      if (src.paused && src.queued < LOW_WATER && !src.socket.destroyed) {
        src.paused = false;
        src.socket.resume();
      }
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.arm();
  }

  clear(): void {
    this.timer?.();
    this.timer = undefined;
    this.queue.length = 0;
    this.head = 0;
  }
}

export async function startRelay(o: RelayOptions): Promise<Relay> {
  const m = /^(.*):(\d+)$/.exec(o.target);
  if (!m) throw new Error(`relay target: expected host:port, got ${JSON.stringify(o.target)}`);
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  const oneWay = o.rttMs / 2;
  const up = new Link(o.bandwidthBps, oneWay);
  const down = new Link(o.bandwidthBps, oneWay);
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect({ host, port });
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    const fromClient: Flow = { socket: client, queued: 0, paused: false };
    const fromServer: Flow = { socket: upstream, queued: 0, paused: false };
    client.on('data', (c: Buffer) => up.push(fromClient, upstream, c));
    upstream.on('data', (c: Buffer) => down.push(fromServer, client, c));
    client.on('end', () => up.end(fromClient, upstream));
    upstream.on('end', () => down.end(fromServer, client));
    const kill = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', kill);
    upstream.on('error', kill);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => {
      sockets.delete(upstream);
      // Let queued data reach the client before closing it.
      down.end(fromServer, client);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const listenPort = (server.address() as AddressInfo).port;
  return {
    port: listenPort,
    address: `127.0.0.1:${listenPort}`,
    bytes: () => ({ up: up.sent, down: down.sent }),
    close: () =>
      new Promise<void>((resolve) => {
        up.clear();
        down.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
