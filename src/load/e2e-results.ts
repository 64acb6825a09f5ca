// Wraps an end-to-end pass in a full Results object (results/e2e.json): same schema, env and
// config rules as the offline bench, with empty sizes and micro sections, the runs and the
// harness floor.
import { collectEnv, toolVersion } from '../common/env.js';
import { scenarioInfo } from '../common/scenario-info.js';
import { SCHEMA_VERSION, type Results } from '../results/index.js';
import type { Scenario } from '../scenario/index.js';
import type { E2eConfig } from './config.js';
import type { E2ePass } from './run-e2e.js';
import { formatBandwidth } from './units.js';

/** The config as recorded: bandwidths as labels, everything else verbatim. */
export function e2eConfigRecord(config: E2eConfig): Record<string, unknown> {
  return {
    command: 'e2e',
    ...config,
    bandwidths: config.bandwidths.map((b) => (b === null ? null : formatBandwidth(b))),
  };
}

export function e2eResults(
  config: E2eConfig,
  scenario: Scenario,
  pass: E2ePass,
  state: Results['state'],
  warnings: string[] = [],
): Results {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'payload-bench', version: toolVersion() },
    createdAt: new Date().toISOString(),
    env: collectEnv(['gzip', 'deflate']),
    config: e2eConfigRecord(config),
    scenarios: [scenarioInfo(scenario)],
    sizes: [],
    micro: [],
    e2e: pass.runs,
    harnessFloor: pass.harnessFloor,
    state,
    warnings: [...warnings, ...pass.warnings],
  };
}
