// The shaping relay in its own process, so the load generator's event loop (busy encoding
// requests) never delays forwarding, and the relay's CPU is not billed to the client.
// Run as a child: `node --import tsx relay-process.ts '<json RelayOptions[]>'`; it answers on
// the IPC channel with the listening addresses and exits when the parent disconnects.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRelay, type Relay, type RelayOptions } from './shaping-relay.js';

interface ReadyMessage {
  type: 'ready';
  addresses: string[];
}
interface FailMessage {
  type: 'error';
  message: string;
}

export interface RelayProcess {
  /** Listening address per requested relay, in order. */
  addresses: string[];
  pid: number;
  close(): Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);

/** Starts one child process running a relay per entry of `relays`. */
export function startRelayProcess(relays: readonly RelayOptions[], timeoutMs = 30_000): Promise<RelayProcess> {
  // Own process group (Ctrl-C reaches only the load generator); exits when the IPC channel closes.
  const child: ChildProcess = fork(SELF, [JSON.stringify(relays)], {
    execArgv: SELF.endsWith('.ts') ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  return new Promise<RelayProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`shaping relay did not start within ${timeoutMs} ms${stderr ? `: ${stderr.trim()}` : ''}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`shaping relay exited with code ${code} before it was ready${stderr ? `: ${stderr.trim()}` : ''}`),
      );
    });
    child.once('message', (m: ReadyMessage | FailMessage) => {
      clearTimeout(timer);
      if (m.type === 'error') {
        child.kill('SIGKILL');
        reject(new Error(`shaping relay: ${m.message}`));
        return;
      }
      child.removeAllListeners('exit');
      resolve({
        addresses: m.addresses,
        pid: child.pid!,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.disconnect();
          }),
      });
    });
  });
}

async function main(): Promise<void> {
  const specs = JSON.parse(process.argv[2] ?? '[]') as RelayOptions[];
  const relays: Relay[] = [];
  try {
    for (const s of specs) relays.push(await startRelay(s));
  } catch (err) {
    process.send?.({ type: 'error', message: (err as Error).message } satisfies FailMessage);
    process.exit(1);
  }
  process.send?.({ type: 'ready', addresses: relays.map((r) => r.address) } satisfies ReadyMessage);
  const stop = (): void => {
    void Promise.all(relays.map((r) => r.close())).then(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
