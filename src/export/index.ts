// Public surface of `payload-bench export`: payloads, manifest and script for Artillery.
export * from './manifest.js';
export * from './config.js';
export * from './artillery-yaml.js';
export * from './build-export.js';
export * from './write-export.js';
