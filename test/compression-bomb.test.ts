// A compression bomb on REST stops inflating at --max-decompressed-bytes (default 256 MiB) and is
// answered 413 naming the flag, instead of being inflated up to --max-message-bytes (2 GiB) and
// then refused by the parser. gRPC: grpc-js inflates as a stream and stops at its one limit,
// grpc.max_receive_message_length (--max-message-bytes), answering RESOURCE_EXHAUSTED.
import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { getFormat } from '../src/formats/index.js';
import { generate, loadScenario } from '../src/scenario/index.js';
import {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  DEFAULT_SERVER_OPTIONS,
  startServer,
  Status,
  type RunningServer,
} from '../src/server/index.js';
import { parseServeArgs } from '../src/args/serve-args.js';

const scenario = loadScenario('tiny');
const req = generate(scenario);
const CAP = 1 << 20;
const LIMIT = 8 << 20;

describe('compression bombs', () => {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startServer({
      port: 0,
      restPort: 0,
      scenario,
      maxMessageBytes: LIMIT,
      maxDecompressedBytes: CAP,
      workers: 0,
    });
  });
  after(() => server?.close());

  it('defaults and flag: 256 MiB, --max-decompressed-bytes takes KiB/MiB/GiB, bad values are named', () => {
    assert.equal(DEFAULT_MAX_DECOMPRESSED_BYTES, 256 * 1024 * 1024);
    assert.equal(DEFAULT_SERVER_OPTIONS.maxDecompressedBytes, DEFAULT_MAX_DECOMPRESSED_BYTES);
    const ok = parseServeArgs(['--max-decompressed-bytes', '64MiB']);
    assert.ok(ok.ok && ok.options.maxDecompressedBytes === 64 * 1024 * 1024);
    const bad = parseServeArgs(['--max-decompressed-bytes', 'lots']);
    assert.ok(
      !bad.ok &&
        /^--max-decompressed-bytes: expected a size from 1 B to 2147483647 B in bytes, KiB, MiB or GiB \(e\.g\. 64MiB\), got "lots"$/.test(
          bad.error,
        ),
      JSON.stringify(bad),
    );
  });

  it('REST: a gzip body inflating past the cap (below the message limit) is 413 naming --max-decompressed-bytes', async () => {
    // 4 MiB of zeros: under --max-message-bytes (8 MiB), over the decompressed cap (1 MiB).
    const body = gzipSync(new Uint8Array(4 << 20));
    const res = await fetch(`http://${server!.restAddress}/v1/models/ranker:predict`, {
      method: 'POST',
      body,
      headers: { 'content-encoding': 'gzip' },
    });
    assert.equal(res.status, 413);
    assert.deepEqual(await res.json(), {
      error: `gzip request body decompresses to more than ${CAP} bytes (--max-decompressed-bytes)`,
    });
    // A real gzip body under the cap still works.
    const good = await fetch(`http://${server!.restAddress}/v1/models/ranker:predict`, {
      method: 'POST',
      body: gzipSync(getFormat('json-rows').encode(req)),
      headers: { 'content-encoding': 'gzip' },
    });
    assert.equal(good.status, 200, await good.text());
  });

  it('REST /v2 (Open Inference Protocol): the same cap', async () => {
    const res = await fetch(`http://${server!.restAddress}/v2/models/ranker/infer`, {
      method: 'POST',
      body: gzipSync(new Uint8Array(4 << 20)),
      headers: { 'content-encoding': 'gzip' },
    });
    assert.equal(res.status, 413);
    assert.match(
      JSON.stringify(await res.json()),
      /decompresses to more than 1048576 bytes \(--max-decompressed-bytes\)/,
    );
  });

  it('gRPC: grpc-js stops inflating at the message limit and answers RESOURCE_EXHAUSTED', async () => {
    const payload = gzipSync(new Uint8Array(LIMIT + 4096));
    const frame = Buffer.alloc(5 + payload.length);
    frame[0] = 1;
    frame.writeUInt32BE(payload.length, 1);
    frame.set(payload, 5);
    const session = http2.connect(`http://${server!.grpcAddress}`);
    try {
      const status = await new Promise<{ code: number; details: string }>((resolve, reject) => {
        const s = session.request({
          ':method': 'POST',
          ':path': '/tensorflow.serving.PredictionService/Predict',
          'content-type': 'application/grpc',
          te: 'trailers',
          'grpc-encoding': 'gzip',
        });
        let code: string | undefined;
        let details = '';
        const take = (h: http2.IncomingHttpHeaders): void => {
          if (h['grpc-status'] !== undefined) code = String(h['grpc-status']);
          if (h['grpc-message'] !== undefined) details = decodeURIComponent(String(h['grpc-message']));
        };
        s.on('response', take);
        s.on('trailers', take);
        s.on('data', () => {});
        s.on('error', reject);
        s.on('close', () =>
          code === undefined ? reject(new Error('no grpc-status')) : resolve({ code: Number(code), details }),
        );
        s.end(frame);
      });
      assert.equal(status.code, Status.RESOURCE_EXHAUSTED, status.details);
      assert.match(status.details, new RegExp(`decompresses to a size larger than ${LIMIT}`));
    } finally {
      session.close();
    }
  });
});
