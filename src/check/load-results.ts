// Reads a results file for the check, turning every way it can be unusable into a
// CheckError with the right exit code (3: missing or incompatible baseline; 2: usage).
import { existsSync, readFileSync } from 'node:fs';
import { validateResults } from '../results/validate-results.js';
import { SCHEMA_VERSION, type Results } from '../results/index.js';
import { CheckError } from './types.js';

export function loadResults(path: string, role: 'baseline' | 'current'): Results {
  const code = role === 'baseline' ? 3 : 2;
  if (!existsSync(path)) {
    throw new CheckError(
      role === 'baseline'
        ? `no baseline at ${path}: create one with "npm run bench -- --check" (it measures, then stops here) and "npm run check -- --current results/check/latest.json --update-baseline", and commit it`
        : `no results at ${path}: run "npm run bench" first, or pass --current <file>`,
      code,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CheckError(`${role} ${path} is not valid JSON: ${(err as Error).message}`, code);
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== SCHEMA_VERSION) {
    throw new CheckError(
      `${role} ${path} has results schema version ${String(version)}, this payload-bench reads version ${SCHEMA_VERSION}${role === 'baseline' ? ': regenerate it with --update-baseline' : ''}`,
      3,
    );
  }
  const problems = validateResults(json);
  if (problems.length)
    throw new CheckError(
      `${role} ${path} is not a valid results file: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (+${problems.length - 3} more)` : ''}`,
      code,
    );
  return json as Results;
}
