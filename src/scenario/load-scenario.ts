// Resolves a preset name or a scenario file path and validates it. Touches the file system.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario, ScenarioError, type ParseOptions } from './parse-scenario.js';
import type { Scenario } from './types.js';

/** Folder holding the preset scenario files. */
export const PRESET_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/scenarios');

export function presetNames(): string[] {
  return readdirSync(PRESET_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** `ref` is a preset name (e.g. `etsy-search`) or a path to a scenario JSON file. */
export function loadScenario(ref: string, opts: ParseOptions = {}): Scenario {
  const isPath = ref.includes('/') || ref.includes('\\') || ref.endsWith('.json');
  const file = isPath ? resolve(ref) : join(PRESET_DIR, `${ref}.json`);
  if (!existsSync(file)) {
    throw new ScenarioError(
      isPath
        ? `scenario file not found: ${ref}`
        : `unknown scenario preset "${ref}" (presets: ${presetNames().join(', ')}; or pass a path to a .json file)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ScenarioError(`${ref}: not valid JSON: ${(err as Error).message}`);
  }
  return parseScenario(json, isPath ? ref : `preset ${ref}`, opts);
}
