// Public surface of the canonical tensor types.
export * from './feature-batch.js';
export * from './named-tensor.js';
export * from './schema.js';
