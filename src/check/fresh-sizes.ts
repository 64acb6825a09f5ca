// Sizes-only check without a timed run: re-encodes the baseline's scenarios in every
// format and codec it covers (seconds, not minutes), as a Results object the exact
// size comparison can read. This is what this project's own CI runs. Default formats the
// baseline does not have yet are encoded too, so the check names them as new (a warning).
import { parseCodec } from '../codecs/index.js';
import { collectEnv } from '../common/env.js';
import { scenarioInfo } from '../common/scenario-info.js';
import { defaultFormats, getFormat } from '../formats/index.js';
import { SCHEMA_VERSION, type Results, type SizeRecord } from '../results/index.js';
import { generate, loadScenario } from '../scenario/index.js';

export function freshSizes(baseline: Results): Results {
  const known = new Set(baseline.sizes.map((s) => s.format));
  const formats = [...known].map(getFormat).concat(defaultFormats().filter((f) => !known.has(f.id)));
  const codecs = [...new Set(baseline.sizes.map((s) => s.codec))].map(parseCodec);
  const sizes: SizeRecord[] = [];
  // Scenario references as the baseline run was given them (preset names or file paths).
  const refs = Array.isArray(baseline.config.scenarios) ? (baseline.config.scenarios as unknown[]) : [];
  const scenarios = baseline.scenarios.map((info, i) => {
    const ref = typeof refs[i] === 'string' ? (refs[i] as string) : info.name;
    const scenario = loadScenario(ref, { candidates: info.candidates, seed: info.seed });
    const req = generate(scenario);
    for (const f of formats) {
      const raw = f.encode(req);
      for (const c of codecs) {
        if (
          known.has(f.id) &&
          !baseline.sizes.some((s) => s.scenario === info.name && s.format === f.id && s.codec === c.label)
        )
          continue;
        sizes.push({
          scenario: info.name,
          format: f.id,
          codec: c.label,
          rawBytes: raw.length,
          compressedBytes: c.compress(raw).length,
        });
      }
    }
    return scenarioInfo(scenario);
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: baseline.tool,
    createdAt: new Date().toISOString(),
    env: collectEnv(codecs.map((c) => c.id)),
    config: { mode: 'sizes-only' },
    scenarios,
    sizes,
    micro: [],
    state: 'complete',
    warnings: [],
  };
}
