// Public surface of the formats module.
export * from './types.js';
export * from './registry.js';
export * from './plugins.js';
export * from './columnar.js';
export { EXAMPLES_INPUT } from './tf-example.js';
export { JsonSyntaxError, parseServingJson, parseServingJsonText } from './json-parse.js';
