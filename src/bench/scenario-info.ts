// ScenarioInfo for the results: the scenario's size and a fingerprint of exactly what was
// generated, so sizes from two runs are compared only when they describe the same request.
import { createHash } from 'node:crypto';
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
