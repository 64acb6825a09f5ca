// Public surface of data import: TFRecord / JSON Lines reading, schema inference, conversion.
export * from './crc32c.js';
export * from './tfrecord.js';
export * from './raw-example.js';
export * from './import-data.js';
export * from './infer-scenario.js';
export * from './to-request.js';
export * from './write-data.js';
export * from './compare-inferred.js';
export * from './load-data.js';
export * from './redact.js';
