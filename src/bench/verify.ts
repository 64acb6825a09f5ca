// Round-trip check run before any timing: for every codec, decode(decompress(compress(encode(r))))
// must equal toFeatureBatch(r) value for value, and gRPC formats must carry their ModelSpec
// (model name and signature) through. A mismatch fails the run; it is never timed.
import type { Codec } from '../codecs/index.js';
import { DEFAULT_MODEL, type Format } from '../formats/index.js';
import { diffBatches, toFeatureBatch, type RankingRequest } from '../tensors/index.js';

export class VerificationError extends Error {
  override name = 'VerificationError';
}

export interface VerifiedInputs {
  /** format.encode(req): the timed encode's output and the decode/compress input. */
  encoded: Uint8Array;
  /** codec label -> compress(encoded): the decompress input. */
  compressed: Map<string, Uint8Array>;
}

/**
 * Build every input the timed ops need and check each codec's round trip.
 * @throws VerificationError naming the format, codec and first difference
 */
export function verifyRoundTrips(format: Format, codecs: readonly Codec[], req: RankingRequest): VerifiedInputs {
  const expected = toFeatureBatch(req);
  const encoded = format.encode(req);
  const again = format.encode(req);
  if (!sameBytes(encoded, again))
    throw new VerificationError(`${format.id}: encode is not deterministic (two encodes of the same request differ)`);
  const compressed = new Map<string, Uint8Array>();
  for (const codec of codecs) {
    const where = `${format.id} with ${codec.label}`;
    let decoded;
    try {
      const packed = codec.compress(encoded);
      compressed.set(codec.label, packed);
      decoded = format.decode(codec.decompress(packed), req.schema);
    } catch (err) {
      throw new VerificationError(`${where}: round trip threw: ${err instanceof Error ? err.message : String(err)}`);
    }
    const diff = diffBatches(req.schema, decoded.batch, expected, { nanPayloads: format.nanPayloads !== false });
    if (diff !== undefined)
      throw new VerificationError(
        `${where}: decode(decompress(compress(encode(request)))) differs from the request: ${diff}`,
      );
    const spec = decoded.modelSpec;
    if (format.transport === 'grpc' && (spec?.name !== DEFAULT_MODEL || spec.signatureName !== format.signature)) {
      throw new VerificationError(
        `${where}: decoded ModelSpec ${JSON.stringify(spec ?? null)} differs from the one encoded (name "${DEFAULT_MODEL}", signature "${format.signature}")`,
      );
    }
  }
  return { encoded, compressed };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
