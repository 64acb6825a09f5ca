// Moved to src/common/scenario-info.ts; this re-export goes in phase 2.
export * from '../common/scenario-info.js';
