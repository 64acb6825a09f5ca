// Shared utilities below every user (server, load, bench, report, check): environment
// capture, scenario fingerprints for results, number and unit formatting, text tables and
// order statistics. Imports only lower layers (codecs, results, data, scenario).
export * from './env.js';
export * from './scenario-info.js';
export * from './stats.js';
export * from './text-table.js';
export * from './units.js';
export * from './node-entry.js';
export * from './server-timing.js';
export * from './harness-paths.js';
