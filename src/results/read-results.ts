// Reads parsed JSON as a Results object this version understands, for every reader of a
// saved file (report, check): a known schemaVersion (else a clear "unknown version" answer),
// then the strict schema validation of validate-results.ts, each problem named by its path.
import { SCHEMA_VERSION, type Results } from './types.js';
import { validateResults as strictProblems } from './validate-results.js';

/** Results schema versions this version of payload-bench reads. */
export const KNOWN_SCHEMA_VERSIONS: readonly number[] = [SCHEMA_VERSION];

export type ResultsValidation =
  | { state: 'valid'; results: Results }
  | { state: 'unknown-version'; version: unknown; message: string }
  | { state: 'invalid'; errors: string[] };

const MAX_ERRORS = 12;

/** Classifies parsed JSON: valid Results, an unknown schema version, or invalid (problems listed, at most 12). */
export function readResults(value: unknown): ResultsValidation {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { state: 'invalid', errors: ['results: expected an object'] };
  const v = (value as { schemaVersion?: unknown }).schemaVersion;
  if (typeof v !== 'number' || !KNOWN_SCHEMA_VERSIONS.includes(v)) {
    const shown = v === undefined ? 'nothing' : JSON.stringify(v);
    return {
      state: 'unknown-version',
      version: v,
      message: `schemaVersion ${shown} is not one this report reads (known: ${KNOWN_SCHEMA_VERSIONS.join(', ')}); re-run the bench with this version or use a matching payload-bench`,
    };
  }
  // Paths without the leading "$." read as the file's own field names.
  const problems = strictProblems(value).map((e) => e.replace(/^\$\.?/, ''));
  if (problems.length === 0) return { state: 'valid', results: value as Results };
  return {
    state: 'invalid',
    errors:
      problems.length > MAX_ERRORS ? [...problems.slice(0, MAX_ERRORS), '... (more problems not listed)'] : problems,
  };
}
