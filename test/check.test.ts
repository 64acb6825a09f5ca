// The regression check on hand-built results: exact sizes, timing ratios with
// noise, confirmation by re-measure, incompatible baselines, the Markdown table.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  assertComparable,
  check,
  CheckError,
  confirm,
  mergeResults,
  ratioChangeInterval,
  renderCheckMarkdown,
  t975,
} from '../src/check/index.js';
import { SCHEMA_VERSION, type MicroRecord, type Results } from '../src/results/index.js';

function micro(
  format: string,
  op: MicroRecord['op'],
  medianMs: number,
  floorMs: number,
  spread = 0.02,
  rmePct = 1.5,
  rounds?: number[],
): MicroRecord {
  const r = rounds ?? [medianMs * (1 - spread), medianMs, medianMs * (1 + spread)];
  const m = rounds ? [...rounds].sort((a, b) => a - b)[rounds.length >> 1]! : medianMs;
  return {
    scenario: 'etsy-search',
    format,
    codec: 'identity',
    op,
    bytes: 1_000_000,
    stats: {
      medianMs: m,
      meanMs: m,
      p99Ms: Math.max(...r) * 1.2,
      minMs: Math.min(...r) * 0.95,
      maxMs: Math.max(...r) * 1.3,
      rmePct,
      samples: 200,
      roundMediansMs: r,
    },
    xFloor: m / floorMs,
  };
}

/**
 * Real per-round medians (ms) from results/latest.json: round i of an op and of the calibration
 * workload come from the same child process. tensor-content encode is bimodal across processes.
 */
const REAL = {
  tensorContentEncode: { op: [0.494, 0.949, 1.72], cal: [2.17, 3.61, 3.42] },
  tfExampleDecode: { op: [54.9, 49.8, 53.1], cal: [2.15, 2.03, 2.75] },
};

/** Per `format op`: its round medians, and (per format) the calibration's. */
type RoundsOverride = Record<string, { op: number[]; cal?: number[] }>;

function results(
  opts: {
    decodeMs?: Record<string, number>;
    floorMs?: number;
    raw?: Record<string, number>;
    gz?: number;
    zstdVersion?: string;
    spread?: number;
    calibrationMs?: number | null;
    rounds?: RoundsOverride;
  } = {},
): Results {
  const floor = opts.floorMs ?? 0.05;
  const decode = { 'tf-example': 50, 'tensor-content': 0.6, ...opts.decodeMs };
  const raw = { 'tf-example': 10_849_115, 'tensor-content': 1_693_413, ...opts.raw };
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'payload-bench', version: '0.1.0' },
    createdAt: '2026-11-22T00:00:00.000Z',
    env: {
      node: 'v20.20.2',
      v8: '11.3',
      zlib: '1.3.1',
      platform: 'linux',
      arch: 'x64',
      os: 'Linux',
      cpuModel: 'test',
      cores: 2,
      totalMemGiB: 24,
      packages: {},
      codecVersions: { gzip: 'node:zlib 1.3.1', zstd: opts.zstdVersion ?? 'zstd-napi 0.0.13' },
      gitCommit: null,
      gitDirty: null,
    },
    config: {},
    scenarios: [
      {
        name: 'etsy-search',
        description: '',
        candidates: 1000,
        features: 300,
        contextFeatures: 30,
        seed: 1,
        fingerprint: 'abc',
      },
    ],
    sizes: Object.entries(raw).flatMap(([format, rawBytes]) => [
      { scenario: 'etsy-search', format, codec: 'identity', rawBytes, compressedBytes: rawBytes },
      {
        scenario: 'etsy-search',
        format,
        codec: 'gzip:6',
        rawBytes,
        compressedBytes: opts.gz ?? Math.round(rawBytes / 4),
      },
      { scenario: 'etsy-search', format, codec: 'zstd:1', rawBytes, compressedBytes: Math.round(rawBytes / 5) },
    ]),
    micro: Object.entries(decode).flatMap(([format, ms]) => {
      const ro = (op: string) => opts.rounds?.[`${format} ${op}`];
      const cal = ro('decode')?.cal ?? ro('encode')?.cal;
      const calMs = opts.calibrationMs === undefined ? 2 : opts.calibrationMs;
      return [
        micro(format, 'decode', ms, floor, opts.spread, 1.5, ro('decode')?.op),
        micro(format, 'encode', ms / 2, floor, opts.spread, 1.5, ro('encode')?.op),
        ...(calMs !== null ? [micro(format, 'calibration', calMs, floor, 0.01, 1.5, cal)] : []),
      ];
    }),
    state: 'complete',
    warnings: [],
  };
}

describe('check: deterministic sizes', () => {
  it('identical results pass with exit 0', () => {
    const r = check(results(), results());
    assert.equal(r.exitCode, 0);
    assert.match(r.headline, /^pass: \d+ figures compared, no regression/);
  });
  it('a one-byte change in a raw size fails, with old, new and delta', () => {
    const r = check(results(), results({ raw: { 'tensor-content': 1_693_414 } }));
    assert.equal(r.exitCode, 1);
    const row = r.rows.find((x) => x.kind === 'bytes' && x.format === 'tensor-content')!;
    assert.equal(row.verdict, 'changed');
    assert.deepEqual([row.baseline, row.current], [1_693_413, 1_693_414]);
    assert.match(
      renderCheckMarkdown(r),
      /\| etsy-search \| tensor-content \| identity \| raw \| 1,693,413 \| 1,693,414 \| \+1 \(\+0.00%\) \| \*\*CHANGED\*\*/,
    );
  });
  it('compressed sizes compare exactly when codec versions match, and are only reported when they differ', () => {
    assert.equal(check(results(), results({ gz: 123 })).exitCode, 1);
    const r = check(results(), results({ zstdVersion: 'zstd-napi 0.0.14' }));
    assert.equal(r.exitCode, 0);
    assert.ok(
      r.rows.some((x) => x.codec === 'zstd:1' && x.verdict === 'not-compared' && /codec library differs/.test(x.note!)),
    );
    assert.ok(r.warnings.some((w) => /not compared/.test(w)));
  });
});

describe('check: timings as ratios to the calibration workload, with a 95 % interval over rounds', () => {
  const times = (xs: number[], f: number[]) => xs.map((x, i) => x * f[i]!);
  it('a uniformly slower machine passes; the same slowdown of the op alone fails', () => {
    // Real rounds; every round of the current run is slower by its own factor (a busier machine
    // differs per process), op and calibration alike, inside compareTimings' reach: nothing is pre-divided.
    const r = REAL.tfExampleDecode;
    const machine = [1.5, 2.2, 1.8];
    const base = results({ rounds: { 'tf-example decode': r } });
    const slow = results({ rounds: { 'tf-example decode': { op: times(r.op, machine), cal: times(r.cal, machine) } } });
    const pass = check(base, slow);
    const row = pass.rows.find((x) => x.format === 'tf-example' && x.metric === 'decode x calibration')!;
    // Real rounds of 3 processes a side: its 95 % interval is wider than 25 %, so "noisy" is the honest verdict.
    assert.ok(row.verdict === 'pass' || row.verdict === 'noisy', row.verdict);
    assert.ok(Math.abs(row.change!) < 1e-9, `ratio change ${row.change}`);
    assert.equal(pass.exitCode, 0);
    // The op slowed by the same factors while the calibration holds still: a real regression.
    const opOnly = check(base, results({ rounds: { 'tf-example decode': { op: times(r.op, machine), cal: r.cal } } }));
    assert.equal(
      opOnly.rows.find((x) => x.format === 'tf-example' && x.metric === 'decode x calibration')!.verdict,
      'regression',
    );
    assert.equal(opOnly.exitCode, 1);
  });
  it('within noise passes, and not on the threshold alone: a change above the threshold whose interval includes 0', () => {
    // The same bimodal op (0.494 / 0.949 / 1.72 ms), its rounds landing differently in the current run.
    const r = REAL.tensorContentEncode;
    const base = results({ rounds: { 'tensor-content encode': r } });
    const cur = results({ rounds: { 'tensor-content encode': { op: [1.72, 0.949, 1.72], cal: r.cal } } });
    const rep = check(base, cur);
    const row = rep.rows.find((x) => x.format === 'tensor-content' && x.metric === 'encode x calibration')!;
    assert.ok(row.change! > 0.25, `change ${row.change} should exceed the 25 % threshold`);
    assert.notEqual(row.verdict, 'regression');
    assert.equal(row.verdict, 'noisy');
    assert.match(row.note!, /95% interval \(t over rounds, df [\d.]+\) -\d/);
    assert.equal(rep.exitCode, 0);
    assert.equal(check(base, cur, { strict: true }).exitCode, 1);
  });
  it("the interval is Welch's t over per-round log ratios (not +/-1 sigma)", () => {
    const iv = ratioChangeInterval([0.1, 0.2, 0.3], [0.4, 0.5, 0.6])!;
    // d = 0.3, se = sqrt(0.01/3 + 0.01/3), df = 4, t(0.975, 4) = 2.776
    assert.ok(Math.abs(iv.df - 4) < 1e-9, `df ${iv.df}`);
    const h = 2.776 * Math.sqrt(0.02 / 3);
    assert.ok(Math.abs(iv.lower - (Math.exp(0.3 - h) - 1)) < 1e-12, `lower ${iv.lower}`);
    assert.ok(Math.abs(iv.upper - (Math.exp(0.3 + h) - 1)) < 1e-12, `upper ${iv.upper}`);
    assert.equal(t975(1), 12.706);
    assert.equal(ratioChangeInterval([0.1], [0.2, 0.3]), undefined);
  });
  it('a change above the threshold whose interval excludes no change is a suspect; confirmed by a re-measure it fails', () => {
    const slowed = results({ decodeMs: { 'tensor-content': 1.2 } });
    const first = check(results(), slowed);
    assert.equal(first.exitCode, 1);
    assert.deepEqual(
      first.suspects.map((s) => `${s.format} ${s.metric}`),
      ['tensor-content decode x calibration', 'tensor-content encode x calibration'],
    );
    const second = check(results(), results({ decodeMs: { 'tensor-content': 1.15 } }));
    const final = confirm(first, second);
    assert.equal(final.exitCode, 1);
    assert.match(final.headline, /2 timing regression\(s\) confirmed by a re-measure/);
  });
  it('a false alarm that does not repeat in the re-measure passes', () => {
    const first = check(results(), results({ decodeMs: { 'tensor-content': 1.2 } }));
    const final = confirm(first, check(results(), results()));
    assert.equal(final.exitCode, 0);
    assert.match(
      final.rows.find((x) => x.format === 'tensor-content' && x.metric === 'decode x calibration')!.note!,
      /not confirmed by a re-measure/,
    );
  });
  it('a large change in a run whose rounds disagree is "noisy": exit 0 with a warning, non-zero under --strict', () => {
    const noisy = results({ decodeMs: { 'tensor-content': 1.0 }, spread: 0.6 });
    const r = check(results(), noisy);
    assert.equal(
      r.rows.find((x) => x.format === 'tensor-content' && x.metric === 'decode x calibration')!.verdict,
      'noisy',
    );
    assert.equal(r.exitCode, 0);
    assert.ok(r.warnings.some((w) => /too noisy/.test(w)));
    assert.equal(check(results(), noisy, { strict: true }).exitCode, 1);
  });
  it('--threshold moves the line', () => {
    const slowed = results({ decodeMs: { 'tensor-content': 0.8 } }); // +33%
    assert.equal(check(results(), slowed).exitCode, 1);
    assert.equal(check(results(), slowed, { threshold: 0.5 }).exitCode, 0);
  });
  it('sizes-only mode ignores timings', () => {
    assert.equal(check(results(), results({ decodeMs: { 'tensor-content': 5 } }), { timings: false }).exitCode, 0);
  });
});

describe('check: the calibration workload is the ruler, not the memcpy floor', () => {
  it('CPU steal that slows compute 1.6x but not memcpy passes with calibration, and would fail against the floor', () => {
    const base = results({ calibrationMs: 2 });
    const stolen = results({ decodeMs: { 'tf-example': 80, 'tensor-content': 0.96 }, calibrationMs: 3.2 });
    const r = check(base, stolen);
    assert.equal(r.exitCode, 0);
    assert.ok(r.rows.some((x) => x.metric === 'decode x calibration'));
    const floorOnly = check(
      results({ calibrationMs: null }),
      results({ decodeMs: { 'tf-example': 80, 'tensor-content': 0.96 }, calibrationMs: null }),
    );
    assert.equal(floorOnly.exitCode, 1);
    assert.ok(floorOnly.rows.some((x) => x.metric === 'decode x floor'));
  });
  it('one format slowed while the calibration holds still fails', () => {
    const r = check(results({ calibrationMs: 2 }), results({ decodeMs: { 'tensor-content': 1.2 }, calibrationMs: 2 }));
    assert.equal(r.exitCode, 1);
    assert.deepEqual(
      r.suspects.map((x) => `${x.format} ${x.metric}`),
      ['tensor-content decode x calibration', 'tensor-content encode x calibration'],
    );
  });
});

describe('check: baseline compatibility', () => {
  it('a baseline from another schema version is exit 3 with a message', () => {
    const old = { ...results(), schemaVersion: 0 };
    assert.throws(
      () => assertComparable(old, results()),
      (e: Error) =>
        e instanceof CheckError &&
        e.exitCode === 3 &&
        /schema version 0.*regenerate it with --update-baseline/.test(e.message),
    );
  });
  it('a baseline of other scenarios is exit 3', () => {
    const other = results();
    other.scenarios = [{ ...other.scenarios[0]!, name: 'ctr-small' }];
    assert.throws(
      () => assertComparable(other, results()),
      (e: Error) => e instanceof CheckError && e.exitCode === 3 && /nothing to compare/.test(e.message),
    );
  });
  it('an interrupted current run is exit 4', () => {
    assert.equal(check(results(), { ...results(), state: 'interrupted' }).exitCode, 4);
  });
  it('new formats are reported as missing from the baseline, not failed', () => {
    const more = results({ raw: { elwc: 9_730_224 } });
    const r = check(results(), more);
    assert.equal(r.exitCode, 0);
    assert.ok(r.rows.some((x) => x.format === 'elwc' && x.verdict === 'missing'));
  });
});

describe('check: baselines merged from several runs', () => {
  it('take the median ratio and pool the rounds, so one lucky run does not set the bar', () => {
    const merged = mergeResults([
      results({ decodeMs: { 'tensor-content': 0.4 } }),
      results(),
      results({ decodeMs: { 'tensor-content': 0.7 } }),
    ]);
    const m = merged.micro.find((x) => x.format === 'tensor-content' && x.op === 'decode')!;
    assert.equal(m.xFloor, 0.6 / 0.05);
    assert.equal(m.stats.roundMediansMs.length, 9);
    assert.ok(merged.warnings.some((w) => /merged from 3 runs/.test(w)));
  });
  it('refuse runs whose sizes disagree', () => {
    assert.throws(() => mergeResults([results(), results({ gz: 5 })]), /disagree on payload sizes/);
  });
});

describe('check: Markdown table (golden)', () => {
  it('renders as expected', () => {
    const first = check(
      results(),
      results({ raw: { 'tensor-content': 1_700_000 }, decodeMs: { 'tensor-content': 1.2 } }),
    );
    const md = renderCheckMarkdown(first);
    const golden = new URL('./golden/check.md', import.meta.url);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, md);
    assert.equal(md, readFileSync(golden, 'utf8'));
  });
});
