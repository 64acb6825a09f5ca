// Table models for the Markdown summary and the HTML report: sizes, CPU, per-codec CPU,
// end-to-end runs, sweeps and the environment. Cells are Markdown inline text.
import { percentileOf, type E2eRun, type LatencySummary, type Results } from '../results/index.js';
import { STAGE_LABELS } from './chart-breakdown.js';
import { byteUnit, timeUnit } from './chart-common.js';
import { floorSentence, intervalText, P99_MIN_SAMPLES, p99Text } from './micro-stats.js';
import { num, sig3 } from './number-format.js';
import { orderCodecs, orderFormats } from './palette.js';
import {
  codecsOf,
  formatsOf,
  loadLabel,
  microOf,
  MIN_RANKED_SEARCHES,
  parseBandwidthMbps,
  sizeOf,
  sweepOf,
} from './select.js';
import type { Table } from './types.js';

const L = 'left' as const;
const R = 'right' as const;

function bold(text: string, on: boolean): string {
  return on ? `**${text}**` : text;
}

/** Bytes per request per format (rows) and codec (columns); the smallest per row in bold. */
export function sizeTable(r: Results, scenario: string): Table | undefined {
  const formats = formatsOf(r, scenario).filter((f) => r.sizes.some((s) => s.scenario === scenario && s.format === f));
  if (formats.length === 0) return undefined;
  const codecs = codecsOf(r, scenario).filter((c) => c !== 'identity');
  const bu = byteUnit(r.sizes.filter((s) => s.scenario === scenario).map((s) => s.rawBytes));
  const shown = (bytes: number) => sig3(bytes * bu.factor);
  const rows = formats.map((f) => {
    const raw =
      sizeOf(r, scenario, f, 'identity')?.rawBytes ??
      r.sizes.find((s) => s.scenario === scenario && s.format === f)!.rawBytes;
    const cells = codecs.map((c) => sizeOf(r, scenario, f, c)?.compressedBytes);
    const min = Math.min(raw, ...cells.filter((x): x is number => x !== undefined));
    // Bold every cell that shows the same rounded value as the smallest.
    return [
      `\`${f}\``,
      bold(shown(raw), shown(raw) === shown(min)),
      ...cells.map((x) => (x === undefined ? '–' : bold(shown(x), shown(x) === shown(min)))),
    ];
  });
  return {
    title: `Bytes per request (${bu.unit})`,
    columns: [
      { label: 'format', align: L },
      { label: 'raw', align: R },
      ...codecs.map((c) => ({ label: c, align: R })),
    ],
    rows,
    note: `${bu.note}, on the wire for one request; the smallest per format in bold.`,
  };
}

/** Encode/decode medians, decode against the scenario's floor, totals (sums of medians), decode p99 and interval. */
export function cpuTable(r: Results, scenario: string): Table | undefined {
  const formats = formatsOf(r, scenario).filter(
    (f) => microOf(r, scenario, f, 'encode') || microOf(r, scenario, f, 'decode'),
  );
  if (formats.length === 0) return undefined;
  const codecs = codecsOf(r, scenario).filter((c) => c !== 'identity');
  const tu = timeUnit(r.micro.filter((m) => m.scenario === scenario && m.op === 'total').map((m) => m.stats.medianMs));
  const cell = (x: number | undefined) => (x === undefined ? '–' : sig3(x * tu.factor));
  const rows = formats.map((f) => {
    const enc = microOf(r, scenario, f, 'encode');
    const dec = microOf(r, scenario, f, 'decode');
    const total = microOf(r, scenario, f, 'total', 'identity');
    const best = codecs
      .map((c) => ({ c, t: microOf(r, scenario, f, 'total', c)?.stats.medianMs }))
      .filter((x): x is { c: string; t: number } => x.t !== undefined)
      .sort((a, b) => a.t - b.t)[0];
    return [
      `\`${f}\``,
      cell(enc?.stats.medianMs),
      cell(dec?.stats.medianMs),
      dec && dec.xFloor > 0 ? `${sig3(dec.xFloor)}x` : '–',
      cell(total?.stats.medianMs),
      best ? `${sig3(best.t * tu.factor)} (${best.c})` : '–',
      dec ? p99Text(dec.stats, tu.factor) : '–',
      dec ? `${intervalText(dec.stats)} / ${num(dec.stats.samples)}` : '–',
    ];
  });
  return {
    title: `CPU per request (${tu.unit}, median)`,
    columns: [
      { label: 'format', align: L },
      { label: 'encode', align: R },
      { label: 'decode', align: R },
      { label: 'decode ÷ floor', align: R },
      { label: 'total, identity (sum of medians)', align: R },
      { label: 'fastest total with a codec (sum of medians)', align: R },
      { label: 'decode p99', align: R },
      { label: 'decode 95 % CI / samples', align: R },
    ],
    rows,
    note:
      'total = the sum of the medians of encode + compress + decompress + decode of one request, on one core (each timed separately; ' +
      `a sum of medians, not a timed total, so it has no p99). ${floorSentence(r, scenario) ?? 'No floor was measured in this run'}. ` +
      `p99 is shown with >= ${P99_MIN_SAMPLES} samples; 95 % CI = Student's t over per-round medians (one round = one child process).`,
  };
}

/** encode + compress + decompress + decode per format and codec. */
export function codecCpuTable(r: Results, scenario: string): Table | undefined {
  const totals = r.micro.filter((m) => m.scenario === scenario && m.op === 'total');
  if (totals.length === 0) return undefined;
  const formats = orderFormats(totals.map((m) => m.format));
  const codecs = orderCodecs(totals.map((m) => m.codec));
  const tu = timeUnit(totals.map((m) => m.stats.medianMs));
  const rows = formats.map((f) => {
    const vals = codecs.map((c) => {
      const v = microOf(r, scenario, f, 'total', c)?.stats.medianMs;
      return v === undefined ? undefined : v * tu.factor;
    });
    const min = Math.min(...vals.filter((x): x is number => x !== undefined));
    return [`\`${f}\``, ...vals.map((v) => (v === undefined ? '–' : bold(sig3(v), sig3(v) === sig3(min))))];
  });
  return {
    title: `Total CPU per request by codec (${tu.unit}, sum of medians)`,
    columns: [{ label: 'format', align: L }, ...codecs.map((c) => ({ label: c, align: R }))],
    rows,
    note: 'sum of the medians of encode + compress + decompress + decode (each timed separately); the fastest per format in bold.',
  };
}

/** Percentile `p` of a latency summary: `12.4 [11.9, 13.0]` (95 % CI), `n/a (n=30)` when the sample does not support it. */
export function percentileText(l: LatencySummary, p: number, ci = true): string {
  if (l.count === 0) return '–';
  const e = percentileOf(l, p);
  if (!e) return `n/a (n=${l.count})`;
  const atCap = l.capped > 0 && e.ms >= l.maxMs ? '≥ ' : '';
  if (!ci) return `${atCap}${sig3(e.ms)}`;
  return `${atCap}${sig3(e.ms)} [${e.lowMs === null ? '–' : sig3(e.lowMs)}, ${e.highMs === null ? '–' : sig3(e.highMs)}]`;
}

/** What keeps a cell out of the rankings, in a few words (`ok` when nothing). */
function statusText(x: E2eRun): string {
  if (x.endReason === 'error') return 'not measured';
  const s = x.searches;
  const out: string[] = [];
  if (s.completed === 0) out.push('nothing completed');
  if (s.failed > 0) out.push(`${s.failed} failed`);
  if (s.capped > 0) out.push(`${s.capped} capped`);
  if (s.dropped > 0) out.push(`${s.dropped} dropped`);
  if (x.saturated) out.push('saturated');
  if (s.completed > 0 && x.latency.search.count < MIN_RANKED_SEARCHES) out.push(`only ${x.latency.search.count}`);
  return out.length ? out.join(', ') : 'ok';
}

/** One row per end-to-end run. */
export function e2eTable(r: Results, scenario: string, limit = Infinity): Table | undefined {
  const runs = (r.e2e ?? []).filter((x) => x.scenario === scenario);
  if (runs.length === 0) return undefined;
  const formats = orderFormats(runs.map((x) => x.format));
  const codecs = orderCodecs(runs.map((x) => x.compression));
  const sorted = [...runs].sort(
    (a, b) =>
      Number(a.bandwidth !== undefined) - Number(b.bandwidth !== undefined) ||
      b.batchSize - a.batchSize ||
      codecs.indexOf(a.compression) - codecs.indexOf(b.compression) ||
      (parseBandwidthMbps(b.bandwidth ?? '') ?? 0) - (parseBandwidthMbps(a.bandwidth ?? '') ?? 0) ||
      formats.indexOf(a.format) - formats.indexOf(b.format),
  );
  const shown = sorted.slice(0, limit);
  const budget = runs[0]!.budgetMs;
  const rows = shown.map((x) => [
    `\`${x.format}\``,
    x.compression,
    String(x.batchSize),
    x.bandwidth ?? 'unshaped',
    loadLabel(x).replace('closed loop, concurrency ', 'closed c=').replace('open loop, ', ''),
    x.endReason === 'error'
      ? '–'
      : `${x.searches.completed.toLocaleString('en-US')} / ${x.searches.intended.toLocaleString('en-US')}`,
    x.searches.intended === 0 ? '–' : `${num((x.searches.withinBudget / x.searches.intended) * 100)} %`,
    percentileText(x.latency.search, 50),
    percentileText(x.latency.search, 99),
    percentileText(x.latency.search, 99.9, false),
    x.endReason === 'error' ? '–' : sig3(x.achievedRate),
    x.endReason === 'error' ? '–' : sig3(x.cost.clientCpuMsPerSearch + x.cost.serverCpuMsPerSearch),
    statusText(x),
  ]);
  const more = sorted.length - shown.length;
  return {
    title: 'End-to-end runs',
    columns: [
      { label: 'format', align: L },
      { label: 'compression', align: L },
      { label: 'batch', align: R },
      { label: 'link', align: L },
      { label: 'offered load', align: L },
      { label: 'completed', align: R },
      { label: `within ${budget} ms`, align: R },
      { label: 'p50 ms [95 % CI]', align: R },
      { label: 'p99 ms [95 % CI]', align: R },
      { label: 'p99.9 ms', align: R },
      { label: 'searches/s', align: R },
      { label: 'CPU ms/search', align: R },
      { label: 'status', align: L },
    ],
    rows,
    note:
      'Search latency (all requests of one search answered) from its intended start, over every search: none is censored, a search cut at the hard cap counts at the cap (≥). ' +
      'A percentile is shown only when the sample supports it (p99: 100 searches, p99.9: 1,000), with its distribution-free 95 % interval. ' +
      'CPU = client + server per search; status = what keeps a cell out of the rankings (saturated: answers came > 10 % slower than offered, or latency kept growing through the run).' +
      (more > 0 ? ` ${more} more runs are in report.html and results.csv.` : ''),
  };
}

/** The harness floor: a no-op call per transport. */
export function harnessFloorTable(r: Results): Table | undefined {
  const floors = r.harnessFloor ?? [];
  if (floors.length === 0) return undefined;
  return {
    title: 'Harness floor (ms per call)',
    columns: [
      { label: 'transport', align: L },
      { label: 'call', align: L },
      { label: 'calls', align: R },
      { label: 'p50 [95 % CI]', align: R },
      { label: 'p99 [95 % CI]', align: R },
      { label: 'p50 after idle [95 % CI]', align: R },
      { label: 'client CPU', align: R },
      { label: 'server CPU', align: R },
    ],
    rows: floors.map((f) => [
      f.transport,
      f.call,
      num(f.calls),
      percentileText(f.latency, 50),
      percentileText(f.latency, 99),
      percentileText(f.idle.latency, 50),
      sig3(f.clientCpuMsPerCall),
      f.serverCpuMsPerCall === null ? 'unknown' : sig3(f.serverCpuMsPerCall),
    ]),
    note: 'A no-op call, one at a time, through the same client, transport and server process as the end-to-end runs: what the harness costs by itself, back to back and after an idle pause (as paced searches arrive; waking an idle process costs time too). Findings claim no difference smaller than the larger p50.',
  };
}

/** Where the median request's time goes, stage by stage, for the headline runs. */
export function breakdownTable(r: Results, scenario: string): Table | undefined {
  const runs = (r.e2e ?? []).filter((x) => x.scenario === scenario && x.breakdown !== null);
  if (runs.length === 0) return undefined;
  const cell = (v: number): string => sig3(v);
  // Injected delay only when a run had some (fault injection).
  const stages = STAGE_LABELS.filter(([k]) => k !== 'serverInjectedMs' || runs.some((x) => x.breakdown![k] > 0));
  return {
    title: "Where the median request's time goes (ms)",
    columns: [
      { label: 'format', align: L },
      { label: 'compression', align: L },
      { label: 'batch', align: R },
      { label: 'request', align: R },
      ...stages.map(([, label]) => ({ label, align: R })),
      { label: 'stages cover', align: R },
    ],
    rows: runs.map((x) => {
      const b = x.breakdown!;
      return [
        `\`${x.format}\``,
        x.compression,
        String(x.batchSize),
        cell(b.latencyMs),
        ...stages.map(([k]) => cell(b[k])),
        `${num(b.attributedShare * 100)} %`,
      ];
    }),
    note: "Mean of each stage over the requests between p45 and p55 of their own latency (encode start to response decoded); each stage is its own measurement, unattributed is what they leave (network and transport). Stages cover = share of the request's latency the stages account for.",
  };
}

/** One table per swept dimension: encode + decode ms per format and sweep value. */
export function sweepTables(r: Results, scenario: string): Table[] {
  const out: Table[] = [];
  for (const dimension of ['candidates', 'features'] as const) {
    const sweep = sweepOf(r, scenario, dimension);
    if (!sweep) continue;
    const values = [...new Set(sweep.records.map((s) => s.value))].sort((a, b) => a - b);
    const formats = orderFormats(sweep.records.map((s) => s.format));
    const tu = timeUnit(sweep.records.map((s) => s.totalMs));
    out.push({
      title: `Scaling with ${dimension} (encode + decode ${tu.unit}, median)`,
      columns: [{ label: 'format', align: L }, ...values.map((v) => ({ label: num(v), align: R }))],
      rows: formats.map((f) => [
        `\`${f}\``,
        ...values.map((v) => {
          const rec = sweep.records.find((s) => s.format === f && s.value === v);
          return rec ? sig3(rec.totalMs * tu.factor) : '–';
        }),
      ]),
      note: `codec ${sweep.codec}; columns are ${dimension} per request.`,
    });
  }
  return out;
}

/** Machine, runtime and package versions. */
export function envTable(r: Results): Table {
  const e = r.env;
  const rows: string[][] = [
    ['tool', `${r.tool.name} ${r.tool.version}`],
    ['created', r.createdAt],
    ['state', r.state],
    ['git commit', e.gitCommit ? `${e.gitCommit.slice(0, 12)}${e.gitDirty ? ' (dirty)' : ''}` : 'unknown'],
    ['node / v8 / zlib', `${e.node} / ${e.v8} / ${e.zlib}`],
    ['os', `${e.os} (${e.platform} ${e.arch})`],
    ['cpu', `${e.cpuModel}, ${e.cores} cores, ${num(e.totalMemGiB)} GiB`],
    [
      'packages',
      Object.entries(e.packages)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '–',
    ],
    [
      'codecs',
      Object.entries(e.codecVersions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '–',
    ],
  ];
  for (const s of r.scenarios) {
    rows.push([
      `scenario ${s.name}`,
      `${num(s.candidates)} candidates × ${s.features} features (${s.contextFeatures} context), seed ${s.seed}, ${s.fingerprint}`,
    ]);
  }
  return {
    title: 'Environment',
    columns: [
      { label: 'what', align: L },
      { label: 'value', align: L },
    ],
    rows,
  };
}
