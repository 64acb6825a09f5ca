// Progress of `npm run e2e` on stderr: a live, rewritten line on a TTY (which run, which
// phase, elapsed); one plain line per finished run otherwise (CI logs). Never touches results.
import { sig3 } from '../common/units.js';
import type { E2eProgressEvent } from './run-e2e.js';
import { percentileCell } from './print-table.js';

export interface ProgressSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface E2eProgress {
  listener(e: E2eProgressEvent): void;
  /** Clears the live line and stops its timer. */
  close(): void;
}

export function createE2eProgress(out: ProgressSink, opts: { quiet?: boolean } = {}): E2eProgress {
  if (opts.quiet) return { listener: () => {}, close: () => {} };
  const live = out.isTTY === true;
  const started = performance.now();
  let lineOpen = false;
  let timer: NodeJS.Timeout | undefined;
  let current: { head: string; phase: string; phaseStart: number; durationMs: number | null } | undefined;

  const clear = (): void => {
    if (lineOpen) out.write('\r\x1b[2K');
    lineOpen = false;
  };
  const say = (line: string): void => {
    clear();
    out.write(`${line}\n`);
  };
  const redraw = (): void => {
    if (!current) return;
    const t = (performance.now() - current.phaseStart) / 1000;
    const of = current.durationMs !== null ? `/${(current.durationMs / 1000).toFixed(1)}s` : 's';
    clear();
    out.write(`${current.head} ${current.phase} ${t.toFixed(1)}${of}  (elapsed ${elapsed()})`);
    lineOpen = true;
  };
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)}s`;

  return {
    listener(e) {
      switch (e.type) {
        case 'server':
        case 'floor':
          say(`e2e: ${e.text}`);
          return;
        case 'combo-start':
          current = {
            head: `e2e [${e.index + 1}/${e.total}] ${e.label}:`,
            phase: 'connecting',
            phaseStart: performance.now(),
            durationMs: null,
          };
          if (live) {
            redraw();
            timer ??= setInterval(redraw, 200);
            timer.unref();
          }
          return;
        case 'phase':
          // The group warms every format up first, then measures each: the phase names its run.
          current = {
            head: `e2e [${e.index + 1}/${e.total}] ${e.label}:`,
            phase: e.phase === 'warmup' ? 'warming up' : 'measuring',
            phaseStart: performance.now(),
            durationMs: e.durationMs,
          };
          if (live) redraw();
          return;
        case 'combo-end': {
          current = undefined;
          const r = e.run;
          const s = r.latency.search;
          const what =
            r.endReason === 'error'
              ? (r.warnings[0] ?? 'not measured')
              : `search p50 ${percentileCell(s, 50)} ms, p99 ${percentileCell(s, 99)} ms, ${r.searches.withinBudget}/${r.searches.intended} within ${r.budgetMs} ms` +
                (r.searches.capped ? `, ${r.searches.capped} capped` : '') +
                (r.saturated ? `, saturated (${sig3(r.achievedRate)}/s of ${sig3(r.targetRate ?? 0)}/s)` : '');
          say(
            `e2e [${e.index + 1}/${e.total}] ${e.label}: ${what} (${(e.wallMs / 1000).toFixed(1)}s, elapsed ${elapsed()})`,
          );
          return;
        }
      }
    },
    close() {
      clearInterval(timer);
      clear();
    },
  };
}
