// Starts one measuring child (a fresh Node process running measure-worker), hands it
// its job over IPC and collects what it reports until it exits. The child's stdout and stderr
// go to our stderr, so `--json` keeps stdout clean.
import { fork } from 'node:child_process';
import { moduleEntry } from '../common/node-entry.js';
import { pluginModulePaths } from '../formats/index.js';
import type { ParentMessage, WorkerJob, WorkerMessage } from './worker-protocol.js';

// measure-worker.ts through tsx from sources, measure-worker.js when compiled.
const WORKER = moduleEntry(import.meta.url, 'measure-worker');

/**
 * glibc malloc kept in its steady state, as in a long-running server: buffers up to 64 MiB
 * come from the heap and freed memory is kept for reuse, instead of each 1-10 MB message
 * being a fresh mmap whose pages fault in on first touch. On this 2-core VM, page faults
 * cost anywhere from 0.16 to 0.47 ms per fresh MB from one minute to the next, which made
 * round medians of allocation-heavy ops differ 2-3x; with these, a fresh 1 MB allocation
 * and copy held at 0.13-0.16 ms. Variables the user set win; other allocators ignore them.
 */
const STEADY_ALLOCATOR = { MALLOC_MMAP_THRESHOLD_: String(64 << 20), MALLOC_TRIM_THRESHOLD_: String(256 << 20) };

export type OpMessage = WorkerMessage & { type: 'op' };
export type SizesMessage = WorkerMessage & { type: 'sizes' };
export type PeerMessage = WorkerMessage & { type: 'peer' };
export type AlignmentMessage = WorkerMessage & { type: 'alignment' };

export interface WorkerOutcome {
  /** `done`: finished; `verification`: round trip failed; `crash`: error or bad exit; `killed`: stopped by a signal. */
  end: 'done' | 'verification' | 'crash' | 'killed';
  message?: string;
  sizes?: SizesMessage;
  /** Every op measured before the child ended, complete or not. */
  ops: OpMessage[];
  /** bench --peers: peer ops measured, and the message's tensor_content alignment. */
  peers?: PeerMessage[];
  alignment?: AlignmentMessage;
  wallMs: number;
}

export interface WorkerHandle {
  outcome: Promise<WorkerOutcome>;
  /** Stop the child (SIGTERM); its outcome resolves with what it reported so far. */
  kill(): void;
}

export function spawnWorker(job: WorkerJob, onMessage: (msg: WorkerMessage) => void = () => {}): WorkerHandle {
  const started = performance.now();
  // Plug-in format modules loaded here are loaded again in the child (its arguments).
  const child = fork(WORKER.file, pluginModulePaths(), {
    // --expose-gc: jitWarmUp collects garbage before each JavaScript op, so none pays for an earlier op's heap.
    execArgv: [...WORKER.execArgv, '--expose-gc'],
    env: { ...STEADY_ALLOCATOR, ...process.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.on('data', (d: Buffer) => process.stderr.write(d));
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
  const ops: OpMessage[] = [];
  let sizes: SizesMessage | undefined;
  const peers: PeerMessage[] = [];
  let alignment: AlignmentMessage | undefined;
  let done = false;
  let error: (WorkerMessage & { type: 'error' }) | undefined;
  child.on('message', (msg: WorkerMessage) => {
    if (msg.type === 'op') ops.push(msg);
    else if (msg.type === 'peer') peers.push(msg);
    else if (msg.type === 'alignment') alignment = msg;
    else if (msg.type === 'sizes') sizes = msg;
    else if (msg.type === 'done') done = true;
    else if (msg.type === 'error') error = msg;
    onMessage(msg);
  });
  const outcome = new Promise<WorkerOutcome>((resolve) => {
    let spawnError: Error | undefined;
    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (code, signal) => {
      const base = {
        sizes,
        ops,
        wallMs: performance.now() - started,
        ...(peers.length ? { peers } : {}),
        ...(alignment ? { alignment } : {}),
      };
      if (error) resolve({ ...base, end: error.kind, message: error.message });
      else if (signal) resolve({ ...base, end: 'killed', message: `child stopped by ${signal}` });
      else if (done && code === 0) resolve({ ...base, end: 'done' });
      else
        resolve({
          ...base,
          end: 'crash',
          message: spawnError?.message ?? `child exited with code ${code} before finishing`,
        });
    });
  });
  const msg: ParentMessage = { type: 'job', job };
  child.send(msg);
  return {
    outcome,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
