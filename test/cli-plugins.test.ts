// Plug-in formats through the `payload-bench` command: a team's own encoder (a fixture module)
// is listed, dumped and benchmarked next to the built-in tensor-content; a plug-in with a wrong
// round trip fails the bench before any timing (exit 4); a module that is not a Format is a
// usage error (exit 2).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { validateResults, type Results } from '../src/results/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const TEAM = 'test/fixtures/plugin-team-encoder.ts';
const BROKEN = 'test/fixtures/plugin-broken.ts';
const tmp = mkdtempSync(join(tmpdir(), 'payload-bench-plugins-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['bin/payload-bench.js', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('--format-module', () => {
  it("the README's plug-in example is the fixture the tests run (so it cannot rot), in at most 30 lines", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Plug-in formats'));
    const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(example, 'README has a ts example under "### Plug-in formats"');
    const fixture = readFileSync(join(ROOT, TEAM), 'utf8');
    const code = fixture.slice(fixture.indexOf('import ')).replace("'../../src/index.js'", "'payload-bench'");
    assert.equal(example, code);
    assert.ok(example.trimEnd().split('\n').length <= 30);
  });

  it('formats lists the plug-in next to the built-in formats', () => {
    const r = cli('formats', '--format-module', TEAM);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^team-protobufjs\s+grpc\s+\/tensorflow\.serving\.PredictionService\/Predict/m);
    assert.match(r.stdout, /^tensor-content\s/m);
    assert.equal(cli('formats').stdout.includes('team-protobufjs'), false, 'not listed without --format-module');
  });

  it("dump writes the plug-in's bytes: the team's protobufjs encoder writes tensor-content's exact bytes", () => {
    const team = join(tmp, 'team.bin');
    const builtin = join(tmp, 'builtin.bin');
    const a = cli(
      'dump',
      '--format',
      'team-protobufjs',
      '--scenario',
      'tiny',
      '--out',
      team,
      `--format-module=${TEAM}`,
    );
    assert.equal(a.status, 0, a.stderr);
    assert.equal(JSON.parse(a.stdout).format, 'team-protobufjs');
    const b = cli('dump', '--format', 'tensor-content', '--scenario', 'tiny', '--out', builtin);
    assert.equal(b.status, 0, b.stderr);
    assert.ok(readFileSync(team).length > 1000);
    assert.deepEqual(readFileSync(team), readFileSync(builtin));
  });

  it('bench --quick measures the plug-in after its round-trip check; the results name it', () => {
    const out = join(tmp, 'bench');
    const r = cli(
      'bench',
      '--quick',
      '--scenario',
      'tiny',
      '--formats',
      'tensor-content,team-protobufjs',
      '--codecs',
      'identity,zstd:3',
      '--out',
      out,
      '--json',
      '--format-module',
      TEAM,
    );
    assert.equal(r.status, 0, r.stderr);
    const results = JSON.parse(r.stdout) as Results;
    assert.deepEqual(validateResults(results), []);
    const sizes = (format: string) =>
      results.sizes.filter((s) => s.format === format).map((s) => [s.codec, s.rawBytes, s.compressedBytes]);
    assert.equal(sizes('team-protobufjs').length, 2);
    assert.deepEqual(sizes('team-protobufjs'), sizes('tensor-content'));
    const ops = new Set(results.micro.filter((m) => m.format === 'team-protobufjs').map((m) => m.op));
    for (const op of ['encode', 'decode', 'compress', 'decompress']) assert.ok(ops.has(op as never), `${op} timed`);
    assert.ok(existsSync(join(out, 'latest.json')));
  });

  it("e2e sends the plug-in's bytes to the stub (gRPC Predict, a transport and RPC it serves): every request answered", () => {
    const out = join(tmp, 'e2e');
    const r = cli(
      'e2e',
      '--formats',
      'team-protobufjs',
      '--scenario',
      'tiny',
      '--batch-size',
      '4',
      '--compression',
      'identity',
      '--requests',
      '10',
      '--warmup',
      '0',
      '--rate',
      '20',
      '--out',
      out,
      '--json',
      '--format-module',
      TEAM,
    );
    assert.equal(r.status, 0, r.stderr);
    const results = JSON.parse(r.stdout) as Results;
    const run = results.e2e?.[0];
    assert.equal(run?.format, 'team-protobufjs');
    assert.equal(run?.requests.ok, 10);
    assert.deepEqual(run?.requests.errors, {});
  });

  it('a plug-in with a wrong round trip fails the bench with exit 4, naming it; nothing is written', () => {
    const out = join(tmp, 'broken');
    const r = cli(
      'bench',
      '--quick',
      '--scenario',
      'tiny',
      '--formats',
      'broken-off-by-one',
      '--codecs',
      'identity',
      '--out',
      out,
      '--format-module',
      BROKEN,
    );
    assert.equal(r.status, 4, r.stderr);
    assert.match(r.stderr, /FAILED round-trip check.*broken-off-by-one with identity/);
    assert.equal(existsSync(join(out, 'latest.json')), false);
  });

  it('a module that cannot be loaded or is not a Format is a usage error (exit 2)', () => {
    const missing = cli('formats', '--format-module', 'test/fixtures/no-such-plugin.ts');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--format-module test\/fixtures\/no-such-plugin\.ts: cannot load it/);
    const notFormat = cli(
      'dump',
      '--format',
      'x',
      '--out',
      join(tmp, 'x'),
      '--format-module',
      'test/fixtures/results-fixture.ts',
    );
    assert.equal(notFormat.status, 2);
    assert.match(notFormat.stderr, /results-fixture\.ts: (the module has no default export|not a Format)/);
    const clash = cli(
      'formats',
      '--format-module',
      'test/fixtures/plugin-team-encoder.ts',
      '--format-module',
      'test/fixtures/plugin-team-encoder.ts',
    );
    assert.equal(clash.status, 0, 'the same module twice is loaded once');
  });
});
