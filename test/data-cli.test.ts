// Bring-your-own-data on the command line: --data on bench, e2e and serve (schema inferred, or
// the data checked against --scenario feature by feature), corrupt records (stop with record
// and offset, or --skip-corrupt and a counted warning), bad files (exit 2, no stack trace),
// round-robin replay, and privacy: a fixture holding a unique secret string and a unique int64
// runs through the bench and the end-to-end test, and neither appears in any file they write.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { resolveScenarios } from '../src/bench/index.js';
import { parseBenchArgs } from '../src/args/bench-args.js';
import { elwcRecord, loadData, writeTfRecords } from '../src/data/index.js';
import { getFormat } from '../src/formats/index.js';
import { fetchSignatures, runE2e } from '../src/load/index.js';
import { defaultE2eConfig } from '../src/args/e2e-args.js';
import { parseE2eArgs } from '../src/args/e2e-args.js';
import type { Results } from '../src/results/index.js';
import { generate, loadScenario } from '../src/scenario/index.js';
import { parseServeArgs } from '../src/args/serve-args.js';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'pb-data-cli-'));
const SECRET = 'SECRET-pb-7f3a9c-customer';
const SECRET_INT = 987654321987123n;

// Three recorded requests of 3, 4 and 5 candidates (tiny: every dtype x shape x scope); the
// secrets sit in request 0 (the one the bench measures) and request 2.
const tiny = loadScenario('tiny');
const reqs = [3, 4, 5].map((candidates, i) => generate({ ...tiny, candidates, seed: 20 + i }));
(reqs[0]!.columns.get('item_bytes')!.values as Uint8Array[])[1] = new TextEncoder().encode(SECRET);
(reqs[0]!.columns.get('ctx_bytes')!.values as Uint8Array[])[0] = new TextEncoder().encode(`${SECRET} query`);
(reqs[0]!.columns.get('item_i64')!.values as BigInt64Array)[2] = SECRET_INT;
(reqs[2]!.columns.get('ctx_i64')!.values as BigInt64Array)[0] = SECRET_INT;
const records = reqs.map(elwcRecord);
const DATA = join(dir, 'traffic.tfrecord');
writeFileSync(DATA, writeTfRecords(records));
// Record 1 corrupted (a flipped byte in its data): requests 0 and 2 remain.
const CORRUPT = join(dir, 'corrupt.tfrecord');
const bad = writeTfRecords(records);
const record1 = 16 + records[0]!.length;
bad[record1 + 12 + 5]! ^= 0xff;
writeFileSync(CORRUPT, bad);

function cli(
  script: string,
  args: string[],
  timeoutMs = 60_000,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `root`, recursively, with its bytes. */
function filesUnder(root: string): { path: string; bytes: Buffer }[] {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push({ path: p, bytes: readFileSync(p) });
  }
  return out;
}

/** Neither secret appears in any file written under `root` (text or binary). */
function assertNoSecrets(root: string): void {
  const files = filesUnder(root);
  assert.ok(files.length > 0, `nothing written under ${root}`);
  for (const f of files) {
    for (const needle of [SECRET, 'SECRET-pb', String(SECRET_INT)])
      assert.equal(f.bytes.indexOf(needle), -1, `${f.path} contains "${needle}"`);
  }
}

const NO_STACK = /^\s+at .*\.ts:\d+/m;

describe('--data options', () => {
  it('bench, e2e and serve parse --data, --data-format, --skip-corrupt and --candidates; misuse is a usage error', () => {
    const b = parseBenchArgs(['--data', 'f.tfrecord', '--candidates', '4', '--skip-corrupt']);
    assert.equal(b.kind, 'run');
    if (b.kind === 'run') {
      assert.deepEqual(b.config.data, { path: 'f.tfrecord', format: null, skipCorrupt: true, candidates: 4 });
      assert.deepEqual(b.config.scenarios, [], 'no default scenario: the schema comes from the data');
    }
    const benchError = (argv: string[]): string => {
      const p = parseBenchArgs(argv);
      assert.equal(p.kind, 'error', argv.join(' '));
      return p.kind === 'error' ? p.message : '';
    };
    assert.match(benchError(['--skip-corrupt']), /go with --data/);
    assert.match(
      benchError(['--data', 'f', '--data-format', 'csv']),
      /--data-format: expected one of tfrecord-example, tfrecord-elwc, jsonl, got "csv"/,
    );
    assert.match(benchError(['--data', 'f', '--sweep', 'candidates=10']), /--sweep/);
    assert.match(
      benchError(['--data', 'f', '--scenario', 'tiny', '--scenario', 'ctr-small']),
      /at most one --scenario/,
    );
    assert.match(benchError(['--data', 'f', '--check']), /--check/);

    const e = parseE2eArgs(['--data', 'f.jsonl', '--data-format', 'jsonl']);
    assert.equal(e.kind, 'run');
    if (e.kind === 'run') {
      assert.deepEqual(e.config.data, { path: 'f.jsonl', format: 'jsonl', skipCorrupt: false, candidates: null });
      assert.equal(e.config.scenario, null);
    }
    assert.equal(parseE2eArgs(['--data', 'f', '--seed', '3']).kind, 'error');
    assert.equal(parseE2eArgs(['--data-format', 'jsonl']).kind, 'error');

    const s = parseServeArgs(['--data', 'f.tfrecord', '--skip-corrupt', '--port', '0']);
    assert.ok(s.ok && s.data);
    if (s.ok)
      assert.deepEqual(s.data, {
        spec: { path: 'f.tfrecord', format: null, skipCorrupt: true, candidates: null },
        scenario: null,
      });
    assert.equal(parseServeArgs(['--skip-corrupt']).ok, false);
  });
});

describe('bench --data', () => {
  it('measures the first recorded request and records aggregates only (privacy)', () => {
    const out = join(dir, 'bench-out');
    const r = cli('src/cli/commands/bench.ts', [
      '--quick',
      '--data',
      DATA,
      '--formats',
      'tensor-content,tf-example',
      '--codecs',
      'identity',
      '--time-ms',
      '10',
      '--min-samples',
      '3',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as Results;
    const data = results.config.data as Record<string, unknown>;
    assert.equal(data.path, DATA);
    assert.equal(data.format, 'tfrecord-elwc');
    assert.equal(data.records, 3);
    assert.equal(data.requests, 3);
    assert.equal(data.measuredRequest, 0);
    assert.equal(data.schema, 'inferred');
    const [info] = results.scenarios;
    assert.equal(info!.name, 'traffic');
    assert.equal(info!.candidates, 3);
    assert.equal(info!.features, 18);
    assert.match(info!.description, /Recorded request 0 of 3/);
    // The children measured the real request: its exact encoded size, not a synthetic one's.
    const real = loadData({ path: DATA, format: null, skipCorrupt: false, candidates: null }).requests[0]!;
    for (const id of ['tensor-content', 'tf-example']) {
      const size = results.sizes.find((x) => x.format === id && x.codec === 'identity');
      assert.equal(size?.rawBytes, getFormat(id).encode(real).length, id);
    }
    // The check can fail: the fixture itself holds the secret.
    assert.throws(() => assertNoSecrets(dir), /contains "SECRET-pb-7f3a9c-customer"/);
    assertNoSecrets(out);
    assert.ok(!r.stdout.includes(SECRET) && !r.stdout.includes(String(SECRET_INT)));
  });

  it('bad data files: a clear error, exit 2, no stack trace', () => {
    const missing = cli('src/cli/commands/bench.ts', ['--quick', '--data', join(dir, 'missing.tfrecord')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /bench: cannot read data file .*missing\.tfrecord/);
    const corrupt = cli('src/cli/commands/bench.ts', ['--quick', '--data', CORRUPT, '--out', join(dir, 'never')]);
    assert.equal(corrupt.code, 2);
    assert.match(corrupt.stderr, new RegExp(`record 1 at byte offset ${record1}: data CRC mismatch .*--skip-corrupt`));
    for (const x of [missing, corrupt]) assert.doesNotMatch(x.stderr, NO_STACK);
  });
});

describe('e2e --data', () => {
  it('replays the recorded requests round-robin; corrupt records skipped and counted; nothing of the data written (privacy)', () => {
    const out = join(dir, 'e2e-out');
    const r = cli('src/cli/commands/e2e.ts', [
      '--data',
      CORRUPT,
      '--skip-corrupt',
      '--formats',
      'tensor-content',
      '--batch-size',
      '2',
      '--compression',
      'identity',
      '--duration',
      '300ms',
      '--warmup',
      '100ms',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(readFileSync(join(out, 'e2e.json'), 'utf8')) as Results;
    const data = results.config.data as Record<string, unknown>;
    assert.equal(data.corruptSkipped, 1);
    assert.equal(data.requests, 2);
    assert.ok(
      results.warnings.some((w) =>
        /skipped 1 corrupt record\(s\) of 3 \(--skip-corrupt\): record 1 at byte offset/.test(w),
      ),
      results.warnings.join('\n'),
    );
    const [run] = results.e2e!;
    assert.ok(run!.requests.ok > 0, JSON.stringify(run!.requests));
    assert.ok(!run!.warnings.some((w) => /BUG/.test(w)), run!.warnings.join('\n'));
    // Requests of 3 and 5 candidates in batches of 2: searches alternate 2 and 3 batches.
    const n = run!.searches.intended;
    assert.equal(run!.requests.intended, Math.ceil(n / 2) * 2 + Math.floor(n / 2) * 3);
    assertNoSecrets(out);
  });

  it("the bench's end-to-end pass replays the data against a stub serving the inferred schema", async () => {
    // As bench/bench.ts wires it: the resolved data and its schema, no scenario reference.
    const p = parseBenchArgs(['--data', DATA]);
    assert.equal(p.kind, 'run');
    if (p.kind !== 'run') return;
    const resolved = resolveScenarios(p.config);
    assert.equal(resolved.data?.requests.length, 3);
    const e2e = defaultE2eConfig({
      scenario: p.config.scenarios[0] ?? null,
      data: p.config.data ?? null,
      formats: ['tensor-content', 'elwc'],
      batchSizes: [5],
      compressions: ['identity'],
      load: { mode: 'closed', concurrency: 1 },
      durationMs: null,
      searches: 6,
      warmupMs: 0,
    });
    const { runs } = await runE2e(e2e, { scenario: resolved.main[0]!, requests: resolved.data!.requests });
    for (const r of runs) {
      assert.equal(r.scenario, 'traffic');
      assert.equal(r.requests.ok, 6, r.warnings.join('; '));
      assert.match(r.target, /^stub /);
    }
  });

  it('with --scenario, every mismatch is explained feature by feature and nothing is sent', () => {
    const wrong = {
      ...JSON.parse(readFileSync(join(ROOT, 'bench/scenarios/tiny.json'), 'utf8')),
      name: 'tiny-wrong',
    } as { features: { name: string; dtype: string; shape?: unknown; dist?: unknown }[] };
    for (const f of wrong.features) {
      if (f.name === 'item_f32') Object.assign(f, { dtype: 'int64', dist: undefined });
      if (f.name === 'item_f32_vec') f.shape = { kind: 'vector', length: 5 };
    }
    wrong.features.push({ name: 'not_in_data', dtype: 'float32' });
    const file = join(dir, 'tiny-wrong.json');
    writeFileSync(file, JSON.stringify(wrong));
    const r = cli('src/cli/commands/e2e.ts', ['--data', DATA, '--scenario', file, '--formats', 'tensor-content']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the data does not match scenario "tiny-wrong"/);
    assert.match(r.stderr, /feature "item_f32": the data has float values, the scenario says int64/);
    assert.match(
      r.stderr,
      /feature "item_f32_vec": the data has 4 value\(s\) per example, the scenario's shape \(vector: exactly 5 values\) needs 5/,
    );
    assert.match(r.stderr, /feature "not_in_data" \(float32, item\): missing from the data/);
    assert.doesNotMatch(r.stderr, /stub TF Serving ready/);
    assert.doesNotMatch(r.stderr, NO_STACK);
  });
});

describe('serve --data', () => {
  it('serves the schema inferred from the data; a bad file exits 2', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/commands/serve.ts'), '--data', DATA, '--port', '0'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const ready = await new Promise<string>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no ready line: ${stderr}`)), 30_000);
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          const line = stdout.split('\n').find((l) => /grpc=/.test(l));
          if (line) {
            clearTimeout(timer);
            done(line);
          }
        });
        child.once('exit', () => fail(new Error(`serve exited: ${stderr}`)));
      });
      assert.match(ready, /scenario=traffic features=18/);
      assert.match(stderr, /schema inferred from 3 request\(s\) in .*traffic\.tfrecord \(tfrecord-elwc\): 18 features/);
      const meta = await fetchSignatures(/grpc=(\S+)/.exec(ready)![1]!, 'ranker');
      assert.equal(meta.kind, 'ok');
      if (meta.kind === 'ok')
        assert.ok(meta.signatures.get('serving_default')!.inputs.some((t) => t.name === 'item_bytes_list_row_splits'));
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
    const notData = join(dir, 'not-rest.jsonl');
    writeFileSync(notData, '{"rows": [1, 2]}\n');
    const r = cli('src/cli/commands/serve.ts', ['--data', notData, '--port', '0']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /serve: .*not-rest\.jsonl: line 1 \(record 0\) at byte offset 0: a line must be a JSON object with "instances"/,
    );
    assert.doesNotMatch(r.stderr, NO_STACK);
  });
});
