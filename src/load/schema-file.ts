// A scenario's schema written to a temporary scenario file, for the stub server process when
// the schema exists only in memory (inferred from --data). Schema only: names, dtypes, scopes,
// shapes; no distributions (the stub needs none, and nothing fitted from the data is written).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../scenario/index.js';

export interface SchemaFile {
  path: string;
  remove(): void;
}

export function writeSchemaFile(scenario: Scenario): SchemaFile {
  const dir = mkdtempSync(join(tmpdir(), 'payload-bench-schema-'));
  const path = join(dir, 'schema.json');
  const json = {
    name: scenario.name,
    description: 'Schema only (names, dtypes, scopes, shapes), written for the stub server.',
    candidates: scenario.candidates,
    features: scenario.features.map((f) => ({ name: f.name, dtype: f.dtype, scope: f.scope, shape: f.shape })),
  };
  writeFileSync(path, `${JSON.stringify(json)}\n`);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
