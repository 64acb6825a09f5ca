// Public surface of the regression check.
export * from './types.js';
export * from './check.js';
export * from './compare-sizes.js';
export * from './compare-timings.js';
export * from './compare-instructions.js';
export * from './instruction-plan.js';
export * from './render-check.js';
export * from './fresh-sizes.js';
export * from './load-results.js';
export * from './remeasure.js';
export * from './merge-results.js';
