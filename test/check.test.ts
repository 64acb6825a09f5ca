// The regression check on hand-built results: exact sizes, timing ratios with
// noise, confirmation by re-measure, incompatible baselines, the Markdown table.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { assertComparable, check, CheckError, confirm, mergeResults, renderCheckMarkdown } from '../src/check/index.js';
import { SCHEMA_VERSION, type MicroRecord, type Results } from '../src/results/index.js';

function micro(format: string, op: MicroRecord['op'], medianMs: number, floorMs: number, spread = 0.02, rmePct = 1.5): MicroRecord {
  return {
    scenario: 'etsy-search', format, codec: 'identity', op, bytes: 1_000_000,
    stats: { medianMs, meanMs: medianMs, p99Ms: medianMs * 1.2, minMs: medianMs * 0.95, maxMs: medianMs * 1.3, rmePct, samples: 200, roundMediansMs: [medianMs * (1 - spread), medianMs, medianMs * (1 + spread)] },
    xFloor: medianMs / floorMs,
  };
}

function results(opts: { decodeMs?: Record<string, number>; floorMs?: number; raw?: Record<string, number>; gz?: number; zstdVersion?: string; spread?: number; calibrationMs?: number } = {}): Results {
  const floor = opts.floorMs ?? 0.05;
  const decode = { 'tf-example': 50, 'tensor-content': 0.6, ...opts.decodeMs };
  const raw = { 'tf-example': 10_849_115, 'tensor-content': 1_693_413, ...opts.raw };
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'payload-bench', version: '0.1.0' },
    createdAt: '2026-11-22T00:00:00.000Z',
    env: {
      node: 'v20.20.2', v8: '11.3', zlib: '1.3.1', platform: 'linux', arch: 'x64', os: 'Linux', cpuModel: 'test', cores: 2, totalMemGiB: 24,
      packages: {}, codecVersions: { gzip: 'node:zlib 1.3.1', zstd: opts.zstdVersion ?? 'zstd-napi 0.0.13' }, gitCommit: null, gitDirty: null,
    },
    config: {},
    scenarios: [{ name: 'etsy-search', description: '', candidates: 1000, features: 300, contextFeatures: 30, seed: 1, fingerprint: 'abc' }],
    sizes: Object.entries(raw).flatMap(([format, rawBytes]) => [
      { scenario: 'etsy-search', format, codec: 'identity', rawBytes, compressedBytes: rawBytes },
      { scenario: 'etsy-search', format, codec: 'gzip:6', rawBytes, compressedBytes: opts.gz ?? Math.round(rawBytes / 4) },
      { scenario: 'etsy-search', format, codec: 'zstd:1', rawBytes, compressedBytes: Math.round(rawBytes / 5) },
    ]),
    micro: Object.entries(decode).flatMap(([format, ms]) => [
      micro(format, 'decode', ms, floor, opts.spread),
      micro(format, 'encode', ms / 2, floor, opts.spread),
      ...(opts.calibrationMs ? [micro(format, 'calibration', opts.calibrationMs, floor, 0.01)] : []),
    ]),
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
    assert.match(renderCheckMarkdown(r), /\| etsy-search \| tensor-content \| identity \| raw \| 1,693,413 \| 1,693,414 \| \+1 \(\+0.00%\) \| \*\*CHANGED\*\*/);
  });
  it('compressed sizes compare exactly when codec versions match, and are only reported when they differ', () => {
    assert.equal(check(results(), results({ gz: 123 })).exitCode, 1);
    const r = check(results(), results({ zstdVersion: 'zstd-napi 0.0.14' }));
    assert.equal(r.exitCode, 0);
    assert.ok(r.rows.some((x) => x.codec === 'zstd:1' && x.verdict === 'not-compared' && /codec library differs/.test(x.note!)));
    assert.ok(r.warnings.some((w) => /not compared/.test(w)));
  });
});

describe('check: timings as in-run ratios', () => {
  it('a uniformly slower machine (everything 2x, floor too) passes', () => {
    const slow = results({ decodeMs: { 'tf-example': 100, 'tensor-content': 1.2 }, floorMs: 0.1 });
    assert.equal(check(results(), slow).exitCode, 0);
  });
  it('a ratio change within noise passes', () => {
    const r = check(results(), results({ decodeMs: { 'tf-example': 55 } }));
    assert.equal(r.exitCode, 0);
    assert.equal(r.rows.find((x) => x.format === 'tf-example' && x.metric === 'decode x floor')!.verdict, 'pass');
  });
  it('a change above the threshold whose interval excludes no change is a suspect; confirmed by a re-measure it fails', () => {
    const slowed = results({ decodeMs: { 'tensor-content': 1.2 } });
    const first = check(results(), slowed);
    assert.equal(first.exitCode, 1);
    assert.deepEqual(first.suspects.map((s) => `${s.format} ${s.metric}`), ['tensor-content decode x floor', 'tensor-content encode x floor']);
    const second = check(results(), results({ decodeMs: { 'tensor-content': 1.15 } }));
    const final = confirm(first, second);
    assert.equal(final.exitCode, 1);
    assert.match(final.headline, /2 timing regression\(s\) confirmed by a re-measure/);
  });
  it('a false alarm that does not repeat in the re-measure passes', () => {
    const first = check(results(), results({ decodeMs: { 'tensor-content': 1.2 } }));
    const final = confirm(first, check(results(), results()));
    assert.equal(final.exitCode, 0);
    assert.match(final.rows.find((x) => x.format === 'tensor-content' && x.metric === 'decode x floor')!.note!, /not confirmed by a re-measure/);
  });
  it('a large change in a run whose rounds disagree is "noisy": exit 0 with a warning, non-zero under --strict', () => {
    const noisy = results({ decodeMs: { 'tensor-content': 1.0 }, spread: 0.6 });
    const r = check(results(), noisy);
    assert.equal(r.rows.find((x) => x.format === 'tensor-content' && x.metric === 'decode x floor')!.verdict, 'noisy');
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

describe('check: the calibration workload is the ruler', () => {
  it('CPU steal that slows compute 1.6x but not memcpy passes with calibration, and would fail against the floor', () => {
    const base = results({ calibrationMs: 2 });
    const stolen = results({ decodeMs: { 'tf-example': 80, 'tensor-content': 0.96 }, calibrationMs: 3.2 });
    const r = check(base, stolen);
    assert.equal(r.exitCode, 0);
    assert.ok(r.rows.some((x) => x.metric === 'decode x calibration'));
    const floorOnly = check(results(), results({ decodeMs: { 'tf-example': 80, 'tensor-content': 0.96 } }));
    assert.equal(floorOnly.exitCode, 1);
  });
  it('one format slowed while the calibration holds still fails', () => {
    const r = check(results({ calibrationMs: 2 }), results({ decodeMs: { 'tensor-content': 1.2 }, calibrationMs: 2 }));
    assert.equal(r.exitCode, 1);
    assert.deepEqual(r.suspects.map((x) => `${x.format} ${x.metric}`), ['tensor-content decode x calibration', 'tensor-content encode x calibration']);
  });
});

describe('check: baseline compatibility', () => {
  it('a baseline from another schema version is exit 3 with a message', () => {
    const old = { ...results(), schemaVersion: 0 };
    assert.throws(() => assertComparable(old, results()), (e: Error) => e instanceof CheckError && e.exitCode === 3 && /schema version 0.*regenerate it with --update-baseline/.test(e.message));
  });
  it('a baseline of other scenarios is exit 3', () => {
    const other = results();
    other.scenarios = [{ ...other.scenarios[0]!, name: 'ctr-small' }];
    assert.throws(() => assertComparable(other, results()), (e: Error) => e instanceof CheckError && e.exitCode === 3 && /nothing to compare/.test(e.message));
  });
  it('an interrupted current run is exit 4', () => {
    assert.equal(check(results(), { ...results(), state: 'interrupted' }).exitCode, 4);
  });
  it('new formats are reported as missing from the baseline, not failed', () => {
    const more = results({ raw: { 'elwc': 9_730_224 } });
    const r = check(results(), more);
    assert.equal(r.exitCode, 0);
    assert.ok(r.rows.some((x) => x.format === 'elwc' && x.verdict === 'missing'));
  });
});

describe('check: baselines merged from several runs', () => {
  it('take the median ratio and pool the rounds, so one lucky run does not set the bar', () => {
    const merged = mergeResults([results({ decodeMs: { 'tensor-content': 0.4 } }), results(), results({ decodeMs: { 'tensor-content': 0.7 } })]);
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
    const first = check(results(), results({ raw: { 'tensor-content': 1_700_000 }, decodeMs: { 'tensor-content': 1.2 } }));
    const md = renderCheckMarkdown(first);
    const golden = new URL('./golden/check.md', import.meta.url);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, md);
    assert.equal(md, readFileSync(golden, 'utf8'));
  });
});
