// `npm run dump`'s work: the exact bytes one format (and optionally one codec) puts on the
// wire for a scenario's request, and the one-line description printed with them.
import { parseCodec } from '../codecs/index.js';
import { getFormat, methodLabel } from '../formats/index.js';
import { generate, loadScenario } from '../scenario/index.js';
import { scenarioFingerprint } from '../common/scenario-info.js';

export interface DumpConfig {
  format: string;
  /** Codec label; `identity` writes the encoded bytes as they are. */
  codec: string;
  scenario: string;
  candidates: number | null;
  seed: number | null;
  /** File to write. */
  out: string;
}

export interface DumpInfo {
  format: string;
  transport: string;
  /** e.g. `/tensorflow.serving.PredictionService/Predict` or `POST /v1/models/ranker:predict`. */
  method: string;
  codec: string;
  /** Bytes written (after the codec). */
  bytes: number;
  /** Encoded bytes before the codec. */
  rawBytes: number;
  path: string;
  scenario: string;
  candidates: number;
  seed: number;
  fingerprint: string;
  /** HTTP headers the body needs to be replayed (oip-binary: Inference-Header-Content-Length, of the raw bytes). */
  headers?: Record<string, string>;
}

/**
 * Encode (and compress) the request of `config.scenario`.
 * @throws ScenarioError for an unknown preset, a missing or invalid file
 */
export function dumpRequest(config: DumpConfig, path: string): { bytes: Uint8Array; info: DumpInfo } {
  const scenario = loadScenario(config.scenario, {
    ...(config.candidates !== null ? { candidates: config.candidates } : {}),
    ...(config.seed !== null ? { seed: config.seed } : {}),
  });
  const format = getFormat(config.format);
  const codec = parseCodec(config.codec);
  const encoded = format.encode(generate(scenario));
  const bytes = codec.compress(encoded);
  return {
    bytes,
    info: {
      format: format.id,
      transport: format.transport,
      method: methodLabel(format),
      codec: codec.label,
      bytes: bytes.length,
      rawBytes: encoded.length,
      path,
      scenario: scenario.name,
      candidates: scenario.candidates,
      seed: scenario.seed,
      fingerprint: scenarioFingerprint(scenario),
      ...(format.headers ? { headers: format.headers(encoded) } : {}),
    },
  };
}
