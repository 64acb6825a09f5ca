// Moved to src/common/units.ts; this re-export goes in phase 2.
export * from '../common/units.js';
