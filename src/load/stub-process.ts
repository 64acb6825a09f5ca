// Spawns the stub TF Serving server (`payload-bench serve`) in its own process, so client and server
// never share an event loop or a CPU account; reads its ready line; reads its CPU time; stops
// it with SIGTERM (it drains and exits 0).
//
// Server CPU comes from /proc/<pid>/stat (utime + stime of the whole process, all threads, in
// clock ticks of 10 ms on Linux): the stub does not report its own process.cpuUsage(). Where
// /proc is missing (macOS, Windows), server CPU is unknown and reported as such.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEntry } from '../common/node-entry.js';
import type { StubOptions } from './config.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** `payload-bench serve`: sources through tsx in a clone, compiled JavaScript when installed. */
const CLI = cliEntry();

export interface StubProcess {
  pid: number;
  grpcAddress: string;
  restAddress: string;
  /** The ready line it printed. */
  readyLine: string;
  /** Still running. */
  alive(): boolean;
  /** The last lines it wrote to stderr. */
  stderrTail(): string;
  /** Process CPU time (user + system) so far in ms, or null when it cannot be read. */
  cpuMs(): number | null;
  /** The stub's own counters (GET /stub/stats: calls, model calls, dropped calls), or null when unreachable. */
  stats(): Promise<StubStats | null>;
  /** SIGTERM, wait for the drain; SIGKILL after `timeoutMs`. Resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** The counters of the stub's GET /stub/stats that the load test reads (RunnerStats in src/server). */
export interface StubStats {
  calls: number;
  modelCalls: number;
  droppedBeforeDecode: number;
  droppedInBatchQueue: number;
}

/** GET /stub/stats from the stub's REST address; null when it does not answer. */
export async function stubStats(restAddress: string): Promise<StubStats | null> {
  try {
    const res = await fetch(`http://${restAddress}/stub/stats`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return null;
    const j = (await res.json()) as Partial<StubStats>;
    return typeof j.modelCalls === 'number' && typeof j.calls === 'number' ? (j as StubStats) : null;
  } catch {
    return null;
  }
}

export interface StubSpawnOptions {
  scenario: string;
  modelName?: string;
  stub?: StubOptions;
  /** Give up waiting for the ready line after this long. @default 60000 */
  readyTimeoutMs?: number;
}

const READY_RE = /grpc=(\S+)\s+rest=(\S+)/;

/** Arguments of `payload-bench serve` for these options (ports picked by the OS). */
export function stubArgs(o: StubSpawnOptions): string[] {
  const args = ['--port', '0', '--rest-port', '0', '--scenario', o.scenario];
  if (o.modelName) args.push('--model-name', o.modelName);
  const s = o.stub ?? {};
  if (s.delayMs !== undefined) args.push('--delay-ms', String(s.delayMs));
  if (s.stallEvery !== undefined) args.push('--stall-every', String(s.stallEvery));
  if (s.stallMs !== undefined) args.push('--stall-ms', String(s.stallMs));
  if (s.errorRate !== undefined) args.push('--error-rate', String(s.errorRate));
  if (s.modelCost !== undefined) args.push('--model-cost', String(s.modelCost));
  if (s.workers !== undefined) args.push('--workers', String(s.workers));
  if (s.batchingFile !== undefined) args.push('--enable-batching', '--batching-parameters-file', s.batchingFile);
  return args;
}

export function spawnStub(o: StubSpawnOptions): Promise<StubProcess> {
  // Its own process group: a Ctrl-C in the terminal reaches only the load generator, which
  // finishes the current measurement against a server that is still serving, then stops it.
  const child: ChildProcess = spawn(process.execPath, [...CLI.execArgv, CLI.file, 'serve', ...stubArgs(o)], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise<StubProcess>((resolvePromise, reject) => {
    const timeoutMs = o.readyTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `stub server did not print its ready line within ${timeoutMs} ms${err ? `; stderr: ${err.trim()}` : ''}`,
        ),
      );
    }, timeoutMs);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`stub server exited with code ${code} before it was ready${err ? `: ${err.trim()}` : ''}`));
    };
    child.once('exit', onExit);
    const onData = (c: Buffer): void => {
      out += c.toString();
      const line = out.split('\n').find((l) => READY_RE.test(l));
      if (!line) return;
      const m = READY_RE.exec(line)!;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      const pid = child.pid!;
      resolvePromise({
        pid,
        grpcAddress: m[1]!,
        restAddress: m[2]!,
        readyLine: line.trim(),
        alive: () => child.exitCode === null && child.signalCode === null,
        stderrTail: () => err.trim().split('\n').slice(-5).join('\n'),
        cpuMs: () => procCpuMs(pid),
        stats: () => stubStats(m[2]!),
        stop: (stopTimeoutMs = 15_000) => {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          const kill = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
          child.kill('SIGTERM');
          return exited.finally(() => clearTimeout(kill));
        },
      });
    };
    child.stdout!.on('data', onData);
  });
}

/**
 * Waits until the stub is idle (its CPU time stops growing over a `windowMs` window), up to
 * `maxMs`: a client that gave up on a request (deadline) does not stop the server working on
 * it, and that work belongs to the measurement that caused it. Resolves with its CPU ms.
 */
export async function settle(stub: StubProcess, windowMs = 100, maxMs = 5000): Promise<number | null> {
  const until = performance.now() + maxMs;
  let last = stub.cpuMs();
  if (last === null) return null;
  for (;;) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = stub.cpuMs();
    if (now === null) return null;
    // One clock tick (10 ms) of slack: an idle event loop still wakes up now and then.
    if (now - last <= 10 || performance.now() >= until) return now;
    last = now;
  }
}

let clockTicks: number | undefined;

/** utime + stime of a process from /proc/<pid>/stat, in ms; null where unavailable. */
export function procCpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces) start at field 3; utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  clockTicks ??= 100; // sysconf(_SC_CLK_TCK): 100 on every Linux that Node supports
  return ((utime + stime) * 1000) / clockTicks;
}
