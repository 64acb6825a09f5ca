// Headline findings: a few sentences computed from the results (Markdown inline text),
// e.g. "`tensor-content` is 6.4x smaller and decodes 56x faster than `tf-example`".
// Each finding is left out when the data it needs is absent.
import type { Results } from '../results/index.js';
import { bandwidthCurves, breakEvens, roughly } from './chart-bandwidth.js';
import { peersFinding } from './table-peers.js';
import { scenarioFloor } from './micro-stats.js';
import { humanBytes, mbits, ms, num, pct, times } from './number-format.js';
import { batchSweepRuns, codecsOf, formatsOf, headlineE2e, microOf, primaryScenario, rawBytesOf, sizeOf, sweepOf } from './select.js';

/** The reference format findings compare against: tf-example when measured. */
const PREFERRED_BASELINE = 'tf-example';

function code(id: string): string {
  return `\`${id}\``;
}

function sizeRatioPhrase(ratio: number): string {
  if (ratio >= 1.05) return `${times(ratio)} smaller`;
  if (ratio <= 1 / 1.05) return `${times(1 / ratio)} larger`;
  return 'about the same size';
}

function speedPhrase(verb: string, ratio: number): string {
  if (ratio >= 1.05) return `${verb} ${times(ratio)} faster`;
  if (ratio <= 1 / 1.05) return `${verb} ${times(1 / ratio)} slower`;
  return `${verb} about as fast`;
}

/** The comparison pair: baseline (tf-example, else the slowest decoder) and the fastest decoder. */
export function comparisonPair(r: Results, scenario: string): { baseline: string; best: string } | undefined {
  const decodes = formatsOf(r, scenario)
    .map((f) => ({ f, d: microOf(r, scenario, f, 'decode')?.stats.medianMs, raw: rawBytesOf(r, scenario, f) }))
    .filter((x): x is { f: string; d: number; raw: number } => x.d !== undefined && x.raw !== undefined);
  if (decodes.length < 2) return undefined;
  const baseline = decodes.find((x) => x.f === PREFERRED_BASELINE) ?? [...decodes].sort((a, b) => b.d - a.d)[0]!;
  const best = decodes.filter((x) => x.f !== baseline.f).sort((a, b) => a.d - b.d)[0]!;
  return { baseline: baseline.f, best: best.f };
}

export function findings(r: Results, scenario = primaryScenario(r)): string[] {
  const out: string[] = [];
  if (r.state === 'interrupted') out.push('**This run was interrupted**: what it measured is shown, but some sections may be missing.');
  if (scenario === undefined) return out;
  const pair = comparisonPair(r, scenario);

  if (pair) {
    const { baseline, best } = pair;
    const rawB = rawBytesOf(r, scenario, baseline)!;
    const rawX = rawBytesOf(r, scenario, best)!;
    const decB = microOf(r, scenario, baseline, 'decode')!.stats.medianMs;
    const decX = microOf(r, scenario, best, 'decode')!.stats.medianMs;
    out.push(
      `${code(best)} is ${sizeRatioPhrase(rawB / rawX)} and ${speedPhrase('decodes', decB / decX)} than ${code(baseline)} ` +
        `(${humanBytes(rawX)} vs ${humanBytes(rawB)} per request; decode ${ms(decX)} vs ${ms(decB)} median).`,
    );
    const floorX = microOf(r, scenario, best, 'decode')!.xFloor;
    const floorB = microOf(r, scenario, baseline, 'decode')!.xFloor;
    const floor = scenarioFloor(r, scenario).warm;
    if (floorX > 0 && floorB > 0 && floor) {
      out.push(
        `Decoding costs ${times(floorX)} the scenario's floor for ${code(best)} and ${times(floorB)} for ${code(baseline)} ` +
          `(floor: copying the request's ${humanBytes(floor.bytes)} of logical tensor bytes into a fresh allocation, ${ms(floor.stats.medianMs)} warm, the same for every format).`,
      );
    }
    const peerLine = peersFinding(r, scenario);
    if (peerLine) out.push(peerLine);
  }

  const sizes = r.sizes.filter((s) => s.scenario === scenario);
  if (sizes.length > 0) {
    const smallestRaw = [...sizes].sort((a, b) => a.rawBytes - b.rawBytes)[0]!;
    const smallest = [...sizes].sort((a, b) => a.compressedBytes - b.compressedBytes)[0]!;
    let text = `Smallest uncompressed request: ${code(smallestRaw.format)} at ${humanBytes(smallestRaw.rawBytes)}`;
    if (smallest.codec !== 'identity') text += `; smallest overall: ${code(smallest.format)} with ${code(smallest.codec)} at ${humanBytes(smallest.compressedBytes)}`;
    out.push(`${text}.`);
  }

  if (pair) {
    const codecs = codecsOf(r, scenario).filter((c) => c !== 'identity');
    const bestCodec = (format: string) =>
      codecs
        .map((c) => sizeOf(r, scenario, format, c))
        .filter((s) => s !== undefined)
        .sort((a, b) => a!.compressedBytes - b!.compressedBytes)[0];
    const cb = bestCodec(pair.baseline);
    const cx = bestCodec(pair.best);
    if (cb && cx) {
      const extra = (format: string, codec: string) => {
        const c = microOf(r, scenario, format, 'compress', codec)?.stats.medianMs;
        const d = microOf(r, scenario, format, 'decompress', codec)?.stats.medianMs;
        return c !== undefined && d !== undefined ? ` for ${ms(c + d)} of compress + decompress CPU` : '';
      };
      out.push(
        `Compression pays most where the payload is redundant: ${code(cb.codec)} shrinks ${code(pair.baseline)} ${times(cb.rawBytes / cb.compressedBytes)} ` +
          `(${humanBytes(cb.rawBytes)} → ${humanBytes(cb.compressedBytes)})${extra(pair.baseline, cb.codec)}; ` +
          `on ${code(pair.best)} the best codec (${code(cx.codec)}) saves ${pct((1 - cx.compressedBytes / cx.rawBytes) * 100)}${extra(pair.best, cx.codec)}.`,
      );
    }
  }

  const slice = headlineE2e(r, scenario);
  if (slice && slice.runs.length >= 2) {
    const sorted = [...slice.runs].sort((a, b) => a.latency.search.p99Ms - b.latency.search.p99Ms);
    const fastest = sorted[0]!;
    const ref = slice.runs.find((x) => x.format === pair?.baseline && x.format !== fastest.format) ?? sorted[sorted.length - 1]!;
    out.push(
      `End to end (${slice.conditions}), ${code(fastest.format)} answers a search in ${ms(fastest.latency.search.p99Ms)} at p99 ` +
        `vs ${ms(ref.latency.search.p99Ms)} for ${code(ref.format)} (${times(ref.latency.search.p99Ms / fastest.latency.search.p99Ms)}).`,
    );
    const sweep = batchSweepRuns(r, scenario);
    const runsOf = (f: string) => (sweep?.runs ?? []).filter((x) => x.format === f).sort((a, b) => b.batchSize - a.batchSize);
    const parts: string[] = [];
    for (const f of [fastest.format, ref.format]) {
      const rs = runsOf(f);
      if (rs.length < 2) continue;
      const big = rs[0]!;
      const small = rs[rs.length - 1]!;
      const cpu = (x: typeof big) => x.cost.clientCpuMsPerSearch + x.cost.serverCpuMsPerSearch;
      parts.push(
        `${code(f)} p50 ${ms(big.latency.search.p50Ms)} → ${ms(small.latency.search.p50Ms)}, CPU per search ${ms(cpu(big))} → ${ms(cpu(small))}`,
      );
      if (parts.length === 1) parts[0] = `Splitting a search into batches of ${small.batchSize} instead of ${big.batchSize}: ${parts[0]}`;
    }
    if (parts.length > 0) out.push(`${parts.join('; ')}.`);
  }

  const { curves } = bandwidthCurves(r, scenario);
  const evens = breakEvens(curves);
  if (evens.length > 0) {
    const list = evens.map((e) => `≈ ${mbits(roughly(e.mbps))} for ${code(e.format)} (${code(e.compression)})`).join(', ');
    out.push(`On a shaped link, compressing is faster than sending raw bytes below ${list}; above that, identity wins.`);
  }

  for (const dimension of ['candidates', 'features'] as const) {
    const sweep = sweepOf(r, scenario, dimension);
    if (!sweep) continue;
    const values = [...new Set(sweep.records.map((s) => s.value))].sort((a, b) => a - b);
    if (values.length < 2) continue;
    const lo = values[0]!;
    const hi = values[values.length - 1]!;
    const changes = orderedChanges(sweep.records, lo, hi);
    if (changes.length === 0) continue;
    const min = Math.min(...changes.map((c) => c.change));
    const max = Math.max(...changes.map((c) => c.change));
    const linear = min > -0.5 && max < 0.5;
    const signed = (x: number) => `${x >= 0 ? '+' : '−'}${pct(Math.abs(x) * 100)}`;
    out.push(
      `From ${num(lo)} to ${num(hi)} ${dimension}, encode + decode cost per ${dimension === 'candidates' ? 'candidate' : 'feature'} changes by ${signed(min)} to ${signed(max)} across formats` +
        (linear ? ': cost grows about linearly.' : ': cost does not grow linearly (see the scaling chart).'),
    );
  }

  if (r.warnings.length > 0 || (r.e2e ?? []).some((x) => x.warnings.length > 0)) {
    const n = r.warnings.length + (r.e2e ?? []).reduce((s, x) => s + x.warnings.length, 0);
    out.push(`The run recorded ${n} warning${n === 1 ? '' : 's'} (listed below).`);
  }
  return out;
}

function orderedChanges(records: { format: string; value: number; perUnitUs: number }[], lo: number, hi: number) {
  const formats = [...new Set(records.map((s) => s.format))];
  const out: { format: string; change: number }[] = [];
  for (const f of formats) {
    const a = records.find((s) => s.format === f && s.value === lo);
    const b = records.find((s) => s.format === f && s.value === hi);
    if (a && b && a.perUnitUs > 0) out.push({ format: f, change: b.perUnitUs / a.perUnitUs - 1 });
  }
  return out;
}
