// How close an inferred scenario's synthetic requests come to the real data:
// bytes per format and compression ratio, synthetic vs real, same candidate count.
import type { Codec } from '../codecs/index.js';
import type { Format } from '../formats/index.js';
import { generate } from '../scenario/generate.js';
import type { Scenario } from '../scenario/types.js';
import type { RankingRequest } from '../tensors/feature-batch.js';

export interface InferredComparison {
  format: string;
  realBytes: number;
  syntheticBytes: number;
  bytesDiff: number;
  realRatio: number;
  syntheticRatio: number;
  ratioDiff: number;
}

/** Compares over all `real` requests (summed) against synthetic requests of the same sizes. */
export function compareInferred(
  scenario: Scenario,
  real: readonly RankingRequest[],
  formats: readonly Format[],
  codec: Codec,
): InferredComparison[] {
  return formats.map((f) => {
    let rb = 0,
      sb = 0,
      rc = 0,
      sc = 0;
    real.forEach((r, i) => {
      const synth = generate({ ...scenario, candidates: r.candidates, seed: scenario.seed + i });
      const a = f.encode(r);
      const b = f.encode(synth);
      rb += a.length;
      sb += b.length;
      rc += codec.compress(a).length;
      sc += codec.compress(b).length;
    });
    const realRatio = rb / rc;
    const syntheticRatio = sb / sc;
    return {
      format: f.id,
      realBytes: rb,
      syntheticBytes: sb,
      bytesDiff: sb / rb - 1,
      realRatio,
      syntheticRatio,
      ratioDiff: syntheticRatio / realRatio - 1,
    };
  });
}
