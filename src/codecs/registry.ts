// Codec lookup by spec string (`gzip`, `gzip:1`, `zstd:-1`), for the CLI and scenario files:
// the one place that knows every codec id, and that words spec errors for users.
import { brotli } from './brotli.js';
import { deflate } from './deflate.js';
import { gzip } from './gzip.js';
import { identity } from './identity.js';
import { formatLevels } from './levels.js';
import { lz4 } from './lz4.js';
import { CodecError, type Codec, type CodecDescriptor, type CodecId, type CodecInfo } from './types.js';
import { zstd } from './zstd.js';

const DESCRIPTORS: Readonly<Record<CodecId, CodecDescriptor>> = { identity, gzip, deflate, zstd, brotli, lz4 };
const IDS = Object.keys(DESCRIPTORS) as CodecId[];

/** Every codec id, in display order: identity, gzip, deflate, zstd, brotli, lz4. */
export function codecIds(): CodecId[] {
  return [...IDS];
}

export function isCodecId(value: string): value is CodecId {
  return Object.hasOwn(DESCRIPTORS, value);
}

/** Id, one-line description, accepted levels, default level and implementation of every codec. */
export function describeCodecs(): CodecInfo[] {
  return IDS.map((id) => {
    const { description, levels, defaultLevel, implementation } = DESCRIPTORS[id];
    return { id, description, levels: [...levels], defaultLevel, implementation };
  });
}

/** The codec `id` at `level` (default: the codec's default level). */
export function createCodec(id: CodecId, level?: number): Codec {
  if (!isCodecId(id)) throw unknownCodec(id);
  return DESCRIPTORS[id].create(level);
}

/**
 * Parse `id` or `id:level`, e.g. `identity`, `gzip`, `gzip:1`, `zstd:-1`.
 * @throws CodecError naming the bad id or level and what is allowed
 */
export function parseCodec(spec: string): Codec {
  const text = spec.trim();
  if (text === '') throw new CodecError(`empty codec spec (codecs: ${IDS.join(', ')})`);
  const colon = text.indexOf(':');
  const id = colon < 0 ? text : text.slice(0, colon);
  if (!isCodecId(id)) throw unknownCodec(id);
  if (colon < 0) return createCodec(id);
  const levelText = text.slice(colon + 1);
  if (!/^-?\d+$/.test(levelText)) {
    throw new CodecError(
      `codec ${id}: level "${levelText}" is not an integer (levels: ${formatLevels(DESCRIPTORS[id].levels)})`,
    );
  }
  return createCodec(id, Number(levelText));
}

/**
 * Parse a comma-separated list such as `identity,gzip:1,zstd:3`.
 * @throws CodecError for an empty list or item, a bad item, or two items with the same label
 */
export function parseCodecList(list: string): Codec[] {
  const items = list.split(',').map((item) => item.trim());
  if (items.length === 1 && items[0] === '') {
    throw new CodecError(`empty codec list (codecs: ${IDS.join(', ')})`);
  }
  const codecs: Codec[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (item === '') throw new CodecError(`codec list "${list}": item ${i + 1} is empty`);
    const codec = parseCodec(item);
    if (seen.has(codec.label)) throw new CodecError(`codec list "${list}": ${codec.label} appears twice`);
    seen.add(codec.label);
    codecs.push(codec);
  });
  return codecs;
}

function unknownCodec(id: string): CodecError {
  return new CodecError(`unknown codec "${id}" (codecs: ${IDS.join(', ')})`);
}
