// Moved to src/common/text-table.ts; this re-export goes in phase 2.
export * from '../common/text-table.js';
