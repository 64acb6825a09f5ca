// Codec tests: byte-exact round trips at several levels, fflate as an independent reader of
// gzip/deflate output (the codecs use node:zlib), bombs, corrupt input, spec errors and
// determinism. Sizes are compared as relations; nothing here asserts a timing.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import {
  gunzipSync as fflateGunzip,
  gzipSync as fflateGzip,
  unzlibSync as fflateUnzlib,
  zlibSync as fflateZlib,
} from 'fflate';
import binding from 'zstd-napi/binding.js';
import {
  CodecError,
  DEFAULT_MAX_OUTPUT_BYTES,
  codecIds,
  createCodec,
  describeCodecs,
  parseCodec,
  parseCodecList,
  type Codec,
  type CodecId,
} from '../src/codecs/index.js';

const MiB = 1024 * 1024;

/** Levels exercised per codec: both ends of each range and the default. */
const SPECS: Record<CodecId, string[]> = {
  identity: ['identity'],
  gzip: ['gzip:1', 'gzip', 'gzip:9'],
  deflate: ['deflate:1', 'deflate', 'deflate:9'],
  zstd: ['zstd:-5', 'zstd:-1', 'zstd:1', 'zstd', 'zstd:19'],
  brotli: ['brotli:0', 'brotli', 'brotli:11'],
  lz4: ['lz4'],
};
const ALL_SPECS = Object.values(SPECS).flat();
const COMPRESSING = codecIds().filter((id) => id !== 'identity');

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(length: number, seed: number): Uint8Array {
  const next = mulberry32(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256);
  return out;
}

/** ~1 MiB resembling a feature payload: repeated ASCII names, quantized float32s, small ints. */
function repetitiveBytes(): Uint8Array {
  const next = mulberry32(7);
  const names = ['item_ctr_7d', 'item_price', 'user_age_bucket', 'query_match_bm25', 'position'];
  const text = new TextEncoder();
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < MiB) {
    for (const name of names) {
      const values = new Float32Array(4).map(() => Math.round(next() * 16) / 16);
      const part = [text.encode(name), new Uint8Array(values.buffer), Uint8Array.of(Math.floor(next() * 8))];
      for (const p of part) {
        parts.push(p);
        size += p.length;
      }
    }
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const INPUTS: Record<string, Uint8Array> = {
  empty: new Uint8Array(0),
  'one byte': Uint8Array.of(0x2a),
  'random 64 KiB': randomBytes(64 * 1024, 1),
  'repetitive ~1 MiB': repetitiveBytes(),
};
const REPETITIVE = INPUTS['repetitive ~1 MiB']!;

/** REPETITIVE compressed once per spec by a fresh codec (brotli:11 alone takes about a second). */
const compressedCache = new Map<string, Uint8Array>();
function compressedRepetitive(spec: string): Uint8Array {
  let out = compressedCache.get(spec);
  if (out === undefined) {
    out = Buffer.from(parseCodec(spec).compress(REPETITIVE));
    compressedCache.set(spec, out);
  }
  return out;
}

function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  assert.ok(Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected), `${what}: bytes differ`);
}

function assertCodecError(fn: () => unknown, message: RegExp | string, what?: string): void {
  assert.throws(
    fn,
    (err: unknown) => {
      assert.ok(err instanceof CodecError, `${what ?? ''} expected CodecError, got ${String(err)}`);
      if (typeof message === 'string') assert.equal(err.message, message, what);
      else assert.match(err.message, message, what);
      return true;
    },
    what,
  );
}

/** A codec still round-trips after it has thrown. */
function assertStillWorks(codec: Codec): void {
  const input = INPUTS['random 64 KiB']!;
  assertSameBytes(codec.decompress(codec.compress(input)), input, `${codec.label} after an error`);
}

describe('round trips', () => {
  for (const spec of ALL_SPECS) {
    it(`${spec} round-trips every input byte for byte`, () => {
      const codec = parseCodec(spec);
      for (const [name, input] of Object.entries(INPUTS)) {
        const compressed = codec.compress(input);
        assertSameBytes(codec.decompress(compressed), input, `${spec} ${name}`);
      }
    });
  }

  it('decompression does not depend on the level that compressed', () => {
    for (const id of COMPRESSING) {
      const [first, ...others] = SPECS[id];
      const reader = parseCodec(first!);
      for (const other of others) {
        assertSameBytes(reader.decompress(compressedRepetitive(other)), REPETITIVE, `${first} reads ${other}`);
      }
    }
  });

  it('round-trips a subarray view (non-zero byteOffset)', () => {
    const view = REPETITIVE.subarray(3, 70_003);
    for (const spec of ALL_SPECS.filter((s) => !s.endsWith(':19') && !s.endsWith(':11'))) {
      const codec = parseCodec(spec);
      assertSameBytes(codec.decompress(codec.compress(view)), view, spec);
    }
  });
});

describe('independent oracle (fflate) for the node:zlib codecs', () => {
  it('gzip output is RFC 1952 and readable by fflate', () => {
    for (const spec of SPECS.gzip) {
      const compressed = compressedRepetitive(spec);
      assert.deepEqual([compressed[0], compressed[1]], [0x1f, 0x8b], `${spec}: gzip magic`);
      assertSameBytes(fflateGunzip(compressed), REPETITIVE, spec);
    }
  });

  it('deflate output is zlib-wrapped (RFC 1950) and readable by fflate', () => {
    for (const spec of SPECS.deflate) {
      const compressed = compressedRepetitive(spec);
      const [cmf, flg] = [compressed[0]!, compressed[1]!];
      assert.equal(cmf & 0x0f, 8, `${spec}: CM must be 8 (deflate)`);
      assert.equal(((cmf << 8) | flg) % 31, 0, `${spec}: zlib header check`);
      assertSameBytes(fflateUnzlib(compressed), REPETITIVE, spec);
    }
  });

  it('gzip and deflate read what fflate writes', () => {
    assertSameBytes(parseCodec('gzip').decompress(fflateGzip(REPETITIVE, { level: 6 })), REPETITIVE, 'gzip');
    assertSameBytes(parseCodec('deflate').decompress(fflateZlib(REPETITIVE, { level: 6 })), REPETITIVE, 'deflate');
  });
});

describe('compression', () => {
  it('every non-identity codec shrinks compressible data', () => {
    for (const id of COMPRESSING) {
      for (const spec of SPECS[id]) {
        const size = compressedRepetitive(spec).length;
        assert.ok(size < REPETITIVE.length, `${spec}: ${size} >= ${REPETITIVE.length}`);
      }
    }
  });

  it('the highest level is no larger than the lowest', () => {
    for (const id of ['gzip', 'deflate', 'zstd', 'brotli'] as const) {
      const sizes = SPECS[id].map((spec) => compressedRepetitive(spec).length);
      assert.ok(sizes.at(-1)! <= sizes[0]!, `${id}: ${SPECS[id].join(', ')} gave ${sizes.join(', ')}`);
    }
  });

  it('identity returns its input unchanged', () => {
    const codec = parseCodec('identity');
    assert.equal(codec.compress(REPETITIVE), REPETITIVE);
    assert.equal(codec.decompress(REPETITIVE), REPETITIVE);
  });
});

describe('determinism', () => {
  it('the same input gives the same bytes, whatever the codec did before', () => {
    const other = randomBytes(10_000, 2);
    for (const spec of ALL_SPECS) {
      const codec = parseCodec(spec);
      const first = Buffer.from(codec.compress(REPETITIVE));
      codec.compress(other);
      codec.decompress(codec.compress(other));
      if (spec !== 'identity') assertCodecError(() => codec.decompress(other), /./, `${spec} on random bytes`);
      assertSameBytes(codec.compress(REPETITIVE), first, `${spec} second call`);
      assertSameBytes(compressedRepetitive(spec), first, `${spec} another instance`);
    }
  });
});

describe('decompression bombs', () => {
  const zeros = new Uint8Array(64 * MiB);

  for (const id of COMPRESSING) {
    it(`${id}: 64 MiB of zeros is rejected under a 1 MiB cap`, () => {
      const codec = createCodec(id);
      const bomb = codec.compress(zeros);
      assert.ok(bomb.length < 2 * MiB, `${id}: bomb is ${bomb.length} bytes`);
      assertCodecError(
        () => codec.decompress(bomb, MiB),
        new RegExp(`^codec ${codec.label}: decompressed output exceeds maxOutputBytes 1048576`),
      );
      assertStillWorks(codec);
    });
  }

  it('identity rejects input over the cap', () => {
    assertCodecError(() => parseCodec('identity').decompress(new Uint8Array(11), 10), /exceeds maxOutputBytes 10/);
  });

  it('zstd: a frame without a declared size is stopped while streaming', () => {
    const cctx = new binding.CCtx();
    cctx.setParameter(binding.CParameter.contentSizeFlag, 0);
    const dst = Buffer.alloc(MiB);
    const [remaining, produced] = cctx.compressStream2(dst, zeros, binding.EndDirective.end);
    assert.equal(remaining, 0);
    const bomb = dst.subarray(0, produced);
    assert.equal(binding.getFrameContentSize(bomb), null, 'frame must not declare its size');
    const codec = parseCodec('zstd');
    assertCodecError(
      () => codec.decompress(bomb, MiB),
      /^codec zstd:3: decompressed output exceeds maxOutputBytes 1048576$/,
    );
    assert.equal(codec.decompress(bomb, 64 * MiB).length, 64 * MiB);
    assertCodecError(() => codec.decompress(bomb.subarray(0, bomb.length - 4)), /input ends inside a frame/);
    assertStillWorks(codec);
  });

  it('lz4: a length prefix smaller than the block is corrupt, not a large allocation', () => {
    const codec = parseCodec('lz4');
    const lying = Buffer.from(codec.compress(zeros));
    lying.writeUInt32LE(1000, 0);
    assertCodecError(() => codec.decompress(lying, MiB), /^codec lz4: corrupt or truncated input/);
    assertStillWorks(codec);
  });

  it('an output of exactly maxOutputBytes is accepted, one byte less is rejected', () => {
    const input = REPETITIVE.subarray(0, 50_000);
    for (const spec of ALL_SPECS.filter((s) => s !== 'brotli:11')) {
      const codec = parseCodec(spec);
      const compressed = codec.compress(input);
      assertSameBytes(codec.decompress(compressed, input.length), input, `${spec} at the cap`);
      assertCodecError(() => codec.decompress(compressed, input.length - 1), /exceeds maxOutputBytes 49999/);
      assert.equal(codec.decompress(codec.compress(new Uint8Array(0)), 0).length, 0, `${spec}: empty under a 0 cap`);
    }
  });

  it('a bad maxOutputBytes is a CodecError naming it', () => {
    const codec = parseCodec('gzip');
    const compressed = codec.compress(INPUTS['one byte']!);
    for (const bad of [-1, 1.5, Number.NaN]) {
      assertCodecError(
        () => codec.decompress(compressed, bad),
        `codec gzip:6: maxOutputBytes must be a non-negative integer, got ${bad}`,
      );
    }
    assert.equal(DEFAULT_MAX_OUTPUT_BYTES, 2 ** 31);
  });
});

describe('corrupt input', () => {
  const garbage = randomBytes(200, 3);

  for (const id of COMPRESSING) {
    it(`${id}: empty, garbage and truncated input throw CodecError and the codec keeps working`, () => {
      const codec = createCodec(id);
      const compressed = codec.compress(REPETITIVE);
      const cases: Record<string, Uint8Array> = {
        empty: new Uint8Array(0),
        garbage,
        truncated: compressed.subarray(0, Math.floor(compressed.length / 2)),
      };
      if (id === 'lz4') {
        // Keep the garbage's declared length small so the block itself is what fails.
        const withPrefix = Buffer.from(garbage);
        withPrefix.writeUInt32LE(5000, 0);
        cases['garbage'] = withPrefix;
      }
      for (const [name, bytes] of Object.entries(cases)) {
        assertCodecError(
          () => codec.decompress(bytes),
          new RegExp(`^codec ${codec.label}: corrupt or truncated input \\(.+\\)$`),
          `${id} ${name}`,
        );
      }
      assertStillWorks(codec);
    });
  }

  for (const id of ['gzip', 'deflate', 'zstd'] as const) {
    it(`${id}: a flipped byte is caught by the checksum`, () => {
      const codec = createCodec(id);
      const damaged = Buffer.from(codec.compress(REPETITIVE));
      damaged[Math.floor(damaged.length / 2)]! ^= 0x55;
      assertCodecError(() => codec.decompress(damaged), /corrupt or truncated input/);
      assertStillWorks(codec);
    });
  }

  it('errors carry a message, not a library stack', () => {
    try {
      parseCodec('zstd').decompress(garbage);
      assert.fail('expected a CodecError');
    } catch (err) {
      assert.ok(err instanceof CodecError);
      assert.equal(err.name, 'CodecError');
      assert.ok(!err.message.includes('\n'), err.message);
      assert.equal(err.cause, undefined);
    }
  });
});

describe('registry', () => {
  it('lists the codec ids in order', () => {
    assert.deepEqual(codecIds(), ['identity', 'gzip', 'deflate', 'zstd', 'brotli', 'lz4']);
  });

  it('parses id and id:level specs', () => {
    const cases: [string, CodecId, number, string][] = [
      ['identity', 'identity', 0, 'identity'],
      ['identity:0', 'identity', 0, 'identity'],
      ['gzip', 'gzip', 6, 'gzip:6'],
      ['gzip:1', 'gzip', 1, 'gzip:1'],
      ['deflate:9', 'deflate', 9, 'deflate:9'],
      ['zstd', 'zstd', 3, 'zstd:3'],
      ['zstd:-1', 'zstd', -1, 'zstd:-1'],
      ['zstd:-5', 'zstd', -5, 'zstd:-5'],
      ['zstd:19', 'zstd', 19, 'zstd:19'],
      ['brotli', 'brotli', 4, 'brotli:4'],
      ['brotli:0', 'brotli', 0, 'brotli:0'],
      ['lz4', 'lz4', 0, 'lz4'],
      [' gzip:1 ', 'gzip', 1, 'gzip:1'],
    ];
    for (const [spec, id, level, label] of cases) {
      const codec = parseCodec(spec);
      assert.deepEqual([codec.id, codec.level, codec.label], [id, level, label], spec);
    }
  });

  it('parses a list', () => {
    assert.deepEqual(
      parseCodecList('identity,gzip:1,zstd:3').map((c) => c.label),
      ['identity', 'gzip:1', 'zstd:3'],
    );
    assert.deepEqual(
      parseCodecList(' lz4 , brotli ').map((c) => c.label),
      ['lz4', 'brotli:4'],
    );
  });

  it('rejects unknown ids and bad levels, naming the value and what is allowed', () => {
    const all = 'identity, gzip, deflate, zstd, brotli, lz4';
    const cases: [string, string][] = [
      ['gzp', `unknown codec "gzp" (codecs: ${all})`],
      ['GZIP', `unknown codec "GZIP" (codecs: ${all})`],
      ['', `empty codec spec (codecs: ${all})`],
      ['gzip:12', 'codec gzip: level 12 out of range 1..9'],
      ['gzip:0', 'codec gzip: level 0 out of range 1..9'],
      ['deflate:10', 'codec deflate: level 10 out of range 1..9'],
      ['zstd:0', 'codec zstd: level 0 out of range -5..-1, 1..19'],
      ['zstd:20', 'codec zstd: level 20 out of range -5..-1, 1..19'],
      ['zstd:-6', 'codec zstd: level -6 out of range -5..-1, 1..19'],
      ['brotli:12', 'codec brotli: level 12 out of range 0..11'],
      ['gzip:abc', 'codec gzip: level "abc" is not an integer (levels: 1..9)'],
      ['gzip:', 'codec gzip: level "" is not an integer (levels: 1..9)'],
      ['gzip:1.5', 'codec gzip: level "1.5" is not an integer (levels: 1..9)'],
      ['lz4:1', 'codec lz4: level 1 not supported (lz4 has no levels; use "lz4")'],
      ['identity:3', 'codec identity: level 3 not supported (identity has no levels; use "identity")'],
    ];
    for (const [spec, message] of cases) assertCodecError(() => parseCodec(spec), message);
  });

  it('rejects bad lists', () => {
    assertCodecError(() => parseCodecList(''), /^empty codec list/);
    assertCodecError(() => parseCodecList('gzip,,zstd'), 'codec list "gzip,,zstd": item 2 is empty');
    assertCodecError(() => parseCodecList('gzip,gzip:6'), 'codec list "gzip,gzip:6": gzip:6 appears twice');
    assertCodecError(() => parseCodecList('gzip,zstd:99'), 'codec zstd: level 99 out of range -5..-1, 1..19');
  });

  it('createCodec validates levels the same way', () => {
    assert.equal(createCodec('zstd', -3).label, 'zstd:-3');
    assertCodecError(() => createCodec('gzip', 1.5), 'codec gzip: level 1.5 out of range 1..9');
    assertCodecError(() => createCodec('nope' as CodecId), /^unknown codec "nope"/);
  });

  it('describes every codec with its levels, default and installed library version', () => {
    const require = createRequire(import.meta.url);
    const zstdVersion = (require('zstd-napi/package.json') as { version: string }).version;
    const infos = describeCodecs();
    assert.deepEqual(
      infos.map((d) => d.id),
      codecIds(),
    );
    for (const info of infos) {
      assert.ok(info.description.length > 0 && !info.description.includes('\n'), info.id);
      assert.ok(info.levels.includes(info.defaultLevel), info.id);
      assert.deepEqual(
        [...info.levels],
        [...info.levels].sort((a, b) => a - b),
        info.id,
      );
      assert.equal(createCodec(info.id).implementation, info.implementation);
      assert.equal(createCodec(info.id).level, info.defaultLevel);
    }
    const byId = Object.fromEntries(infos.map((d) => [d.id, d]));
    assert.match(
      byId['zstd']!.implementation,
      new RegExp(`^zstd-napi ${zstdVersion.replaceAll('.', '\\.')} \\(libzstd \\d`),
    );
    assert.match(byId['lz4']!.implementation, /^lz4-napi \d+\.\d+\.\d+$/);
    assert.match(byId['gzip']!.implementation, /^node:zlib \(zlib /);
    assert.match(byId['brotli']!.implementation, /^node:zlib \(brotli /);
    assert.deepEqual(byId['zstd']!.levels.slice(0, 6), [-5, -4, -3, -2, -1, 1]);
  });
});
