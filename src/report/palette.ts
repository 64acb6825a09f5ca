// Colours and orderings shared by every chart, so a format has the same colour in every
// chart, codecs keep one colour family per algorithm, and formats appear in one order.

/** Report order of the known format ids: REST JSON, per-example protos, tensors, baseline, Open Inference Protocol. */
export const KNOWN_FORMATS = [
  'json-rows',
  'json-columnar',
  'tf-example',
  'example-list',
  'elwc',
  'tensor-typed',
  'tensor-content',
  'tensor-broadcast',
  'tensor-packed',
  'msgpack-columnar',
  'oip-typed',
  'oip-raw',
  'oip-json',
  'oip-binary',
] as const;

const FORMAT_COLORS: Record<string, string> = {
  'json-rows': '#8c564b',
  'json-columnar': '#bcbd22',
  'tf-example': '#d62728',
  'example-list': '#ff7f0e',
  elwc: '#e377c2',
  'tensor-typed': '#17becf',
  'tensor-content': '#1f77b4',
  'tensor-broadcast': '#2ca02c',
  'tensor-packed': '#9467bd',
  'msgpack-columnar': '#7f7f7f',
  'oip-typed': '#393b79',
  'oip-raw': '#637939',
  'oip-json': '#8c6d31',
  'oip-binary': '#843c39',
};

/** For format ids this version does not know (a newer results file). */
const EXTRA_COLORS = ['#7b4173', '#3182bd', '#e6550d', '#31a354', '#6b6ecf', '#b5cf6b', '#e7ba52', '#d6616b'];

export function formatColor(format: string): string {
  const known = FORMAT_COLORS[format];
  if (known) return known;
  let h = 0;
  for (const ch of format) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return EXTRA_COLORS[h % EXTRA_COLORS.length]!;
}

/** Known formats in report order, then unknown ones alphabetically. */
export function orderFormats(formats: Iterable<string>): string[] {
  const set = new Set(formats);
  const known = KNOWN_FORMATS.filter((f) => set.has(f));
  const unknown = [...set].filter((f) => !(KNOWN_FORMATS as readonly string[]).includes(f)).sort();
  return [...known, ...unknown];
}

const CODEC_BASE: Record<string, [number, number, number]> = {
  identity: [120, 120, 120],
  gzip: [78, 121, 167],
  deflate: [118, 183, 178],
  zstd: [242, 142, 43],
  brotli: [89, 161, 79],
  lz4: [176, 122, 161],
};

function codecFamily(label: string): string {
  return label.split(':')[0]!;
}

/** Codecs: identity first, then by algorithm (in CODEC_BASE order), then by level. */
export function orderCodecs(codecs: Iterable<string>): string[] {
  const families = Object.keys(CODEC_BASE);
  const rank = (c: string): number => {
    const i = families.indexOf(codecFamily(c));
    return i < 0 ? families.length : i;
  };
  const level = (c: string): number => Number(c.split(':')[1] ?? 0);
  return [...new Set(codecs)].sort((a, b) => rank(a) - rank(b) || level(a) - level(b) || a.localeCompare(b));
}

/**
 * Colour of a codec label among `all` the labels on the chart: one hue per algorithm,
 * lighter for each further level of the same algorithm.
 */
export function codecColor(label: string, all: readonly string[]): string {
  const family = codecFamily(label);
  const base = CODEC_BASE[family] ?? [150, 150, 150];
  const siblings = orderCodecs(all.filter((c) => codecFamily(c) === family));
  const k = Math.max(0, siblings.indexOf(label));
  const mix = Math.min(0.6, k * 0.4);
  const [r, g, b] = base.map((v) => Math.round(v + (255 - v) * mix)) as [number, number, number];
  return `rgb(${r}, ${g}, ${b})`;
}

/** Dash pattern for a compression (line charts where colour is the format). */
export function compressionDash(compression: string): number[] {
  switch (codecFamily(compression)) {
    case 'identity':
      return [];
    case 'gzip':
      return [10, 5];
    case 'deflate':
      return [3, 4];
    case 'zstd':
      return [14, 4, 3, 4];
    case 'brotli':
      return [6, 3];
    default:
      return [2, 2];
  }
}

/** Light to dark: p50, p99, p99.9. */
export const PERCENTILE_COLORS = ['#9ecae1', '#4292c6', '#08306b'] as const;

export const OP_COLORS = {
  encode: '#f28e2b',
  decode: '#4e79a7',
  total: '#59a14f',
  floor: '#222222',
} as const;

/** Client stages in warm colours, server stages in blues and greens, unattributed grey. */
export const BREAKDOWN_COLORS = {
  clientEncodeMs: '#f28e2b',
  clientCompressMs: '#ffbe7d',
  serverReceiveMs: '#a0cbe8',
  serverDecompressMs: '#8cd17d',
  serverQueueMs: '#d4a6c8',
  serverDecodeMs: '#4e79a7',
  serverComputeMs: '#76b7b2',
  serverInjectedMs: '#e15759',
  clientDecodeMs: '#edc948',
  unattributedMs: '#bab0ac',
} as const;

/** The harness floor's mark on latency charts. */
export const FLOOR_COLOR = '#d62728';
