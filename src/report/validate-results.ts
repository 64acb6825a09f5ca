// Moved to src/results/read-results.ts (one results validator); this re-export goes in phase 2.
export { readResults as validateResults, KNOWN_SCHEMA_VERSIONS, type ResultsValidation } from '../results/read-results.js';
