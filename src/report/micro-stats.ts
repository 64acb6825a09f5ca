// How micro-benchmark statistics are printed: a p99 only with enough samples, the 95 %
// interval only with two rounds or more (it is over per-round medians), totals labelled as
// sums of medians, and the scenario's floor named for exactly what it is. Pure.
import type { MicroRecord, Results, Stats } from '../results/index.js';
import { humanBytes, ms, num, sig3 } from './number-format.js';

/** Fewest samples for a p99 (below, the "p99" is the maximum or next to it). */
export const P99_MIN_SAMPLES = 100;

/** `0.912` (in the caller's unit) or `n/a (n=12)`. */
export function p99Text(s: Stats, factor = 1): string {
  if (s.p99Ms === undefined) return 'n/a (sum of medians)';
  if (s.samples < P99_MIN_SAMPLES) return `n/a (n=${num(s.samples)})`;
  return sig3(s.p99Ms * factor);
}

/** `±3.1 %` (95 % t-interval over rounds) or `n/a (1 round)`. */
export function intervalText(s: Stats): string {
  const k = s.roundMediansMs.length;
  if (k < 2) return `n/a (${k} round)`;
  return `±${num(s.rmePct)} %`;
}

/** The scenario's floor records (warm and cold): identical for every format, so the first found. */
export function scenarioFloor(r: Results, scenario: string): { warm?: MicroRecord; cold?: MicroRecord } {
  const warm = r.micro.find((m) => m.scenario === scenario && m.op === 'floor');
  const cold = r.micro.find((m) => m.scenario === scenario && m.op === 'floor-cold');
  return { ...(warm ? { warm } : {}), ...(cold ? { cold } : {}) };
}

/**
 * `floor = a copy of the request's 1.23 MB of logical tensor bytes into a fresh allocation:
 * 0.081 ms warm, 0.31 ms cold (same for every format)`, or undefined without a floor.
 */
export function floorSentence(r: Results, scenario: string): string | undefined {
  const { warm, cold } = scenarioFloor(r, scenario);
  if (!warm) return undefined;
  const coldText = cold ? `, ${ms(cold.stats.medianMs)} cold (source not in cache)` : '';
  return (
    `floor = a copy of the request's ${humanBytes(warm.bytes)} of logical tensor bytes (every feature's values once, context once) ` +
    `into a fresh allocation: ${ms(warm.stats.medianMs)} warm${coldText}, median; the same for every format`
  );
}
