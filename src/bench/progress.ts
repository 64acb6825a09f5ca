// Progress display on stderr: one live, rewritten line on a TTY; one plain line per finished
// step otherwise (CI logs). Consumes ProgressEvents; never touches results.
import type { ProgressEvent } from './progress-events.js';

export interface ProgressSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** Terminal width: the live line is cut to fit so that rewriting it works. */
  columns?: number;
}

export type ProgressListener = (e: ProgressEvent) => void;

/** A listener that renders events to `out`; live when `out` is a TTY. `quiet` renders nothing. */
export function createProgress(
  out: ProgressSink,
  opts: { quiet?: boolean; now?: () => number } = {},
): ProgressListener {
  if (opts.quiet) return () => {};
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const live = out.isTTY === true;
  let phaseStarted = started;
  let lastJobEnd = started;
  let lineOpen = false;

  // Remaining jobs times the mean finished job, less the time already spent on the current one.
  const eta = (done: number, jobs: number): string => {
    if (done === 0) return '';
    const left = ((lastJobEnd - phaseStarted) / done) * (jobs - done) - (now() - lastJobEnd);
    return `, ~${duration(Math.max(0, left))} left`;
  };
  const clear = (): void => {
    if (lineOpen) out.write('\r\x1b[2K');
    lineOpen = false;
  };
  const say = (line: string): void => {
    clear();
    out.write(`${line}\n`);
  };

  return (e) => {
    switch (e.type) {
      case 'phase-start':
        phaseStarted = now();
        lastJobEnd = phaseStarted;
        say(`bench: ${e.phase}: ${e.jobs} child processes (${e.opsPerJob} timed ops each)`);
        return;
      case 'job-start':
      case 'op-start': {
        if (!live) return;
        const step =
          e.type === 'op-start'
            ? ` ${e.op}${e.op === 'compress' || e.op === 'decompress' ? ` ${e.codec}` : ''} (${e.opIndex + 1}/${e.opsPerJob})`
            : ' starting';
        const bar = progressBar(e.index / e.jobs, 16);
        const line = `${bar} ${e.index + 1}/${e.jobs} round ${e.round + 1}/${e.rounds} ${e.scenario} ${e.format}${step}  ${duration(now() - started)}${eta(e.index, e.jobs)}`;
        clear();
        out.write(out.columns && out.columns > 10 ? line.slice(0, out.columns - 1) : line);
        lineOpen = true;
        return;
      }
      case 'job-end':
        lastJobEnd = now();
        if (live && e.end === 'done') return;
        say(
          `bench: [${e.index + 1}/${e.jobs}] round ${e.round + 1}/${e.rounds} ${e.scenario} ${e.format}: ${e.end} in ${duration(e.wallMs)} (elapsed ${duration(now() - started)}${eta(e.index + 1, e.jobs)})`,
        );
        return;
      case 'interrupted':
        say('bench: interrupted; keeping what was measured (press Ctrl-C again to quit without writing)');
        return;
      case 'done':
        say(`bench: finished in ${duration(e.wallMs)}`);
        return;
    }
  };
}

function progressBar(fraction: number, width: number): string {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

/** 850 ms, 12.3s, 2m05s. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.floor(s - m * 60)).padStart(2, '0')}s`;
}
