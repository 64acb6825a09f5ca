// Moved to src/common/env.ts (one module below every user); this re-export goes in phase 2.
export * from '../common/env.js';
