// The BatchingParameters text-format parser and the batch queue rules, without a server:
// TF Serving's example files parse to what TF Serving would load; junk is refused with the
// file, line and field named; the queue forms, refuses and splits batches as
// SharedBatchScheduler does; the serve CLI exits 2 on a bad file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generate, loadScenario } from '../src/scenario/index.js';
import { Batcher, paddedSize, type BatchTask } from '../src/server/batcher.js';
import { mergeSegments } from '../src/server/merge-batches.js';
import { packBatch, unpackBatch } from '../src/server/pack-batch.js';
import { diffBatches, toFeatureBatch } from '../src/tensors/index.js';
import {
  BatchingParamsError,
  defaultBatchingParameters,
  formatBatchingParameters,
  parseBatchingParameters,
  type BatchingParameters,
} from '../src/server/index.js';
import { parseServeArgs } from '../src/args/serve-args.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = (name: string): string => readFileSync(join(ROOT, 'test/fixtures/batching', name), 'utf8');

describe('BatchingParameters text format', () => {
  it("parses the example of TF Serving's serving_config.md (also its testdata/batching_config.txt)", () => {
    const p = parseBatchingParameters(fixture('serving-config-example.txt'), 'example', 2);
    assert.deepEqual(p, {
      ...defaultBatchingParameters(2),
      maxBatchSize: 128,
      batchTimeoutMicros: 0,
      maxEnqueuedBatches: 1_000_000,
      numBatchThreads: 8,
      maxExecutionBatchSize: 128,
    });
  });

  it('parses splitting, allowed_batch_sizes, pad_variable_length_inputs, thread_pool_name and comments', () => {
    const p = parseBatchingParameters(fixture('split-and-pad.txt'), 'split', 2);
    assert.equal(p.maxBatchSize, 64);
    assert.equal(p.enableLargeBatchSplitting, true);
    assert.equal(p.maxExecutionBatchSize, 32);
    assert.deepEqual(p.allowedBatchSizes, [8, 16, 64]);
    assert.equal(p.padVariableLengthInputs, true);
    assert.equal(p.threadPoolName, 'ranker_batch_threads');
    // The canonical text reads back to the same parameters.
    assert.deepEqual(parseBatchingParameters(formatBatchingParameters(p), 'again', 2), {
      ...p,
      threadPoolName: 'batch_threads',
    });
  });

  it('accepts the other spellings of the text format: one line, angle brackets, list syntax, separators', () => {
    const p = parseBatchingParameters(
      'max_batch_size: < value: 16 >, allowed_batch_sizes: [4, 16]; num_batch_threads {value:1}',
      'x',
      2,
    );
    assert.equal(p.maxBatchSize, 16);
    assert.deepEqual(p.allowedBatchSizes, [4, 16]);
    assert.equal(p.numBatchThreads, 1);
  });

  it('an empty file is all defaults: 1000 rows, no timeout, 10 batches, one thread per core', () => {
    assert.deepEqual(parseBatchingParameters('# nothing\n', 'empty', 4), defaultBatchingParameters(4));
  });

  const refuses = (text: string, message: RegExp): void => {
    assert.throws(
      () => parseBatchingParameters(text, 'batching.txt', 2),
      (err: unknown) => {
        assert.ok(err instanceof BatchingParamsError, String(err));
        assert.match(err.message, message);
        return true;
      },
    );
  };

  it('refuses junk naming the file, the line and the field', () => {
    refuses(
      'max_batch_size { value: 8 }\nmax_batch_sise { value: 8 }\n',
      /^batching\.txt line 2: unknown field "max_batch_sise" \(BatchingParameters has: max_batch_size, /,
    );
    refuses(
      '\n\nmax_batch_size: 128\n',
      /^batching\.txt line 3: max_batch_size is a wrapper message: write max_batch_size \{ value: \.\.\. \}, got "128"/,
    );
    refuses('batch_timeout_micros { value: 1.5 }', /line 1: batch_timeout_micros: expected an integer, got "1\.5"/);
    refuses(
      'enable_large_batch_splitting { value: yes }',
      /line 1: enable_large_batch_splitting: expected true or false, got "yes"/,
    );
    refuses(
      'max_batch_size { value: 8 }\nmax_batch_size { value: 9 }',
      /line 2: max_batch_size is given twice \(first on line 1\)/,
    );
    refuses('max_batch_size { value: 8 ', /unexpected end of file, expected "}"/);
    refuses(
      'num_batch_threads { value: 2 extra: 1 }',
      /line 1: num_batch_threads: expected "}" \(the wrapper has one field, value\), got "extra"/,
    );
  });

  it("refuses what TF Serving refuses at load, in TF Serving's words", () => {
    refuses(
      'max_batch_size { value: 32 }\nallowed_batch_sizes: 8\nallowed_batch_sizes: 16',
      /allowed_batch_sizes: Last entry in allowed_batch_sizes must match max_batch_size; last entry was 16; expected 32/,
    );
    refuses('max_batch_size { value: 0 }', /input_batch_size_limit must be positive; was 0/);
    refuses('num_batch_threads { value: 0 }', /num_batch_threads must be positive; was 0/);
    refuses('batch_timeout_micros { value: -1 }', /batch_timeout_micros must be non-negative; was -1/);
    refuses(
      'max_batch_size { value: 8 }\nenable_large_batch_splitting { value: true }\nmax_execution_batch_size { value: 16 }',
      /input_batch_size_limit must be greater than or equal to max_execution_batch_size/,
    );
  });
});

describe('batch queue (SharedBatchScheduler rules)', () => {
  const params = (p: Partial<BatchingParameters>): BatchingParameters => {
    const b = { ...defaultBatchingParameters(1), ...p };
    if (p.maxExecutionBatchSize === undefined) b.maxExecutionBatchSize = b.maxBatchSize;
    return b;
  };
  const task = (size: number): BatchTask<number> => ({
    size,
    deadline: Infinity,
    enqueuedAt: 0,
    piecesLeft: 1,
    item: size,
  });

  it('fills the open batch, closes it when the next task does not fit; the open one waits for its timeout', () => {
    const b = new Batcher<number>(params({ maxBatchSize: 10, batchTimeoutMicros: 5000, numBatchThreads: 4 }));
    for (const n of [4, 4, 4]) assert.equal(b.schedule('s', task(n), 0), undefined);
    const first = b.next(1)!;
    assert.deepEqual(
      first.pieces.map((p) => p.task.item),
      [4, 4],
    );
    assert.equal(b.next(1), undefined, 'the open batch (4 rows) waits for the 5 ms timeout');
    assert.equal(b.nextTimeout(), 5);
    assert.deepEqual(
      b.next(5)!.pieces.map((p) => p.task.item),
      [4],
    );
  });

  it('a full open batch runs at once; batches go one per free batch thread', () => {
    const b = new Batcher<number>(params({ maxBatchSize: 8, batchTimeoutMicros: 1e9, numBatchThreads: 1 }));
    b.schedule('s', task(8), 0);
    b.schedule('s', task(8), 0);
    assert.equal(b.next(0)!.size, 8);
    assert.equal(b.next(0), undefined, 'the only batch thread is busy');
    b.done();
    assert.equal(b.next(0)!.size, 8);
  });

  it('signatures have their own queues, served round-robin', () => {
    const b = new Batcher<number>(params({ maxBatchSize: 4, numBatchThreads: 4 }));
    b.schedule('a', task(4), 0);
    b.schedule('a', task(4), 0);
    b.schedule('b', task(4), 0);
    assert.deepEqual([b.next(0)!.signature, b.next(0)!.signature, b.next(0)!.signature], ['a', 'b', 'a']);
  });

  it('splitting fills the open batch first, then batches of max_execution_batch_size', () => {
    const b = new Batcher<number>(
      params({
        maxBatchSize: 100,
        maxExecutionBatchSize: 8,
        enableLargeBatchSplitting: true,
        batchTimeoutMicros: 1e9,
        numBatchThreads: 8,
      }),
    );
    b.schedule('s', task(5), 0);
    const t = task(20);
    b.schedule('s', t, 0);
    assert.equal(t.piecesLeft, 4, '3 rows into the open batch, then 8, 8 and 1');
    assert.deepEqual([b.next(0)!.size, b.next(0)!.size, b.next(0)!.size], [8, 8, 8]);
    assert.equal(b.next(0), undefined, 'the last piece (1 row) waits in the open batch');
    const full = b.schedule('s', task(100), 0);
    assert.match(
      full!.message,
      /^The batch scheduling queue to which this task was submitted is full; task size is 100 but scheduling capacity is only 79 /,
    );
  });

  it('pads up to the smallest allowed batch size that fits, else leaves the size', () => {
    assert.equal(paddedSize([8, 16, 32], 9), 16);
    assert.equal(paddedSize([8, 16, 32], 8), 8);
    assert.equal(paddedSize([], 9), 9);
  });
});

describe('serve flags for batching', () => {
  const dir = mkdtempSync(join(tmpdir(), 'batching-'));

  it('the file and flags combine; flags win; a bad file is named with its line', () => {
    const file = join(dir, 'ok.txt');
    writeFileSync(file, fixture('ranker-25.txt'));
    const a = parseServeArgs([
      '--enable-batching',
      '--batching-parameters-file',
      file,
      '--batch-timeout-micros',
      '500',
      '--workers',
      '1',
    ]);
    assert.ok(a.ok);
    assert.equal(a.options.workers, 1);
    assert.equal(a.options.batching!.maxBatchSize, 25);
    assert.equal(a.options.batching!.batchTimeoutMicros, 500);
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'max_batch_size { value: 25 }\nbatch_timeout { value: 1 }\n');
    const b = parseServeArgs(['--enable-batching', '--batching-parameters-file', bad]);
    assert.ok(!b.ok);
    assert.match(b.error, new RegExp(`--batching-parameters-file: .*bad\\.txt line 2: unknown field "batch_timeout"`));
    const c = parseServeArgs(['--batching-parameters-file', file]);
    assert.ok(!c.ok);
    assert.match(c.error, /--batching-parameters-file is set without --enable-batching/);
    const d = parseServeArgs(['--enable-batching', '--max-batch-size', '32', '--allowed-batch-sizes', '8,16']);
    assert.ok(!d.ok);
    assert.match(
      d.error,
      /Last entry in allowed_batch_sizes must match max_batch_size; last entry was 16; expected 32/,
    );
  });

  it('npm run serve exits 2 with the message on a bad batching file', () => {
    const bad = join(dir, 'junk.txt');
    writeFileSync(bad, 'max_batch_size { value: lots }\n');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/commands/serve.ts',
        '--port',
        '0',
        '--enable-batching',
        '--batching-parameters-file',
        bad,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(r.status, 2);
    assert.match(r.stderr, /line 1: max_batch_size: expected an integer, got "lots"/);
  });
});

describe('batch data movement', () => {
  for (const preset of ['tiny', 'etsy-search', 'ads-heavy']) {
    it(`${preset}: packing is lossless; merged row ranges equal the rows of the whole request`, () => {
      const sc = loadScenario(preset, { candidates: 7, seed: 11 });
      const batch = toFeatureBatch(generate(sc));
      assert.equal(diffBatches(sc, unpackBatch(sc, packBatch(sc, batch)), batch), undefined);
      // Rows 0-2 and 3-6 of the request, merged, are the request; padding repeats row 3 (the last piece's first).
      const merged = mergeSegments(
        sc,
        [
          { batch, start: 0, end: 3 },
          { batch, start: 3, end: 7 },
        ],
        7,
      );
      assert.equal(diffBatches(sc, merged, batch), undefined);
      const padded = mergeSegments(
        sc,
        [
          { batch, start: 0, end: 3 },
          { batch, start: 3, end: 7 },
        ],
        9,
      );
      const want = mergeSegments(
        sc,
        [
          { batch, start: 0, end: 7 },
          { batch, start: 3, end: 4 },
          { batch, start: 3, end: 4 },
        ],
        9,
      );
      assert.equal(padded.candidates, 9);
      assert.equal(diffBatches(sc, padded, want), undefined);
    });
  }
});
