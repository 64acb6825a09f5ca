// Headline findings: a few sentences computed from the results (Markdown inline text),
// e.g. "`tensor-content` is 6.4x smaller and decodes 56x faster than `tf-example`".
// Each finding is left out when the data it needs is absent.
import { percentileOf, type E2eRun, type Results } from '../results/index.js';
import { bandwidthCurves, breakEvens, roughly } from './chart-bandwidth.js';
import { batchingFindings } from './findings-batching.js';
import { peersFinding } from './table-peers.js';
import { scenarioFloor } from './micro-stats.js';
import { humanBytes, mbits, ms, num, pct, sig3, times } from './number-format.js';
import {
  batchSweepRuns,
  codecsOf,
  describeCell,
  formatsOf,
  harnessFloorMs,
  headlineE2e,
  loadKey,
  loadLabel,
  microOf,
  primaryScenario,
  rawBytesOf,
  sizeOf,
  sweepOf,
  unrankable,
} from './select.js';

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
  if (r.state === 'interrupted')
    out.push('**This run was interrupted**: what it measured is shown, but some sections may be missing.');
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
    if (smallest.codec !== 'identity')
      text += `; smallest overall: ${code(smallest.format)} with ${code(smallest.codec)} at ${humanBytes(smallest.compressedBytes)}`;
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

  out.push(...e2eFindings(r, scenario, pair?.baseline));

  const { curves } = bandwidthCurves(r, scenario);
  const evens = breakEvens(curves);
  if (evens.length > 0) {
    const list = evens
      .map((e) => `≈ ${mbits(roughly(e.mbps))} for ${code(e.format)} (${code(e.compression)})`)
      .join(', ');
    out.push(
      `On a shaped link, compressing is faster than sending raw bytes below ${list}; above that, identity wins.`,
    );
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

  out.push(...batchingFindings(r, scenario));

  if (r.warnings.length > 0 || (r.e2e ?? []).some((x) => x.warnings.length > 0)) {
    const n = r.warnings.length + (r.e2e ?? []).reduce((s, x) => s + x.warnings.length, 0);
    out.push(`The run recorded ${n} warning${n === 1 ? '' : 's'} (listed below).`);
  }
  return out;
}

/** `12.4 ms (95 % CI 11.9-13.0 ms, n = 200)`; an interval the sample cannot close reads `11.9 ms and up`. */
function withCi(run: E2eRun, p: number): string {
  const l = run.latency.search;
  const e = percentileOf(l, p)!;
  // Both ends null: no interval at all (e.g. Artillery's DDSketch estimates, imported).
  if (e.lowMs === null && e.highMs === null)
    return `${ms(e.ms)} (no confidence interval, n = ${l.count.toLocaleString('en-US')})`;
  const ci =
    e.lowMs !== null && e.highMs !== null
      ? `${sig3(e.lowMs)}-${sig3(e.highMs)} ms`
      : e.lowMs !== null
        ? `${ms(e.lowMs)} and up`
        : `up to ${ms(e.highMs!)}`;
  return `${ms(e.ms)} (95 % CI ${ci}, n = ${l.count.toLocaleString('en-US')})`;
}

/**
 * Whether two cells' percentile `p` can be told apart: the confidence intervals do not overlap
 * and the difference exceeds the harness floor. Returns why not, or undefined.
 */
function indistinguishable(fast: E2eRun, slow: E2eRun, p: number, floorMs: number | undefined): string | undefined {
  const a = percentileOf(fast.latency.search, p)!;
  const b = percentileOf(slow.latency.search, p)!;
  if (floorMs !== undefined && b.ms - a.ms <= floorMs)
    return `the difference, ${ms(b.ms - a.ms)}, is within the ${ms(floorMs)} harness floor`;
  if (a.highMs === null || b.lowMs === null || a.highMs >= b.lowMs) return 'their 95 % intervals overlap';
  return undefined;
}

/**
 * The end-to-end findings: cells compared only at the same offered load, with enough searches
 * and nothing failed, capped, dropped or saturated; every other cell is named with what went
 * wrong. A difference is claimed only beyond both confidence intervals and the harness floor.
 */
function e2eFindings(r: Results, scenario: string, baseline: string | undefined): string[] {
  const out: string[] = [];
  const slice = headlineE2e(r, scenario);
  if (!slice) return out;
  const floor = harnessFloorMs(r);
  const ranked = slice.runs.filter((x) => unrankable(x).length === 0);
  const named = slice.runs.filter((x) => unrankable(x).length > 0);
  // The formats the batch-size finding follows: the fastest and the reference.
  let followed: E2eRun[] = ranked.slice(0, 1);
  if (ranked.length >= 2) {
    // Ranked by the median (every ranked cell has the samples for it); the p99 comparison is added when both have it.
    const value = (x: E2eRun, p: number): number => percentileOf(x.latency.search, p)!.ms;
    const sorted = [...ranked].sort((a, b) => value(a, 50) - value(b, 50));
    const fastest = sorted[0]!;
    const ref = ranked.find((x) => x.format === baseline && x !== fastest) ?? sorted[sorted.length - 1]!;
    followed = [fastest, ref];
    const compare = (p: number): string => {
      const why = indistinguishable(fastest, ref, p, floor);
      return `${withCi(fastest, p)} vs ${withCi(ref, p)} for ${code(ref.format)}${why ? `: not distinguishable, ${why}` : ` (${times(value(ref, p) / value(fastest, p))})`}`;
    };
    const tail =
      percentileOf(fastest.latency.search, 99) && percentileOf(ref.latency.search, 99) ? `; at p99 ${compare(99)}` : '';
    out.push(
      `End to end (${slice.conditions}), ${code(fastest.format)} answers a search in ${compare(50)} at the median${tail}. ` +
        `Within the ${ms(fastest.budgetMs)} budget: ${ranked.map((x) => `${code(x.format)} ${num(x.searches.withinBudget)} of ${num(x.searches.intended)}`).join(', ')}.`,
    );
  } else if (ranked.length === 1) {
    out.push(
      `End to end (${slice.conditions}), only ${code(ranked[0]!.format)} can be ranked: ${withCi(ranked[0]!, 50)} at the median, ${ranked[0]!.searches.withinBudget} of ${ranked[0]!.searches.intended} searches within ${ms(ranked[0]!.budgetMs)}.`,
    );
  }
  if (named.length > 0) {
    out.push(
      `Not ranked (${ranked.length > 0 ? 'same conditions' : slice.conditions}): ${named.map((x) => `${code(x.format)}: ${describeCell(x)}`).join('. ')}.`,
    );
  }
  if (slice.otherLoad.length > 0) {
    out.push(
      `Not compared with those, measured at another offered load: ${slice.otherLoad.map((x) => `${code(x.format)} (${loadLabel(x)})`).join(', ')}.`,
    );
  }

  // The batch-size comparison of the same format: only at one offered load, both cells rankable.
  const sweep = batchSweepRuns(r, scenario);
  const parts: string[] = [];
  const skipped: string[] = [];
  for (const f of followed.map((x) => x.format)) {
    const rs = (sweep?.runs ?? []).filter((x) => x.format === f).sort((a, b) => b.batchSize - a.batchSize);
    if (rs.length < 2) continue;
    const big = rs[0]!;
    const small = rs[rs.length - 1]!;
    if (loadKey(big) !== loadKey(small)) {
      skipped.push(
        `${code(f)} batch ${small.batchSize} and ${big.batchSize} ran at different offered loads (${loadLabel(small)} vs ${loadLabel(big)})`,
      );
      continue;
    }
    if (unrankable(big).length > 0 || unrankable(small).length > 0) {
      skipped.push(`${code(f)} batch ${small.batchSize} or ${big.batchSize} cannot be ranked`);
      continue;
    }
    const cpu = (x: E2eRun): number => x.cost.clientCpuMsPerSearch + x.cost.serverCpuMsPerSearch;
    parts.push(
      `${code(f)} median ${withCi(big, 50)} → ${withCi(small, 50)}, CPU per search ${ms(cpu(big))} → ${ms(cpu(small))}`,
    );
    if (parts.length === 1)
      parts[0] = `Splitting a search into batches of ${small.batchSize} instead of ${big.batchSize}: ${parts[0]}`;
  }
  if (parts.length > 0) out.push(`${parts.join('; ')}.`);
  if (skipped.length > 0) out.push(`Batch sizes not compared: ${skipped.join('; ')}.`);
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
