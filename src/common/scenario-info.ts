// ScenarioInfo for the results: the scenario's size and a fingerprint of exactly what was
// generated (or, for recorded data, of the schema and which request of which file), so sizes
// from two runs are compared only when they describe the same request.
import { createHash } from 'node:crypto';
import type { DataSummary } from '../data/index.js';
import type { ScenarioInfo } from '../results/index.js';
import type { Scenario } from '../scenario/index.js';

/** First 16 hex digits of SHA-256 over the validated features, candidates and seed. */
export function scenarioFingerprint(s: Scenario): string {
  const canonical = JSON.stringify({ candidates: s.candidates, seed: s.seed, features: s.features });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export function scenarioInfo(s: Scenario): ScenarioInfo {
  return {
    name: s.name,
    description: s.description,
    candidates: s.candidates,
    features: s.features.length,
    contextFeatures: s.features.filter((f) => f.scope === 'context').length,
    seed: s.seed,
    fingerprint: scenarioFingerprint(s),
  };
}

/**
 * ScenarioInfo of a recorded request (--data). Privacy: built from the schema and the data's
 * aggregate summary only; the fingerprint hashes the schema (names, dtypes, scopes, shapes;
 * not the fitted distributions), the file's path, its record and
 * request counts and the measured request's index (null: all, replayed), never the data's bytes.
 */
export function dataScenarioInfo(s: Scenario, data: DataSummary, measured: number | null): ScenarioInfo {
  const schema = data.schema === 'inferred' ? 'schema inferred from the data' : `checked against ${data.schema}`;
  const what =
    measured === null
      ? `${data.requests} recorded request(s) from ${data.path}, replayed round-robin (${data.format}, ${data.candidatesPerRequest.min}-${data.candidatesPerRequest.max} candidates)`
      : `Recorded request ${measured} of ${data.requests} from ${data.path} (${data.format}, ${s.candidates} candidates)`;
  const features = s.features.map((f) => [f.name, f.dtype, f.scope, f.shape]);
  const canonical = JSON.stringify({
    candidates: s.candidates,
    features,
    data: [data.path, data.format, data.records, data.requests, data.regroupedTo, measured],
  });
  return {
    ...scenarioInfo(s),
    description: `${what}; ${schema}.`,
    fingerprint: createHash('sha256').update(canonical).digest('hex').slice(0, 16),
  };
}
