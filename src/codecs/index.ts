// Public surface of the codecs: the Codec interface, the registry, and one factory per codec.
export { CodecError, DEFAULT_MAX_OUTPUT_BYTES } from './types.js';
export type { Codec, CodecDescriptor, CodecId, CodecInfo } from './types.js';
export { codecIds, createCodec, describeCodecs, isCodecId, parseCodec, parseCodecList } from './registry.js';
export { formatLevels } from './levels.js';
export { createIdentityCodec } from './identity.js';
export { createGzipCodec } from './gzip.js';
export { createDeflateCodec } from './deflate.js';
export { createZstdCodec } from './zstd.js';
export { createBrotliCodec } from './brotli.js';
export { createLz4Codec } from './lz4.js';
