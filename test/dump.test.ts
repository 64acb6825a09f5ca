// `npm run dump` tests: the file holds exactly format.encode(request) (or its compressed form),
// stdout is one JSON line describing it, and bad arguments exit 2 with a clear message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { DUMP_USAGE } from '../src/args/dump-args.js';
import { parseDumpArgs } from '../src/args/dump-args.js';
import { parseCodec } from '../src/codecs/index.js';
import { getFormat, methodLabel } from '../src/formats/index.js';
import { generate, loadScenario } from '../src/scenario/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const TMP = mkdtempSync(join(tmpdir(), 'payload-bench-dump-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

function dump(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/commands/dump.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm run dump', () => {
  it('writes exactly format.encode(request) and prints one JSON line with its size', () => {
    const out = join(TMP, 'tf-example.bin');
    const r = dump(['--format', 'tf-example', '--scenario', 'ctr-small', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    const info = JSON.parse(lines[0]!) as Record<string, unknown>;
    const format = getFormat('tf-example');
    const expected = format.encode(generate(loadScenario('ctr-small')));
    const written = readFileSync(out);
    assert.ok(Buffer.from(expected).equals(written));
    assert.equal(info['bytes'], statSync(out).size);
    assert.equal(info['rawBytes'], expected.length);
    assert.equal(info['format'], 'tf-example');
    assert.equal(info['method'], methodLabel(format));
    assert.equal(info['codec'], 'identity');
    assert.equal(info['path'], out);
    assert.equal(info['scenario'], 'ctr-small');
  });

  it('compresses with --codec and honours --candidates and --seed', () => {
    const out = join(TMP, 'json.gz');
    const r = dump([
      '--format',
      'json-rows',
      '--codec',
      'gzip:1',
      '--scenario',
      'tiny',
      '--candidates',
      '3',
      '--seed',
      '11',
      '--out',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    const expected = getFormat('json-rows').encode(generate(loadScenario('tiny', { candidates: 3, seed: 11 })));
    const written = readFileSync(out);
    assert.ok(Buffer.from(parseCodec('gzip:1').decompress(written)).equals(Buffer.from(expected)));
    assert.equal(info['bytes'], written.length);
    assert.equal(info['rawBytes'], expected.length);
    assert.equal(info['codec'], 'gzip:1');
    assert.equal(info['method'], 'POST /v1/models/ranker:predict');
    assert.equal(info['candidates'], 3);
    assert.equal(info['seed'], 11);
  });

  const bad: [string, string[], RegExp][] = [
    [
      'an unknown format',
      ['--format', 'protobuf', '--out', 'x.bin'],
      /dump: unknown format "protobuf" \(formats: json-rows, /,
    ],
    ['an unknown codec', ['--format', 'elwc', '--codec', 'zip', '--out', 'x.bin'], /dump: unknown codec "zip"/],
    [
      'a bad codec level',
      ['--format', 'elwc', '--codec', 'zstd:99', '--out', 'x.bin'],
      /dump: codec zstd: level 99 out of range/,
    ],
    [
      'an unknown scenario',
      ['--format', 'elwc', '--scenario', 'nope', '--out', 'x.bin'],
      /dump: unknown scenario preset "nope"/,
    ],
  ];
  for (const [what, args, re] of bad) {
    it(`exits 2 on ${what}, writing nothing`, () => {
      const r = dump(args.map((a) => (a === 'x.bin' ? join(TMP, 'never.bin') : a)));
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, re);
      assert.throws(() => statSync(join(TMP, 'never.bin')));
    });
  }
});

describe('parseDumpArgs', () => {
  it('requires --format and --out', () => {
    assert.deepEqual(parseDumpArgs(['--out', 'x']), {
      kind: 'error',
      exitCode: 2,
      message: '--format is required: one format id (see npm run formats)',
    });
    assert.deepEqual(parseDumpArgs(['--format', 'elwc']), {
      kind: 'error',
      exitCode: 2,
      message: '--out is required: the file to write the request bytes to',
    });
  });

  it('rejects unknown options and bad numbers', () => {
    assert.match(
      (parseDumpArgs(['--format', 'elwc', '--out', 'x', '--level', '3']) as { message: string }).message,
      /unknown option "--level"/,
    );
    assert.match(
      (parseDumpArgs(['--format', 'elwc', '--out', 'x', '--candidates=-4']) as { message: string }).message,
      /--candidates: expected an integer from 1 to 1000000, got "-4"/,
    );
    assert.match(
      (parseDumpArgs(['--format', 'elwc', '--out', 'x', '--candidates', '-4']) as { message: string }).message,
      /--candidates: expected a value, got "-\d+" \(a value starting with "-" is written --candidates=<value>\)/,
    );
  });

  it('defaults to identity and etsy-search', () => {
    assert.deepEqual(parseDumpArgs(['--format', 'tensor-packed', '--out', 'f.bin']), {
      kind: 'run',
      config: {
        format: 'tensor-packed',
        codec: 'identity',
        scenario: 'etsy-search',
        candidates: null,
        seed: null,
        out: 'f.bin',
      },
    });
    assert.deepEqual(parseDumpArgs(['--help']), { kind: 'help', text: DUMP_USAGE });
  });
});
