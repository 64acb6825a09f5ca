// Test-only switch to prove the regression check catches a real slowdown:
// PAYLOAD_BENCH_INJECT_SLOWDOWN="<format>:<op>:<factor>" (e.g. `tensor-content:decode:1.5`)
// makes that op of that format spin for (factor - 1) x its own duration after every call.
// In instruction mode (src/bench/instructions/) the extra work is counted instead of timed:
// spin() iterations worth (factor - 1) x the op's own instruction count, e.g.
// `tensor-content:decode:1.03` adds ~3 % instructions to that one op.
// Unset (always, outside such a test), it changes nothing.

export interface Slowdown {
  format: string;
  op: string;
  factor: number;
}

export function parseSlowdown(spec: string | undefined): Slowdown | undefined {
  if (!spec) return undefined;
  const [format, op, f] = spec.split(':');
  const factor = Number(f);
  if (!format || !op || !Number.isFinite(factor) || factor < 1) {
    throw new Error(`PAYLOAD_BENCH_INJECT_SLOWDOWN must be <format>:<op>:<factor >= 1>, got "${spec}"`);
  }
  return { format, op, factor };
}

/** `fn`, slowed by a busy loop when `s` names this format and op. */
export function withSlowdown<T>(s: Slowdown | undefined, format: string, op: string, fn: () => T): () => T {
  if (!s || s.format !== format || s.op !== op) return fn;
  return () => {
    const t0 = performance.now();
    const out = fn();
    const until = performance.now() + (performance.now() - t0) * (s.factor - 1);
    while (performance.now() < until) {
      // spin: the injected regression
    }
    return out;
  };
}

/** The factor `s` applies to this format and op (1: none). */
export function slowdownFactor(s: Slowdown | undefined, format: string, op: string): number {
  return s && s.format === format && s.op === op ? s.factor : 1;
}

/** Deterministic busy work: the same instructions for the same `iterations`, every run. */
export function spin(iterations: number): number {
  let x = 0x9e3779b9;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1664525) + 1013904223) | 0;
  return x;
}
