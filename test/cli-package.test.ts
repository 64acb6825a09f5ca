// The package as a user gets it: build, `npm pack`, install the tarball into an empty
// project, then `npx payload-bench formats` and `import('payload-bench')` there. This is what
// `files`, `bin`, `exports` and the compiled dist/ must get right together.
//
// Kept lean: the install runs from npm's cache (--prefer-offline) without install scripts, and
// reuses this checkout's compiled zstd binding instead of compiling libzstd again (2 minutes);
// CI's own `npm ci` exercises that build.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
}

describe('the packed tarball, installed into an empty project', { timeout: 300_000 }, () => {
  let dir: string;
  let project: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'payload-bench-pack-'));
    project = join(dir, 'project');
    run(NPM, ['run', '--silent', 'build'], ROOT);
    run(NPM, ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote no tarball');
    cpSync(join(ROOT, 'test/fixtures/empty-project'), project, { recursive: true });
    run(
      NPM,
      ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--silent', join(dir, tarball)],
      project,
    );
    cpSync(join(ROOT, 'node_modules/zstd-napi/build'), join(project, 'node_modules/zstd-napi/build'), {
      recursive: true,
    });
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships compiled JavaScript with type declarations, not the TypeScript sources', () => {
    const pkg = join(project, 'node_modules/payload-bench');
    assert.ok(existsSync(join(pkg, 'dist/index.js')));
    assert.ok(existsSync(join(pkg, 'dist/index.d.ts')));
    assert.ok(existsSync(join(pkg, 'bench/scenarios/etsy-search.json')));
    assert.equal(existsSync(join(pkg, 'src')), false, 'src/ is not part of the package');
    assert.equal(existsSync(join(pkg, 'test')), false, 'test/ is not part of the package');
  });

  it('npx payload-bench formats lists the formats and codecs; --version prints the version', () => {
    const out = run('npx', ['--no-install', 'payload-bench', 'formats'], project);
    for (const id of ['json-rows', 'tf-example', 'elwc', 'tensor-content', 'msgpack-columnar', 'zstd', 'brotli']) {
      assert.match(out, new RegExp(`^${id}\\s`, 'm'), `${id} is listed`);
    }
    assert.equal(run('npx', ['--no-install', 'payload-bench', '--version'], project).trim(), VERSION);
  });

  it('every command answers --help from the installed package (no TypeScript loader there)', () => {
    const list = run('npx', ['--no-install', 'payload-bench', '--help'], project);
    const commands = [...list.matchAll(/^  ([a-z0-9-]+)  /gm)].map((m) => m[1]!);
    assert.ok(commands.length >= 9, list);
    for (const c of commands) {
      const out = run(
        process.execPath,
        [join(project, 'node_modules/payload-bench/bin/payload-bench.js'), c, '--help'],
        project,
      );
      assert.match(out, /usage/i, `${c} --help`);
    }
  });

  it("import('payload-bench') gives the library: scenario, formats, codecs, round trip", () => {
    const script = `
      const pb = await import('payload-bench');
      const req = pb.generate(pb.loadScenario('tiny'));
      const f = pb.getFormat('tensor-content');
      const zstd = pb.parseCodec('zstd:3');
      const back = f.decode(zstd.decompress(zstd.compress(f.encode(req))), req.schema);
      const diff = pb.diffBatches(req.schema, back.batch, pb.toFeatureBatch(req));
      console.log(JSON.stringify({ diff: diff ?? null, formats: pb.FORMATS.length, api: ['startServer', 'runBench', 'runE2e', 'check', 'writeReport', 'validateResults', 'registerFormat'].filter((k) => typeof pb[k] !== 'function') }));
    `;
    writeFileSync(join(project, 'use.mjs'), script);
    const got = JSON.parse(run(process.execPath, ['use.mjs'], project)) as {
      diff: string | null;
      formats: number;
      api: string[];
    };
    assert.equal(got.diff, null);
    assert.ok(got.formats >= 10);
    assert.deepEqual(got.api, [], 'missing from the library entry');
  });
});
