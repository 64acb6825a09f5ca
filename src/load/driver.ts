// The two load drivers. Closed loop: N searches in flight, each starting when the previous one
// ends (what most benchmarks do; it stops sending while the server stalls, so it under-reports
// stalls). Open loop: searches start on the pacer's schedule whatever the server does; each is
// measured from its intended start, so a stall shows up in every search that was due during it.
// Both stop by themselves (search count, time cap or abort) and then wait for what is in
// flight, which the hard cap bounds. Each counts the searches it scheduled itself (the
// accounting checks the recorder against that count).
import { MAX_IN_FLIGHT_SEARCHES } from './config.js';
import type { SearchResult } from './fan-out.js';
import { createPacer, type Arrival } from './pacer.js';

export type EndReason = 'duration' | 'requests' | 'interrupted';

/** Starts one search, cut at `capAt`; resolves when its last batch is back. */
export type StartSearch = (intendedAt: number, capAt: number) => Promise<SearchResult>;

export interface DriverSink {
  /** Open loop: a search started `lagMs` after its intended time. */
  started?(lagMs: number): void;
  /** Open loop: a due search was not sent (late by the whole hard cap, or too many in flight). */
  dropped?(lateMs: number): void;
  finished(s: SearchResult): void;
}

export interface DriverLimits {
  /** Stop starting searches after this long; null: no time bound. */
  durationMs: number | null;
  /** Stop after this many searches (intended, open loop); null: no count bound. */
  maxSearches: number | null;
  /** A search is cut this long after its intended start (the transports' deadline). */
  hardCapMs: number;
  signal?: AbortSignal;
}

export interface DriverResult {
  endReason: EndReason;
  /** Measured window in ms: first intended start to last answer (at least the schedule's span). */
  windowMs: number;
  /** Searches the driver scheduled: started or dropped. */
  scheduled: number;
}

/** Grace on top of the hard cap for in-flight searches to come back after the schedule ends. */
const DRAIN_GRACE_MS = 10_000;

export async function runClosedLoop(
  concurrency: number,
  search: StartSearch,
  sink: DriverSink,
  limits: DriverLimits,
): Promise<DriverResult> {
  const t0 = performance.now();
  const end = limits.durationMs === null ? Infinity : t0 + limits.durationMs;
  let started = 0;
  let reason: EndReason | undefined;
  let lastEnd = t0;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (limits.signal?.aborted) reason = 'interrupted';
      else if (limits.maxSearches !== null && started >= limits.maxSearches) reason ??= 'requests';
      else if (performance.now() >= end) reason ??= 'duration';
      if (reason) return;
      started++;
      const t = performance.now();
      const s = await search(t, t + limits.hardCapMs);
      sink.finished(s);
      if (s.endAt > lastEnd) lastEnd = s.endAt;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { endReason: reason ?? 'duration', windowMs: Math.max(lastEnd, performance.now()) - t0, scheduled: started };
}

export interface OpenLoopOptions {
  rate: number;
  arrival: Arrival;
  seed: number;
}

export async function runOpenLoop(
  o: OpenLoopOptions,
  search: StartSearch,
  sink: DriverSink,
  limits: DriverLimits,
): Promise<DriverResult> {
  const pacer = createPacer(o.rate, o.arrival, o.seed);
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now() + 1;
  let offset = pacer.next();
  let count = 0;
  let reason: EndReason | undefined;
  let stoppedAt = t0;
  let lastEnd = t0;

  await new Promise<void>((resolve) => {
    const stop = (why: EndReason): void => {
      reason = why;
      stoppedAt = performance.now();
      limits.signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      clearImmediate(immediate);
      resolve();
    };
    const onAbort = (): void => stop('interrupted');
    limits.signal?.addEventListener('abort', onAbort);
    let timer: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    const tick = (): void => {
      for (;;) {
        if (reason) return;
        if (limits.signal?.aborted) {
          stop('interrupted');
          return;
        }
        if (limits.maxSearches !== null && count >= limits.maxSearches) {
          stop('requests');
          return;
        }
        if (limits.durationMs !== null && offset >= limits.durationMs) {
          stop('duration');
          return;
        }
        const intendedAt = t0 + offset;
        const now = performance.now();
        if (intendedAt > now) break;
        count++;
        offset = pacer.next();
        const lag = now - intendedAt;
        if (lag >= limits.hardCapMs || inFlight.size >= MAX_IN_FLIGHT_SEARCHES) {
          sink.dropped?.(lag);
          continue;
        }
        sink.started?.(lag);
        const p: Promise<void> = search(intendedAt, intendedAt + limits.hardCapMs).then((s) => {
          inFlight.delete(p);
          if (s.endAt > lastEnd) lastEnd = s.endAt;
          sink.finished(s);
        });
        inFlight.add(p);
        // One search per turn of the event loop: answers and timers run before the next due one
        // is encoded. Starting every due search in one synchronous burst (when behind schedule)
        // would starve the client's own responses, which no event-driven service does.
        immediate = setImmediate(tick);
        return;
      }
      // libuv timers have 1 ms resolution: ceil so a wake-up is never early.
      timer = setTimeout(tick, Math.max(1, Math.ceil(t0 + offset - performance.now())));
    };
    tick();
  });

  await drain(inFlight, limits.hardCapMs);
  // The schedule's span: searches were due over [t0, t0 + span); the window runs to the last answer.
  const span =
    reason === 'interrupted'
      ? stoppedAt - t0
      : reason === 'duration' && limits.durationMs !== null
        ? limits.durationMs
        : offset;
  return { endReason: reason ?? 'duration', windowMs: Math.max(span, lastEnd - t0, 1), scheduled: count };
}

async function drain(inFlight: Set<Promise<void>>, hardCapMs: number): Promise<void> {
  if (inFlight.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), hardCapMs + DRAIN_GRACE_MS)),
  );
  const r = await Promise.race([Promise.all(inFlight), timeout]);
  clearTimeout(timer);
  if (r === 'timeout')
    throw new Error(
      `${inFlight.size} search(es) still in flight ${hardCapMs + DRAIN_GRACE_MS} ms after the schedule ended, although each is cut at ${hardCapMs} ms`,
    );
}
