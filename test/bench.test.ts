// Bench tests: argument parsing (values and exit code 2), the results of small real runs
// (complete matrix, finite stats, strict schema), interruption, the round-trip guard,
// statistics, and the Markdown summary against a golden string. No timing is asserted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  DEFAULT_CODECS,
  DEFAULT_PLAN,
  QUICK_PLAN,
  assertResults,
  downsample,
  planJobs,
  poolRounds,
  renderConsole,
  runBench,
  runMatrix,
  scaleScenario,
  sumOfMedians,
  hasP99,
  logicalTensorBytes,
  P99_MIN_SAMPLES,
  summarize,
  validateResults,
  verifyRoundTrips,
  VerificationError,
  type BenchConfig,
  type MeasurePlan,
} from '../src/bench/index.js';
import { BENCH_USAGE } from '../src/args/bench-args.js';
import { parseBenchArgs } from '../src/args/bench-args.js';
import { writeResults } from '../src/report/index.js';
import { sig3 } from '../src/report/number-format.js';
import { peersTable } from '../src/report/table-peers.js';
import { parseCodec, type Codec } from '../src/codecs/index.js';
import { FORMATS, getFormat, type Format } from '../src/formats/index.js';
import { SCHEMA_VERSION, type Results, type Stats } from '../src/results/index.js';
import { generate, loadScenario } from '../src/scenario/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const TMP = mkdtempSync(join(tmpdir(), 'payload-bench-test-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

/** Just enough measuring to exercise every path: ~1 ms per op. */
const TINY_PLAN: MeasurePlan = { rounds: 1, timeMs: 1, minSamples: 2, warmupMs: 1, warmupSamples: 1 };

function config(overrides: Partial<BenchConfig>): BenchConfig {
  const parsed = parseBenchArgs([]);
  assert.equal(parsed.kind, 'run');
  return { ...(parsed as { config: BenchConfig }).config, plan: TINY_PLAN, out: join(TMP, 'out'), ...overrides };
}

function runCli(script: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('parseBenchArgs', () => {
  it('defaults to etsy-search, every format but the opt-in ones, the default codecs and plan', () => {
    const p = parseBenchArgs([]);
    assert.equal(p.kind, 'run');
    if (p.kind !== 'run') return;
    assert.deepEqual(p.config.scenarios, ['etsy-search']);
    assert.deepEqual(
      p.config.formats,
      FORMATS.map((f) => f.id).filter((id) => id !== 'oip-typed' && id !== 'oip-json'),
    );
    assert.deepEqual(p.config.codecs, DEFAULT_CODECS.split(','));
    assert.deepEqual(p.config.plan, DEFAULT_PLAN);
    assert.equal(p.config.out, 'results');
    assert.equal(p.config.json, false);
    assert.equal(p.config.candidates, null);
    assert.equal(p.config.seed, null);
    assert.deepEqual(p.config.sweeps, []);
  });

  it('parses every option', () => {
    const p = parseBenchArgs([
      '--quick',
      '--scenario',
      'tiny',
      '--scenario',
      'bench/scenarios/ctr-small.json',
      '--formats',
      'elwc,tf-example',
      '--codecs',
      'identity, gzip:1,zstd',
      '--candidates',
      '50',
      '--seed',
      '9',
      '--out',
      'x/y',
      '--json',
      '--sweep',
      'candidates=100,10',
      '--sweep',
      'features=5',
      '--rounds',
      '2',
      '--time-ms',
      '15',
      '--min-samples',
      '4',
    ]);
    assert.equal(p.kind, 'run');
    if (p.kind !== 'run') return;
    const c = p.config;
    assert.deepEqual(c.scenarios, ['tiny', 'bench/scenarios/ctr-small.json']);
    assert.deepEqual(c.formats, ['elwc', 'tf-example']);
    assert.deepEqual(c.codecs, ['identity', 'gzip:1', 'zstd:3']);
    assert.equal(c.candidates, 50);
    assert.equal(c.seed, 9);
    assert.equal(c.out, 'x/y');
    assert.equal(c.json, true);
    assert.equal(c.quick, true);
    assert.deepEqual(c.sweeps, [
      { dimension: 'candidates', values: [10, 100] },
      { dimension: 'features', values: [5] },
    ]);
    assert.deepEqual(c.plan, { ...QUICK_PLAN, rounds: 2, timeMs: 15, minSamples: 4 });
  });

  it('--quick selects the quick plan', () => {
    const p = parseBenchArgs(['--quick']);
    assert.ok(p.kind === 'run' && p.config.plan.rounds === QUICK_PLAN.rounds && p.config.quick);
  });

  it('--help returns the usage text', () => {
    assert.deepEqual(parseBenchArgs(['--help']), { kind: 'help', text: BENCH_USAGE });
    assert.deepEqual(parseBenchArgs(['-h']), { kind: 'help', text: BENCH_USAGE });
  });

  const bad: [string[], RegExp][] = [
    [['--bogus'], /unknown option "--bogus"/],
    [['--formats'], /--formats: expected a value, got nothing/],
    [['--formats', 'json-rows,nope'], /unknown format "nope" \(formats: json-rows, /],
    [['--formats', 'elwc,elwc'], /format "elwc" is listed twice/],
    [['--codecs', 'gzip:42'], /codec gzip: level 42 out of range 1\.\.9/],
    [['--codecs', 'snappy'], /unknown codec "snappy"/],
    [['--codecs', 'gzip:6,gzip:6'], /gzip:6 appears twice/],
    [['--candidates', '0'], /--candidates: expected an integer from 1 to 1000000, got "0"/],
    [['--candidates', 'ten'], /--candidates: expected an integer from 1 to 1000000, got "ten"/],
    [['--seed=-1'], /--seed: expected an integer from 0 to 4294967295, got "-1"/],
    [['--seed', '-1'], /--seed: expected a value, got "-\d+" \(a value starting with "-" is written --seed=<value>\)/],
    [['--sweep', 'rows=1,2'], /--sweep: unknown dimension "rows" \(expected candidates or features\)/],
    [['--sweep', 'candidates'], /--sweep: expected <dimension>=<v1,v2,...>/],
    [['--sweep', 'candidates=10,,100'], /--sweep candidates: expected a comma-separated list of integers/],
    [['--sweep', 'candidates=10', '--sweep', 'candidates=20'], /dimension "candidates" is given twice/],
    [['--sweep', 'features=0'], /--sweep features: expected an integer from 1 to 100000, got "0"/],
    [['--scenario', 'tiny', '--scenario', 'tiny'], /--scenario: "tiny" is given twice/],
    [['--rounds', '0'], /--rounds: expected an integer from 1 to 20, got "0"/],
    [['--quick=yes'], /--quick: is a switch and takes no value/],
    [['tiny'], /unexpected argument "tiny"/],
  ];
  for (const [args, re] of bad) {
    it(`rejects ${args.join(' ')} with exit code 2`, () => {
      const p = parseBenchArgs(args);
      assert.equal(p.kind, 'error');
      if (p.kind !== 'error') return;
      assert.equal(p.exitCode, 2);
      assert.match(p.message, re);
    });
  }
});

describe('npm run bench command line', () => {
  it('exits 2 with a clear message on a bad option, without measuring', () => {
    const r = runCli('src/cli/commands/bench.ts', ['--formats', 'nope', '--out', join(TMP, 'never')]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /bench: unknown format "nope"/);
    assert.match(r.stderr, /--help/);
  });

  it('exits 2 on an unknown scenario preset and on a missing scenario file', () => {
    const r = runCli('src/cli/commands/bench.ts', ['--scenario', 'no-such-preset', '--out', join(TMP, 'never')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown scenario preset "no-such-preset" \(presets: .*etsy-search/);
    const f = runCli('src/cli/commands/bench.ts', ['--scenario', 'missing/file.json', '--out', join(TMP, 'never')]);
    assert.equal(f.status, 2);
    assert.match(f.stderr, /scenario file not found: missing\/file\.json/);
  });

  it('--json prints the results JSON and nothing else on stdout', () => {
    const out = join(TMP, 'cli-json');
    const r = runCli('src/cli/commands/bench.ts', [
      '--json',
      '--scenario',
      'tiny',
      '--formats',
      'tensor-content',
      '--codecs',
      'identity,gzip:1',
      '--rounds',
      '1',
      '--time-ms',
      '1',
      '--min-samples',
      '2',
      '--out',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const results = assertResults(JSON.parse(r.stdout));
    assert.equal(results.state, 'complete');
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')), results);
    assert.match(r.stderr, /tensor-content/); // progress and the table went to stderr
  });
});

describe('--peers', () => {
  it('is off by default and on with the flag', () => {
    const off = parseBenchArgs([]);
    const on = parseBenchArgs(['--peers']);
    assert.ok(off.kind === 'run' && on.kind === 'run');
    if (off.kind !== 'run' || on.kind !== 'run') return;
    assert.equal(off.config.peers, false);
    assert.equal(on.config.peers, true);
  });

  it('measures ours and every peer in the same children, into a valid peers section', async () => {
    const results = await runBench(
      config({ scenarios: ['tiny'], formats: ['tensor-content', 'json-columnar'], codecs: ['identity'], peers: true }),
    );
    assert.deepEqual(validateResults(results), []);
    const peers = results.peers!;
    const impls = (format: string, op: string) =>
      peers.records.filter((p) => p.format === format && p.op === op).map((p) => p.impl);
    assert.deepEqual(impls('tensor-content', 'decode'), ['ours', 'copy', 'protobufjs', 'protobuf-es']);
    assert.deepEqual(impls('tensor-content', 'encode'), ['ours', 'ours-prebuilt', 'protobufjs', 'protobuf-es']);
    assert.deepEqual(impls('json-columnar', 'encode'), ['ours', 'JSON']);
    // The table shows ours on a prebuilt message against the fastest peer, like for like.
    const table = peersTable(results, 'tiny')!;
    assert.equal(table.columns.at(-1)!.label, 'ours on a prebuilt message (÷ fastest peer)');
    const row = table.rows.find((r) => r[0] === '`tensor-content`' && r[1] === 'encode')!;
    const pre = peers.records.find((p) => p.format === 'tensor-content' && p.impl === 'ours-prebuilt')!;
    const fastest = Math.min(
      ...peers.records
        .filter((p) => p.format === 'tensor-content' && p.op === 'encode' && p.impl.startsWith('protobuf'))
        .map((p) => p.stats.medianMs),
    );
    assert.ok(row.at(-1)!.endsWith(`(**${sig3(pre.stats.medianMs / fastest)}**)`), row.at(-1));
    assert.equal(table.rows.find((r) => r[0] === '`json-columnar`' && r[1] === 'encode')!.at(-1), '–');
    assert.deepEqual(impls('json-columnar', 'decode'), ['ours', 'copy', 'JSON']);
    for (const p of peers.records) {
      const ours = peers.records.find((x) => x.format === p.format && x.op === p.op && x.impl === 'ours')!;
      assert.ok(Math.abs(p.oursRatio - ours.stats.medianMs / p.stats.medianMs) < 1e-9, `${p.format} ${p.op} ${p.impl}`);
      // "ours" was timed again, interleaved with the peers (not the micro record, timed alone),
      // with at least the run's samples per round, like the references; the peers need one fewer.
      const min = TINY_PLAN.minSamples;
      if (p.impl === 'ours' || p.impl === 'copy' || p.impl === 'ours-prebuilt') {
        assert.ok(p.stats.samples >= min, `${p.format} ${p.op} ${p.impl}: ${p.stats.samples} samples`);
        if (p.impl === 'ours') assert.match(p.work, /alternating blocks with the peers/);
      } else assert.ok(p.stats.samples >= Math.max(3, min - 1), `${p.format} ${p.op} ${p.impl}`);
    }
    const a = peers.alignment.find((x) => x.format === 'tensor-content')!;
    assert.ok(a.tensors > 0 && a.aligned <= a.tensors);
    assert.deepEqual(
      peers.alignment.find((x) => x.format === 'json-columnar'),
      { scenario: 'tiny', format: 'json-columnar', tensors: 0, aligned: 0 },
    );
  });
});

describe('a small run', () => {
  let results: Results;
  const codecs = DEFAULT_CODECS.split(',');
  const formats = FORMATS.map((f) => f.id);

  it('measures tiny and ctr-small with every format and codec', async () => {
    results = await runBench(config({ scenarios: ['tiny', 'ctr-small'], formats, codecs }));
    assert.equal(results.state, 'complete');
  });

  it('has sizes and micro entries for every scenario x format x codec', () => {
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      ['tiny', 'ctr-small'],
    );
    for (const scenario of ['tiny', 'ctr-small']) {
      for (const format of formats) {
        const has = (op: string, codec: string) =>
          results.micro.some((m) => m.scenario === scenario && m.format === format && m.op === op && m.codec === codec);
        for (const op of ['encode', 'decode', 'floor', 'floor-cold', 'calibration'])
          assert.ok(has(op, 'identity'), `${scenario} ${format} ${op}`);
        for (const codec of codecs) {
          const size = results.sizes.find((s) => s.scenario === scenario && s.format === format && s.codec === codec);
          assert.ok(size && size.rawBytes > 0 && size.compressedBytes > 0, `${scenario} ${format} ${codec} size`);
          for (const op of ['compress', 'decompress', 'total'])
            assert.ok(has(op, codec), `${scenario} ${format} ${op} ${codec}`);
        }
      }
    }
    assert.equal(results.sizes.length, 2 * formats.length * codecs.length);
    assert.equal(results.micro.length, 2 * formats.length * (5 + 3 * codecs.length));
  });

  it("has finite stats, xFloor > 0, and sizes equal to the formats' own encodings", () => {
    for (const m of results.micro) {
      for (const [k, v] of Object.entries(m.stats)) {
        if (k === 'roundMediansMs') assert.equal((v as number[]).length, m.op.startsWith('floor') ? formats.length : 1);
        else assert.ok(Number.isFinite(v) && (v as number) >= 0, `${m.format} ${m.op} ${k} = ${String(v)}`);
      }
      assert.ok(m.stats.samples >= TINY_PLAN.minSamples);
      assert.ok(m.stats.minMs <= m.stats.medianMs && m.stats.medianMs <= m.stats.maxMs);
      assert.ok(Number.isFinite(m.xFloor) && m.xFloor > 0, `${m.format} ${m.op} ${m.codec} xFloor ${m.xFloor}`);
      if (m.op === 'floor') assert.equal(m.xFloor, 1);
      if (m.op === 'total') {
        assert.equal(m.derived, 'sum-of-medians');
        assert.equal(m.stats.p99Ms, undefined, 'a sum of medians carries no p99');
      }
    }
    const req = generate(loadScenario('tiny'));
    for (const f of FORMATS) {
      const raw = f.encode(req).length;
      assert.ok(
        results.sizes.filter((s) => s.scenario === 'tiny' && s.format === f.id).every((s) => s.rawBytes === raw),
      );
      const identity = results.sizes.find((s) => s.scenario === 'tiny' && s.format === f.id && s.codec === 'identity')!;
      assert.equal(identity.compressedBytes, raw);
    }
  });

  it('gives every format of a scenario the identical floor: the logical tensor bytes, warm and cold', () => {
    for (const scenario of ['tiny', 'ctr-small']) {
      const logical = logicalTensorBytes(generate(loadScenario(scenario))).length;
      for (const op of ['floor', 'floor-cold'] as const) {
        const floors = results.micro.filter((m) => m.scenario === scenario && m.op === op);
        assert.equal(floors.length, formats.length, `${scenario} ${op}`);
        for (const f of floors) {
          assert.equal(f.bytes, logical, `${scenario} ${f.format} ${op} bytes`);
          assert.deepEqual(
            f.stats,
            floors[0]!.stats,
            `${scenario} ${f.format} ${op} differs from ${floors[0]!.format}`,
          );
        }
        // Pooled over every format's child process: one round per child.
        assert.equal(floors[0]!.stats.roundMediansMs.length, formats.length * TINY_PLAN.rounds);
      }
      const warm = results.micro.find((m) => m.scenario === scenario && m.op === 'floor')!.stats.medianMs;
      for (const m of results.micro.filter((x) => x.scenario === scenario && x.op === 'decode')) {
        assert.ok(Math.abs(m.xFloor - m.stats.medianMs / warm) < 1e-9, `${m.format} xFloor uses the scenario floor`);
      }
    }
  });

  it('total is the sum of its parts', () => {
    const stat = (format: string, op: string, codec: string) =>
      results.micro.find((m) => m.scenario === 'tiny' && m.format === format && m.op === op && m.codec === codec)!
        .stats;
    const total = stat('elwc', 'total', 'gzip:6');
    const parts = [
      stat('elwc', 'encode', 'identity'),
      stat('elwc', 'compress', 'gzip:6'),
      stat('elwc', 'decompress', 'gzip:6'),
      stat('elwc', 'decode', 'identity'),
    ];
    assert.ok(Math.abs(total.medianMs - parts.reduce((s, p) => s + p.medianMs, 0)) < 1e-9);
  });

  it('records the environment and the full config', () => {
    assert.equal(results.schemaVersion, SCHEMA_VERSION);
    assert.equal(results.env.node, process.versions.node);
    assert.equal(results.env.zlib, process.versions.zlib);
    assert.ok(results.env.cores >= 1);
    assert.match(results.env.packages['protobufjs'] ?? '', /^\d+\.\d+\.\d+/);
    assert.match(results.env.packages['tinybench'] ?? '', /^\d+\.\d+\.\d+/);
    assert.match(results.env.codecVersions['zstd'] ?? '', /zstd-napi/);
    assert.ok(results.env.gitCommit === null || /^[0-9a-f]{40}$/.test(results.env.gitCommit));
    assert.deepEqual(results.config['scenarios'], ['tiny', 'ctr-small']);
    assert.deepEqual(results.config['codecs'], codecs);
    assert.deepEqual(results.config['plan'], TINY_PLAN);
  });

  it('passes the strict schema validation, also after a JSON round trip', () => {
    assert.deepEqual(validateResults(results), []);
    assert.deepEqual(validateResults(JSON.parse(JSON.stringify(results))), []);
  });

  it('writes latest.json and the report rendered from it (summary.md, results.csv, charts, report.html)', () => {
    const dir = join(TMP, 'written');
    const files = writeResults(results, dir);
    assertResults(JSON.parse(readFileSync(files.json, 'utf8')));
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    assert.ok(Buffer.byteLength(md) < 64 * 1024);
    assert.match(md, /tiny/);
    assert.match(md, /ctr-small/);
    const csv = readFileSync(join(dir, 'results.csv'), 'utf8').trimEnd().split('\n');
    assert.ok(csv.length > results.micro.length, `${csv.length} CSV rows for ${results.micro.length} timings`);
    assert.match(csv[0]!, /^section,scenario,format,codec,op,/);
    for (const f of ['report.html', 'charts/bytes.png', 'charts/cpu.png']) assert.ok(files.report.files.includes(f), f);
    const table = renderConsole(results);
    for (const f of formats) assert.match(table, new RegExp(`^${f} `, 'm'));
  });
});

describe('rounds and sweeps', () => {
  it('keeps one median per round and grows along each sweep dimension', async () => {
    const results = await runBench(
      config({
        scenarios: ['tiny'],
        formats: ['tf-example'],
        codecs: ['identity', 'zstd:1'],
        plan: { ...TINY_PLAN, rounds: 2 },
        sweeps: [
          { dimension: 'candidates', values: [2, 8] },
          { dimension: 'features', values: [5, 30] },
        ],
      }),
    );
    assert.deepEqual(validateResults(results), []);
    for (const m of results.micro) assert.equal(m.stats.roundMediansMs.length, 2, `${m.format} ${m.op}`);
    const sweeps = results.sweeps ?? [];
    assert.equal(sweeps.length, 2 * 2 * 2); // dimensions x values x codecs
    for (const s of sweeps) assert.ok(s.totalMs > 0 && s.perUnitUs > 0 && Number.isFinite(s.perUnitUs));
    const raw = (dimension: string, value: number) =>
      sweeps.find(
        (s) => s.dimension === dimension && s.value === value && s.format === 'tf-example' && s.codec === 'identity',
      )!.rawBytes;
    assert.ok(raw('candidates', 8) > raw('candidates', 2));
    assert.ok(raw('features', 30) > raw('features', 5));
  });

  it('interleaves formats across rounds: each round has every format once, starting elsewhere', () => {
    const scenario = loadScenario('tiny');
    const formats = FORMATS.map((f) => f.id);
    const jobs = planJobs([{ name: 'tiny', scenario }], formats, 3);
    assert.equal(jobs.length, 3 * formats.length);
    for (let r = 0; r < 3; r++) {
      const round = jobs.filter((j) => j.round === r).map((j) => j.format);
      assert.deepEqual([...round].sort(), [...formats].sort());
    }
    assert.equal(new Set([0, 1, 2].map((r) => jobs.find((j) => j.round === r)!.format)).size, 3);
  });

  it('scales a scenario by features keeping its mix, and validates the result', () => {
    const base = loadScenario('etsy-search');
    const small = scaleScenario(base, 'features', 30);
    assert.equal(small.features.length, 30);
    assert.ok(small.features.some((f) => f.scope === 'context') && small.features.some((f) => f.scope === 'item'));
    const big = scaleScenario(base, 'features', 700);
    assert.equal(big.features.length, 700);
    assert.equal(new Set(big.features.map((f) => f.name)).size, 700);
    assert.equal(scaleScenario(base, 'candidates', 7).candidates, 7);
  });
});

describe('interruption', () => {
  it('stops the running child on abort and keeps what finished', async () => {
    const ac = new AbortController();
    let ended = 0;
    const out = await runMatrix(
      {
        phase: 'test',
        targets: [{ name: 'tiny', scenario: loadScenario('tiny') }],
        formats: ['tensor-content', 'elwc', 'json-rows'],
        codecs: ['identity', 'gzip:1'],
        plan: { ...TINY_PLAN, timeMs: 200 },
        floor: true,
      },
      {
        signal: ac.signal,
        onProgress: (e) => {
          if (e.type === 'job-end') ended++;
          if (e.type === 'op-start' && ended === 1 && e.opIndex === 2) ac.abort();
        },
      },
    );
    assert.equal(out.state, 'interrupted');
    assert.equal(out.jobs.length, 2);
    assert.equal(out.jobs[0]!.outcome.end, 'done');
    assert.equal(out.jobs[1]!.outcome.end, 'killed');
    assert.ok(out.jobs[1]!.outcome.ops.length < 7, 'the second child was stopped before finishing');
  });
});

describe('round-trip guard', () => {
  const req = generate(loadScenario('tiny'));
  const tensorContent = getFormat('tensor-content');

  it('passes real formats and codecs, returning the inputs the timed ops use', () => {
    const codecs = ['identity', 'gzip:1', 'zstd:1'].map((c) => parseCodec(c));
    const v = verifyRoundTrips(tensorContent, codecs, req);
    assert.deepEqual(v.encoded, tensorContent.encode(req));
    assert.deepEqual([...v.compressed.keys()], ['identity', 'gzip:1', 'zstd:1']);
  });

  it('fails a format whose decode loses a value', () => {
    const lossy: Format = {
      ...tensorContent,
      decode(bytes, schema) {
        const out = tensorContent.decode(bytes, schema);
        const first = out.batch.tensors.values().next().value!;
        if (!Array.isArray(first.values))
          (first.values as Float32Array | BigInt64Array)[0] =
            (first.values[0] as never) === 0 ? (1 as never) : (0 as never);
        else first.values[0] = new Uint8Array([1, 2, 3]);
        return out;
      },
    };
    assert.throws(
      () => verifyRoundTrips(lossy, [parseCodec('identity')], req),
      (err: unknown) => {
        assert.ok(err instanceof VerificationError);
        assert.match(
          err.message,
          /tensor-content with identity: decode\(decompress\(compress\(encode\(request\)\)\)\) differs from the request: feature "/,
        );
        return true;
      },
    );
  });

  it('fails a codec that corrupts its round trip', () => {
    const gzip = parseCodec('gzip:1');
    const truncating: Codec = {
      ...gzip,
      label: 'truncating',
      decompress: (b) => {
        const out = gzip.decompress(b);
        return out.subarray(0, out.length - 3);
      },
    };
    assert.throws(
      () => verifyRoundTrips(tensorContent, [truncating], req),
      /tensor-content with truncating: round trip threw/,
    );
    // Dropping the first byte loses the ModelSpec while the tensors still parse: caught too.
    const skipping: Codec = { ...gzip, label: 'skipping', decompress: (b) => gzip.decompress(b).subarray(1) };
    assert.throws(
      () => verifyRoundTrips(tensorContent, [skipping], req),
      /tensor-content with skipping: decoded ModelSpec .* differs from the one encoded/,
    );
  });
});

describe('stats', () => {
  const sample = (xs: number[]) => summarize([...xs].sort((a, b) => a - b));

  it('pools rounds: counts add, medians sit between the rounds, one median per round', () => {
    const s = poolRounds([sample([1, 2, 3]), sample([3, 4, 5, 6, 7])]);
    assert.equal(s.samples, 8);
    assert.deepEqual(s.roundMediansMs, [2, 5]);
    assert.equal(s.medianMs, 3.5);
    assert.equal(s.minMs, 1);
    assert.equal(s.maxMs, 7);
    assert.ok(Math.abs(s.meanMs - 31 / 8) < 1e-12);
    assert.ok(s.rmePct > 0);
  });

  it('downsamples many samples to evenly spaced order statistics that keep the median', () => {
    const xs = Array.from({ length: 100_001 }, (_, i) => i);
    const d = downsample(xs, 4096);
    assert.equal(d.length, 4096);
    assert.equal(d[0], 0);
    assert.equal(d.at(-1), 100_000);
    const s = poolRounds([summarize(xs)]);
    assert.ok(Math.abs(s.medianMs - 50_000) <= 25);
    assert.equal(s.samples, 100_001);
  });

  it('totals are sums of medians, per round, with no p99 and an interval over the round sums', () => {
    const a: Stats = {
      medianMs: 1,
      meanMs: 1.1,
      p99Ms: 2,
      minMs: 0.9,
      maxMs: 3,
      rmePct: 10,
      samples: 10,
      roundMediansMs: [1, 1.2],
    };
    const b: Stats = {
      medianMs: 2,
      meanMs: 2.2,
      p99Ms: 3,
      minMs: 1.9,
      maxMs: 4,
      rmePct: 5,
      samples: 5,
      roundMediansMs: [2, 2.1],
    };
    const t = sumOfMedians([a, b]);
    assert.equal(t.medianMs, 3);
    assert.equal(t.samples, 5);
    assert.equal(t.p99Ms, undefined);
    assert.deepEqual(
      t.roundMediansMs.map((x) => Math.round(x * 1e9) / 1e9),
      [3, 3.3],
    );
    // t(1) = 12.706; round sums 3 and 3.3: standard error 0.15, mean 3.15.
    assert.ok(Math.abs(t.rmePct - (100 * 12.706 * 0.15) / 3.15) < 1e-6, String(t.rmePct));
  });

  it('takes the interval from the spread of round medians (t over rounds), not from within-round samples', () => {
    // Two processes with the same median but wildly different samples: no between-process spread.
    const same = poolRounds([sample([1, 5, 9, 13, 50]), sample([2, 4, 9, 20, 80])]);
    assert.deepEqual(same.roundMediansMs, [9, 9]);
    assert.equal(same.rmePct, 0);
    // Tight samples, disagreeing processes: a wide interval. Round medians 2 and 5: se 1.5, mean 3.5.
    const apart = poolRounds([sample([1.99, 2, 2.01]), sample([4.99, 5, 5.01])]);
    assert.ok(Math.abs(apart.rmePct - (100 * 12.706 * 1.5) / 3.5) < 1e-6, String(apart.rmePct));
    // One process: no between-process interval at all.
    assert.equal(poolRounds([sample([1, 2, 3])]).rmePct, 0);
  });

  it('shows a p99 only with enough samples', () => {
    const few = poolRounds([sample(Array.from({ length: P99_MIN_SAMPLES - 1 }, (_, i) => i))]);
    const enough = poolRounds([sample(Array.from({ length: P99_MIN_SAMPLES }, (_, i) => i))]);
    assert.equal(hasP99(few), false);
    assert.equal(hasP99(enough), true);
  });
});

describe('validateResults', () => {
  const good = (): Results => structuredClone(FIXTURE);

  it('accepts the fixture', () => {
    assert.deepEqual(validateResults(good()), []);
  });

  it('rejects unknown and missing fields, bad types, non-finite numbers and dangling scenarios', () => {
    const extra = good() as unknown as Record<string, unknown>;
    extra['surprise'] = 1;
    assert.deepEqual(validateResults(extra), ['$.surprise: unknown field']);

    const missing = good() as unknown as { env: Record<string, unknown> };
    delete missing.env['cpuModel'];
    assert.deepEqual(validateResults(missing), ['$.env.cpuModel: missing']);

    const nan = good();
    nan.micro[0]!.stats.medianMs = NaN;
    assert.match(validateResults(nan)[0]!, /^\$\.micro\[0\]\.stats\.medianMs: expected a finite number, got null/);

    const op = good() as unknown as { micro: { op: string }[] };
    op.micro[0]!.op = 'parse';
    assert.match(validateResults(op)[0]!, /^\$\.micro\[0\]\.op: expected one of "encode", /);

    const nested = good() as unknown as { micro: { stats: Record<string, unknown> }[] };
    nested.micro[1]!.stats['stddev'] = 1;
    assert.deepEqual(validateResults(nested), ['$.micro[1].stats.stddev: unknown field']);

    const hostname = good() as unknown as { env: Record<string, unknown> };
    hostname.env['hostname'] = 'box';
    assert.deepEqual(validateResults(hostname), ['$.env.hostname: unknown field']);

    const dangling = good();
    dangling.sizes[0]!.scenario = 'other';
    assert.deepEqual(validateResults(dangling), ['$.sizes[0].scenario: "other" is not in $.scenarios']);

    const version = good() as unknown as { schemaVersion: number };
    version.schemaVersion = 99;
    assert.match(
      validateResults(version)[0]!,
      new RegExp(`^\\$\\.schemaVersion: expected one of ${SCHEMA_VERSION}, got 99`),
    );

    assert.throws(() => assertResults({}), /invalid results \(\d+ problems\):\n  \$\.schemaVersion: missing/);
  });
});

// A hand-built results object: two formats, two codecs, two rounds, a sweep and a warning.
const st = (medianMs: number, rounds: number[], samples = 15): Stats => ({
  medianMs,
  meanMs: medianMs * 1.05,
  p99Ms: medianMs * 1.5,
  minMs: medianMs * 0.9,
  maxMs: medianMs * 2,
  rmePct: 2.5,
  samples,
  roundMediansMs: rounds,
});

const FIXTURE: Results = {
  schemaVersion: SCHEMA_VERSION,
  tool: { name: 'payload-bench', version: '0.1.0' },
  createdAt: '2025-01-02T03:04:05.000Z',
  env: {
    node: '20.20.2',
    v8: '11.3.244.8-node.38',
    zlib: '1.3.1',
    platform: 'linux',
    arch: 'x64',
    os: 'Linux 6.1.0',
    cpuModel: 'Test CPU',
    cores: 2,
    totalMemGiB: 8,
    packages: { protobufjs: '8.8.1' },
    codecVersions: { gzip: 'node:zlib (zlib 1.3.1)' },
    gitCommit: '0123456789abcdef0123456789abcdef01234567',
    gitDirty: true,
  },
  config: { scenarios: ['demo'], plan: { rounds: 2, timeMs: 100, minSamples: 5, warmupMs: 20, warmupSamples: 1 } },
  scenarios: [
    {
      name: 'demo',
      description: 'A demo.',
      candidates: 1000,
      features: 300,
      contextFeatures: 30,
      seed: 1,
      fingerprint: '00112233aabbccdd',
    },
  ],
  sizes: [
    { scenario: 'demo', format: 'tf-example', codec: 'identity', rawBytes: 10_849_115, compressedBytes: 10_849_115 },
    { scenario: 'demo', format: 'tf-example', codec: 'gzip:6', rawBytes: 10_849_115, compressedBytes: 1_570_123 },
    { scenario: 'demo', format: 'tensor-content', codec: 'identity', rawBytes: 1_693_413, compressedBytes: 1_693_413 },
    { scenario: 'demo', format: 'tensor-content', codec: 'gzip:6', rawBytes: 1_693_413, compressedBytes: 783_400 },
  ],
  micro: [
    {
      scenario: 'demo',
      format: 'tf-example',
      codec: 'identity',
      op: 'floor',
      bytes: 10_849_115,
      stats: st(0.25, [0.25, 0.26], 200),
      xFloor: 1,
    },
    {
      scenario: 'demo',
      format: 'tf-example',
      codec: 'identity',
      op: 'encode',
      bytes: 10_849_115,
      stats: st(55, [54, 56]),
      xFloor: 220,
    },
    {
      scenario: 'demo',
      format: 'tf-example',
      codec: 'identity',
      op: 'decode',
      bytes: 10_849_115,
      stats: st(65, [60, 70]),
      xFloor: 260,
    },
    {
      scenario: 'demo',
      format: 'tf-example',
      codec: 'identity',
      op: 'compress',
      bytes: 10_849_115,
      stats: st(0.00003, [0.00003, 0.00003], 9000),
      xFloor: 0.00012,
    },
    {
      scenario: 'demo',
      format: 'tf-example',
      codec: 'identity',
      op: 'decompress',
      bytes: 10_849_115,
      stats: st(0.00003, [0.00003, 0.00003], 9000),
      xFloor: 0.00012,
    },
    {
      scenario: 'demo',
      format: 'tf-example',
      codec: 'identity',
      op: 'total',
      bytes: 10_849_115,
      stats: st(120.00006, [114.00006, 126.00006]),
      xFloor: 480.00024,
    },
    {
      scenario: 'demo',
      format: 'tf-example',
      codec: 'gzip:6',
      op: 'compress',
      bytes: 10_849_115,
      stats: st(140, [139, 141]),
      xFloor: 560,
    },
    {
      scenario: 'demo',
      format: 'tf-example',
      codec: 'gzip:6',
      op: 'decompress',
      bytes: 10_849_115,
      stats: st(12, [12, 12]),
      xFloor: 48,
    },
    {
      scenario: 'demo',
      format: 'tf-example',
      codec: 'gzip:6',
      op: 'total',
      bytes: 10_849_115,
      stats: st(272, [265, 279]),
      xFloor: 1088,
    },
    {
      scenario: 'demo',
      format: 'tensor-content',
      codec: 'identity',
      op: 'floor',
      bytes: 1_693_413,
      stats: st(0.035, [0.035, 0.036], 800),
      xFloor: 1,
    },
    {
      scenario: 'demo',
      format: 'tensor-content',
      codec: 'identity',
      op: 'encode',
      bytes: 1_693_413,
      stats: st(1.4, [1.4, 1.5]),
      xFloor: 40,
    },
    {
      scenario: 'demo',
      format: 'tensor-content',
      codec: 'identity',
      op: 'decode',
      bytes: 1_693_413,
      stats: st(0.93, [0.9, 0.95]),
      xFloor: 26.571,
    },
    {
      scenario: 'demo',
      format: 'tensor-content',
      codec: 'identity',
      op: 'compress',
      bytes: 1_693_413,
      stats: st(0.00003, [0.00003, 0.00003], 9000),
      xFloor: 0.00086,
    },
    {
      scenario: 'demo',
      format: 'tensor-content',
      codec: 'identity',
      op: 'decompress',
      bytes: 1_693_413,
      stats: st(0.00003, [0.00003, 0.00003], 9000),
      xFloor: 0.00086,
    },
    {
      scenario: 'demo',
      format: 'tensor-content',
      codec: 'identity',
      op: 'total',
      bytes: 1_693_413,
      stats: st(2.33006, [2.30006, 2.45006]),
      xFloor: 66.573,
    },
    {
      scenario: 'demo',
      format: 'tensor-content',
      codec: 'gzip:6',
      op: 'compress',
      bytes: 1_693_413,
      stats: st(42, [42, 43]),
      xFloor: 1200,
    },
    {
      scenario: 'demo',
      format: 'tensor-content',
      codec: 'gzip:6',
      op: 'decompress',
      bytes: 1_693_413,
      stats: st(3.8, [3.8, 3.9]),
      xFloor: 108.57,
    },
    {
      scenario: 'demo',
      format: 'tensor-content',
      codec: 'gzip:6',
      op: 'total',
      bytes: 1_693_413,
      stats: st(48.13, [48.1, 49.35]),
      xFloor: 1375.1,
    },
  ],
  sweeps: [
    {
      scenario: 'demo',
      dimension: 'candidates',
      value: 10,
      format: 'tf-example',
      codec: 'identity',
      rawBytes: 108_000,
      compressedBytes: 108_000,
      encodeMs: 0.6,
      decodeMs: 0.7,
      totalMs: 1.3,
      perUnitUs: 130,
    },
    {
      scenario: 'demo',
      dimension: 'candidates',
      value: 100,
      format: 'tf-example',
      codec: 'identity',
      rawBytes: 1_080_000,
      compressedBytes: 1_080_000,
      encodeMs: 5.5,
      decodeMs: 6.5,
      totalMs: 12,
      perUnitUs: 120,
    },
    {
      scenario: 'demo',
      dimension: 'candidates',
      value: 10,
      format: 'tensor-content',
      codec: 'identity',
      rawBytes: 17_000,
      compressedBytes: 17_000,
      encodeMs: 0.05,
      decodeMs: 0.04,
      totalMs: 0.09,
      perUnitUs: 9,
    },
    {
      scenario: 'demo',
      dimension: 'candidates',
      value: 100,
      format: 'tensor-content',
      codec: 'identity',
      rawBytes: 170_000,
      compressedBytes: 170_000,
      encodeMs: 0.2,
      decodeMs: 0.1,
      totalMs: 0.3,
      perUnitUs: 3,
    },
  ],
  state: 'complete',
  warnings: [
    'demo / tf-example decode: round medians spread 15% (60.000, 70.000 ms): the machine was busy; compare with care',
  ],
};
