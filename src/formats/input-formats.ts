// Shared builder of the two Input-based formats (Classify / Regress / MultiInference).
import type { RankingRequest, Schema } from '../tensors/feature-batch.js';
import { decodeInputRequest, encodeInputRequest, type InputKind } from '../wire/input.js';
import { DecodeError } from '../wire/proto-reader.js';
import { DEFAULT_MODEL, type DecodedRequest, type EncodeOptions, type Format, type FormatId } from './types.js';

export function inputFormat(id: FormatId, description: string, kind: InputKind): Format {
  return {
    id,
    description,
    transport: 'grpc',
    rpc: 'Regress',
    signature: 'regression',
    encode(req: RankingRequest, opts: EncodeOptions = {}): Uint8Array {
      return encodeInputRequest(
        { name: opts.modelName ?? DEFAULT_MODEL, signatureName: opts.signatureName ?? 'regression' },
        req,
        kind,
        estimateExampleBytes(req),
      );
    },
    decode(bytes: Uint8Array, schema: Schema): DecodedRequest {
      const parsed = decodeInputRequest(bytes, schema, false);
      if (parsed.kind !== kind) throw new DecodeError(`expected Input.${kind}, got Input.${parsed.kind}`);
      return { batch: parsed.batch, modelSpec: parsed.modelSpec };
    },
  };
}

/** Rough serialized size, so the writer rarely regrows. */
export function estimateExampleBytes(req: RankingRequest): number {
  let perRow = 0;
  for (const f of req.schema.features) {
    const col = req.columns.get(f.name)!;
    const rows = f.scope === 'context' ? 1 : req.candidates;
    // Zero candidates: no item values, and no division by zero.
    const vals = rows > 0 ? col.values.length / rows : 0;
    perRow += f.name.length + 12 + (Array.isArray(col.values) ? vals * 16 : vals * 9);
  }
  return Math.ceil(perRow * req.candidates * 1.1) + 1024;
}
