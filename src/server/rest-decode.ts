// The decoding half of TF Serving's REST prediction routes, callable on the main thread or a
// worker: decompress the body (Content-Encoding), pick the decoder (json-rows, json-columnar,
// msgpack-columnar for :predict; {"examples"} for :classify / :regress), and answer from the
// scores. The HTTP side (routing, reading bodies, status lines) stays in rest-handler.ts.
import { kMaxLength } from 'node:buffer';
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { Packr } from 'msgpackr';
import { getFormat } from '../formats/index.js';
import { parseJsonBody } from '../formats/json-columnar.js';
import { floatText } from '../formats/json-values.js';
import type { DecodedCall } from './call-kinds.js';
import { invalidArgument, ServingError, Status } from './errors.js';
import { sniffJson } from './json-sniff.js';
import { decodeExamplesJson } from './rest-examples.js';
import { inputSignature } from './rpc-methods.js';
import type { Servable } from './servable.js';
import { DEFAULT_SIGNATURE, SCORES_OUTPUT } from './signatures.js';
import { now } from '../common/server-timing.js';

/** An HTTP answer: status, body and its content type. */
export interface Reply {
  status: number;
  body: string | Uint8Array;
  contentType: string;
}

export type RestVerb = 'predict' | 'classify' | 'regress';

/** What a REST prediction call needs besides its body (plain data: it crosses to workers). */
export interface RestCallArgs {
  verb: RestVerb;
  /** Lower-cased Content-Encoding ('' or identity: none). */
  encoding: string;
  /** Body is msgpack (Content-Type application/msgpack). */
  msgpack: boolean;
  /** Decompressed bodies larger than this are refused (--max-message-bytes). */
  maxMessageBytes: number;
  /** Inflation stops past this many bytes (--max-decompressed-bytes); the smaller limit applies. @default maxMessageBytes */
  maxDecompressedBytes?: number;
}

const packr = new Packr({ useRecords: false, moreTypes: false });
const JSON_ROWS = getFormat('json-rows');
const JSON_COLUMNAR = getFormat('json-columnar');
const MSGPACK = getFormat('msgpack-columnar');

export const jsonReply = (body: string, status = 200): Reply => ({ status, body, contentType: 'application/json' });

/**
 * Decompress a request body per Content-Encoding, output capped at `max` bytes. node:zlib
 * inflates chunk by chunk and stops as soon as the output passes maxOutputLength, so a
 * compression bomb costs at most `max` bytes and the time to inflate them, not its full size.
 * `flag` names the limit in the error.
 */
export function decompressBody(body: Uint8Array, encoding: string, max: number, flag = '--max-message-bytes'): Buffer {
  const maxOutputLength = Math.min(Math.max(max, 1), kMaxLength);
  const run = (fn: (b: Uint8Array, o: { maxOutputLength: number }) => Buffer): Buffer => {
    try {
      return fn(body, { maxOutputLength });
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ServingError(
          Status.RESOURCE_EXHAUSTED,
          `${encoding} request body decompresses to more than ${max} bytes (${flag})`,
          413,
        );
      }
      throw invalidArgument(`Failed to decompress ${encoding} request body: ${(err as Error).message}`);
    }
  };
  if (encoding === 'gzip' || encoding === 'x-gzip') return run(gunzipSync);
  // HTTP's "deflate" is zlib-wrapped; some clients send raw deflate.
  if (body.length >= 2 && ((body[0]! << 8) | body[1]!) % 31 === 0 && (body[0]! & 0x0f) === 8) return run(inflateSync);
  return run(inflateRawSync);
}

/**
 * Inflate a REST body under both limits: the smaller of --max-message-bytes and
 * --max-decompressed-bytes, the error naming the one that applied.
 */
export function decompressCapped(
  body: Uint8Array,
  encoding: string,
  limits: { maxMessageBytes: number; maxDecompressedBytes?: number },
): Buffer {
  const cap = limits.maxDecompressedBytes;
  return cap !== undefined && cap < limits.maxMessageBytes
    ? decompressBody(body, encoding, cap, '--max-decompressed-bytes')
    : decompressBody(body, encoding, limits.maxMessageBytes);
}

type RestPlan = { verb: 'predict'; shape: 'rows' | 'columns' | 'msgpack' } | { verb: 'classify' | 'regress' };

/** Decompress (timed apart) and decode a REST prediction body. */
export function decodeRestCall(servable: Servable, body: Uint8Array, args: RestCallArgs): DecodedCall {
  let bytes = body;
  let decompressMs: number | undefined;
  if (args.encoding && args.encoding !== 'identity') {
    const t = now();
    bytes = decompressCapped(body, args.encoding, args);
    decompressMs = now() - t;
  }
  const d =
    args.verb === 'predict'
      ? decodePredictBody(servable, bytes, args.msgpack)
      : decodeExamplesBody(servable, bytes, args.verb === 'classify');
  if (decompressMs !== undefined) d.decompressMs = decompressMs;
  return d;
}

function decodePredictBody(servable: Servable, bytes: Uint8Array, msgpack: boolean): DecodedCall {
  const schema = servable.schema;
  if (msgpack) {
    const { batch } = MSGPACK.decode(bytes, schema);
    return { batch, plan: { verb: 'predict', shape: 'msgpack' } satisfies RestPlan, signature: DEFAULT_SIGNATURE };
  }
  const sniff = sniffJson(bytes);
  // A body the scan cannot follow: let the JSON parser word the error.
  if (!sniff.wellFormed) parseJsonBody(bytes);
  if (sniff.dataKeys.length === 0) throw invalidArgument("Missing 'inputs' or 'instances' key");
  if (sniff.dataKeys.length > 1)
    throw invalidArgument("Not formatted correctly expecting only one of 'inputs' or 'instances' keys exists");
  const key = sniff.signatureName || DEFAULT_SIGNATURE;
  const sig = servable.signatures.get(key);
  if (!sig) throw invalidArgument(`Serving signature name: "${key}" not found in signature def`);
  if (sig.kind !== 'columnar') {
    throw invalidArgument(
      `signature "${key}" is not served over REST by this stub: REST :predict decodes the columnar "${DEFAULT_SIGNATURE}" signature (json-rows, json-columnar, msgpack-columnar); use gRPC Predict for "${key}"`,
    );
  }
  const rows = sniff.dataKeys[0] === 'instances';
  const { batch } = (rows ? JSON_ROWS : JSON_COLUMNAR).decode(bytes, schema);
  return { batch, plan: { verb: 'predict', shape: rows ? 'rows' : 'columns' } satisfies RestPlan, signature: key };
}

function decodeExamplesBody(servable: Servable, bytes: Uint8Array, classify: boolean): DecodedCall {
  const { signatureName, batch } = decodeExamplesJson(bytes, servable.schema);
  const sig = inputSignature(servable, signatureName, classify ? 'Classify' : 'Regress');
  return { batch, plan: { verb: classify ? 'classify' : 'regress' } satisfies RestPlan, signature: sig.key };
}

/** The 200 answer of a decoded REST call, from its scores. */
export function respondRest(_servable: Servable, plan: unknown, scores: Float32Array): Reply {
  const p = plan as RestPlan;
  if (p.verb === 'predict') {
    if (p.shape === 'msgpack') {
      return {
        status: 200,
        contentType: 'application/msgpack',
        body: packr.pack({
          outputs: {
            [SCORES_OUTPUT]: {
              dtype: 'float32',
              shape: [scores.length],
              data: Buffer.from(scores.buffer, scores.byteOffset, scores.byteLength),
            },
          },
        }),
      };
    }
    return jsonReply(`{"${p.shape === 'rows' ? 'predictions' : 'outputs'}":[${floatList(scores)}]}`);
  }
  const classify = p.verb === 'classify';
  const parts = new Array<string>(scores.length);
  for (let i = 0; i < scores.length; i++)
    parts[i] = classify ? `[["",${floatText(scores[i]!)}]]` : floatText(scores[i]!);
  return jsonReply(`{"results":[${parts.join(',')}]}`);
}

function floatList(v: Float32Array): string {
  const parts = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) parts[i] = floatText(v[i]!);
  return parts.join(',');
}
