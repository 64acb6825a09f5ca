// All formats by id, and parsing of user-given format lists.
import { elwc } from './elwc.js';
import { exampleList } from './example-list.js';
import { jsonColumnar } from './json-columnar.js';
import { jsonRows } from './json-rows.js';
import { msgpackColumnar } from './msgpack-columnar.js';
import { oipBinary } from './oip-binary.js';
import { oipJson } from './oip-json.js';
import { oipRaw } from './oip-raw.js';
import { oipTyped } from './oip-typed.js';
import { tensorBroadcast } from './tensor-broadcast.js';
import { tensorContent } from './tensor-content.js';
import { tensorPacked } from './tensor-packed.js';
import { tensorTyped } from './tensor-typed.js';
import { tfExample } from './tf-example.js';
import type { Format, FormatId } from './types.js';

/** In the order reports list them: REST JSON, per-example protos, columnar tensors, baseline, Open Inference Protocol. */
export const FORMATS: readonly Format[] = [
  jsonRows,
  jsonColumnar,
  tfExample,
  exampleList,
  elwc,
  tensorTyped,
  tensorContent,
  tensorBroadcast,
  tensorPacked,
  msgpackColumnar,
  oipTyped,
  oipRaw,
  oipJson,
  oipBinary,
];

/**
 * Measured only when asked for (`--formats all` or by id): oip-typed and oip-json repeat what
 * tensor-typed and json-columnar already show for TF Serving, and leaving them out keeps the
 * default `npm run bench` within its five-minute budget. oip-raw and oip-binary, what
 * tritonclient's gRPC and HTTP clients send, are in the default set.
 */
export const OPT_IN_FORMATS: readonly FormatId[] = ['oip-typed', 'oip-json'];

/** The formats a run measures when none are named. */
export function defaultFormats(): Format[] {
  return FORMATS.filter((f) => !OPT_IN_FORMATS.includes(f.id));
}

export class FormatError extends Error {
  override name = 'FormatError';
}

export function formatIds(): FormatId[] {
  return FORMATS.map((f) => f.id);
}

export function getFormat(id: string): Format {
  const f = FORMATS.find((x) => x.id === id);
  if (!f) throw new FormatError(`unknown format "${id}" (formats: ${formatIds().join(', ')})`);
  return f;
}

/** `a,b,c` -> formats; `all` or empty -> every format. */
export function parseFormatList(list: string): Format[] {
  const ids = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0 || (ids.length === 1 && ids[0] === 'all')) return [...FORMATS];
  const out: Format[] = [];
  for (const id of ids) {
    const f = getFormat(id);
    if (out.includes(f)) throw new FormatError(`format "${id}" is listed twice`);
    out.push(f);
  }
  return out;
}
