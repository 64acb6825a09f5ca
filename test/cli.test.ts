// The one argument layer (src/args/validators.ts, shared-options.ts) and the `payload-bench` dispatcher:
// each validator's accepted forms and its one error wording, and the command list.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import {
  nodeErrorText,
  parseBandwidth,
  parseCount,
  parseDecimal,
  parseDuration,
  parseHostPort,
  parseList,
  parseOptions,
  parsePort,
  parseRate,
  parseSize,
  UsageError,
} from '../src/args/validators.js';
import { COMMANDS } from '../src/cli/commands/index.js';
import { takeFormatModules } from '../src/cli/main.js';
import { readCandidates, readData, readFormats, readSeed, SHARED_OPTIONS } from '../src/args/shared-options.js';

const ROOT = resolve(import.meta.dirname, '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The message of the UsageError `fn` throws (fails when it does not throw one). */
function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    return err.message;
  }
  assert.fail('expected a UsageError, nothing was thrown');
}

describe('validators', () => {
  it('counts: decimal integers only, with _ separators; hex, exponents and fractions are refused', () => {
    assert.equal(parseCount('--rounds', '12', { min: 1, max: 20 }), 12);
    assert.equal(parseCount('--requests', '10_000', { min: 1, max: 1e6 }), 10_000);
    for (const bad of ['0x10', '1e2', '2.0', '', ' ', 'ten', '21', '0']) {
      assert.equal(
        usage(() => parseCount('--rounds', bad, { min: 1, max: 20 })),
        `--rounds: expected an integer from 1 to 20, got ${JSON.stringify(bad)}`,
      );
    }
  });

  it('ports: 0..65535 (0 = any free port unless refused); 0x1F90 is not a port', () => {
    assert.equal(parsePort('--port', '8500'), 8500);
    assert.equal(parsePort('--port', '0'), 0);
    assert.match(
      usage(() => parsePort('--port', '0', { allowZero: false })),
      /^--port: expected an integer from 1 to 65535, got "0"$/,
    );
    assert.match(
      usage(() => parsePort('--port', '0x1F90')),
      /^--port: expected an integer from 0 to 65535, got "0x1F90"$/,
    );
    assert.match(
      usage(() => parsePort('--port', '65536')),
      /got "65536"$/,
    );
  });

  it('decimals and rates: plain decimal notation', () => {
    assert.equal(parseDecimal('--error-rate', '0.25', { min: 0, max: 1 }), 0.25);
    assert.match(
      usage(() => parseDecimal('--error-rate', '1e-1', { min: 0, max: 1 })),
      /^--error-rate: expected a decimal number from 0 to 1, got "1e-1"$/,
    );
    assert.match(
      usage(() => parseDecimal('--core-hour-usd', '0', { min: 0, max: 10, above: true })),
      /expected a decimal number above 0 and up to 10/,
    );
    assert.equal(parseRate('--rate', '12.5', { max: 1000 }), 12.5);
    assert.equal(parseRate('--rate', '250/s', { max: 1000 }), 250);
    assert.match(
      usage(() => parseRate('--rate', '0', { max: 1000 })),
      /^--rate: expected a rate per second above 0 and up to 1000, got "0"$/,
    );
  });

  it('sizes: bytes, KiB, MiB, GiB (binary, case-insensitive); SI MB is refused as ambiguous', () => {
    const range = { min: 1, max: 2 ** 31 - 1 };
    assert.equal(parseSize('--max-message-bytes', '512', range), 512);
    assert.equal(parseSize('--max-message-bytes', '64MiB', range), 64 * 2 ** 20);
    assert.equal(parseSize('--max-message-bytes', '16 kib', range), 16 * 1024);
    assert.equal(parseSize('--max-message-bytes', '1GiB', range), 2 ** 30);
    for (const bad of ['64MB', '2GiB', '1.5MiB', '-1', 'big']) {
      assert.match(
        usage(() => parseSize('--max-message-bytes', bad, range)),
        /^--max-message-bytes: expected a size from 1 B to 2147483647 B in bytes, KiB, MiB or GiB \(e\.g\. 64MiB\), got /,
      );
    }
  });

  it('durations: a unit is required except for 0', () => {
    const range = { min: 0, max: 3_600_000 };
    assert.equal(parseDuration('--duration', '500ms', range), 500);
    assert.equal(parseDuration('--duration', '1.5s', range), 1500);
    assert.equal(parseDuration('--duration', '2m', range), 120_000);
    assert.equal(parseDuration('--warmup', '0', range), 0);
    assert.equal(
      usage(() => parseDuration('--duration', '10', range)),
      '--duration: expected a duration from 0ms to 1h with a unit ms, s, m or h (e.g. 500ms, 10s), got "10"',
    );
    assert.match(
      usage(() => parseDuration('--duration', '2h', range)),
      /got "2h"$/,
    );
  });

  it('bandwidths: kbit, mbit, gbit in SI units', () => {
    assert.equal(parseBandwidth('--bandwidth', '100mbit'), 1e8);
    assert.equal(parseBandwidth('--bandwidth', '1.5gbit'), 1.5e9);
    for (const bad of ['100', '100mb', '0.5kbit', '2000gbit']) {
      assert.match(
        usage(() => parseBandwidth('--bandwidth', bad)),
        /^--bandwidth: expected a bandwidth from 1kbit to 1000gbit/,
      );
    }
  });

  it('host:port and lists', () => {
    assert.equal(parseHostPort('--target', '[::1]:8500'), '[::1]:8500');
    assert.match(
      usage(() => parseHostPort('--target', 'localhost')),
      /^--target: expected host:port such as 127\.0\.0\.1:8500, got "localhost"$/,
    );
    assert.deepEqual(parseList('--batch-size', '5, 25,100'), ['5', '25', '100']);
    assert.match(
      usage(() => parseList('--batch-size', '5,,25')),
      /without empty items/,
    );
    assert.equal(
      usage(() => parseList('--batch-size', '5,5')),
      '--batch-size: "5" is listed twice',
    );
  });
});

describe('parseOptions and the shared options', () => {
  const table = {
    seed: SHARED_OPTIONS.seed,
    candidates: SHARED_OPTIONS.candidates,
    out: SHARED_OPTIONS.out,
    json: SHARED_OPTIONS.json,
  };

  it("rewords node:util's errors on one line: unknown option, missing value, stray argument, switch with a value", () => {
    assert.equal(
      usage(() => parseOptions(['--nope'], table)),
      'unknown option "--nope" (see --help)',
    );
    assert.equal(
      usage(() => parseOptions(['--seed'], table)),
      '--seed: expected a value, got nothing',
    );
    assert.equal(
      usage(() => parseOptions(['extra'], table)),
      'unexpected argument "extra" (options start with --; see --help)',
    );
    assert.equal(
      usage(() => parseOptions(['--json=yes'], table)),
      '--json: is a switch and takes no value',
    );
    assert.equal(
      usage(() => parseOptions(['--out', '--json'], table)),
      '--out: expected a value, got "--json" (a value starting with "-" is written --out=<value>)',
    );
    assert.equal(
      usage(() => parseOptions(['--out=--json'], table)),
      '--out: expected a value, got "--json"',
    );
    assert.ok(
      !nodeErrorText(
        new Error(
          "Option '--x' argument is ambiguous.\nDid you forget to specify the option argument for '--x'?\nTo specify an option argument starting with a dash use '--x=-XYZ'.",
        ),
      ).includes('\n'),
    );
  });

  it('--seed and --candidates read the same way for every command', () => {
    const { values } = parseOptions(['--seed', '7', '--candidates', '10_000'], table);
    assert.equal(readSeed(values), 7);
    assert.equal(readCandidates(values), 10_000);
    assert.equal(
      usage(() => readSeed(parseOptions(['--seed', '1e2'], table).values)),
      '--seed: expected an integer from 0 to 4294967295, got "1e2"',
    );
    assert.equal(
      usage(() => readCandidates(parseOptions(['--candidates', '0'], table).values)),
      '--candidates: expected an integer from 1 to 1000000, got "0"',
    );
  });

  it('--data family: one DataSpec; --data-format without --data is refused', () => {
    const t = {
      data: SHARED_OPTIONS.data,
      'data-format': SHARED_OPTIONS['data-format'],
      'skip-corrupt': SHARED_OPTIONS['skip-corrupt'],
      candidates: SHARED_OPTIONS.candidates,
    };
    assert.deepEqual(readData(parseOptions(['--data', 'a.jsonl', '--skip-corrupt'], t).values), {
      path: 'a.jsonl',
      format: null,
      skipCorrupt: true,
      candidates: null,
    });
    assert.equal(
      usage(() => readData(parseOptions(['--data-format', 'jsonl'], t).values)),
      '--data-format and --skip-corrupt go with --data <file>',
    );
    assert.equal(
      usage(() => readData(parseOptions(['--data', 'a', '--data-format', 'csv'], t).values)),
      '--data-format: expected one of tfrecord-example, tfrecord-elwc, jsonl, got "csv"',
    );
  });

  it('--formats names the unknown id and the known ones', () => {
    const t = { formats: SHARED_OPTIONS.formats };
    assert.ok(readFormats(parseOptions([], t).values, 'all').length >= 10);
    assert.match(
      usage(() => readFormats(parseOptions(['--formats', 'tensor-content,protobuf'], t).values, 'all')),
      /^--formats: unknown format "protobuf" \(formats: json-rows, /,
    );
  });

  it('--format-module is taken out of argv before a command parses the rest', () => {
    assert.deepEqual(takeFormatModules(['--quick', '--format-module', 'a.js', '--format-module=b.js', '--json']), {
      modules: ['a.js', 'b.js'],
      rest: ['--quick', '--json'],
    });
    assert.equal(
      usage(() => takeFormatModules(['--format-module'])),
      '--format-module: expected a path to a module, got ""',
    );
  });
});

describe('payload-bench', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/payload-bench.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

  it('--help lists every command; every command has its file', () => {
    const r = cli('--help');
    assert.equal(r.status, 0);
    for (const name of Object.keys(COMMANDS)) {
      assert.match(r.stdout, new RegExp(`^  ${name}\\s+\\S`, 'm'), `${name} listed`);
      assert.ok(existsSync(join(ROOT, 'src/cli/commands', `${name}.ts`)), `src/cli/commands/${name}.ts`);
    }
    for (const name of ['bench', 'e2e', 'serve', 'dump', 'formats', 'report', 'check', 'scenario'])
      assert.ok(name in COMMANDS, `${name} is a command`);
  });

  it('--version prints the package version; no command is a usage error; an unknown one names the commands', () => {
    assert.equal(cli('--version').stdout.trim(), VERSION);
    const none = cli();
    assert.equal(none.status, 2);
    assert.match(none.stdout, /^Usage: payload-bench <command>/);
    const unknown = cli('benchmark');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^payload-bench: unknown command "benchmark" \(commands: bench, e2e, serve, /);
  });
});
