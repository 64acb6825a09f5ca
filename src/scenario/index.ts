// Public surface of the scenario module: types, validation, presets, generator.
export * from './types.js';
export * from './prng.js';
export * from './parse-scenario.js';
export * from './load-scenario.js';
export * from './generate.js';
