// Public surface of the results schema.
export * from './types.js';
export * from './percentiles.js';
export * from './validate-results.js';
export * from './read-results.js';
