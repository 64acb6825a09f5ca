// Sweeps: the scenario rescaled along one dimension (candidates or feature count), and the
// SweepRecords that show how each cost grows. Time per unit (per candidate or per feature)
// that stays flat means linear scaling.
import type { MicroRecord, SizeRecord, SweepRecord } from '../results/index.js';
import { parseScenario, type Scenario } from '../scenario/index.js';
import type { SweepDimension } from './config.js';

/**
 * `base` with `value` candidates, or with `value` features: fewer features are an evenly
 * spaced subset (keeping the scenario's mix of context/item features and dtypes); more
 * repeat the list, copies renamed `<name>.r<k>`. The result is validated like a file.
 */
export function scaleScenario(base: Scenario, dimension: SweepDimension, value: number): Scenario {
  if (dimension === 'candidates')
    return parseScenario({ ...base, candidates: value }, `${base.name} at ${value} candidates`);
  const n = base.features.length;
  const features = [];
  if (value <= n) {
    for (let j = 0; j < value; j++) features.push(base.features[Math.floor((j * n) / value)]!);
  } else {
    for (let j = 0; j < value; j++) {
      const f = base.features[j % n]!;
      const copy = Math.floor(j / n);
      features.push(copy === 0 ? f : { ...f, name: `${f.name}.r${copy}` });
    }
  }
  return parseScenario({ ...base, features }, `${base.name} at ${value} features`);
}

/**
 * Sweep records of one point (`value` along `dimension`) from that point's sizes and micro
 * records (as aggregate.ts builds them): one per format x codec that has every part.
 */
export function sweepRecords(
  scenario: string,
  dimension: SweepDimension,
  value: number,
  sizes: readonly SizeRecord[],
  micro: readonly MicroRecord[],
): SweepRecord[] {
  const out: SweepRecord[] = [];
  const find = (format: string, codec: string, op: MicroRecord['op']) =>
    micro.find((m) => m.format === format && m.codec === codec && m.op === op);
  for (const s of sizes) {
    const encode = find(s.format, 'identity', 'encode');
    const decode = find(s.format, 'identity', 'decode');
    const total = find(s.format, s.codec, 'total');
    if (!encode || !decode || !total) continue;
    out.push({
      scenario,
      dimension,
      value,
      format: s.format,
      codec: s.codec,
      rawBytes: s.rawBytes,
      compressedBytes: s.compressedBytes,
      encodeMs: encode.stats.medianMs,
      decodeMs: decode.stats.medianMs,
      totalMs: total.stats.medianMs,
      perUnitUs: (total.stats.medianMs * 1000) / value,
    });
  }
  return out;
}
