// @ts-check
// The stub's (and any server's) x-server-<phase>-ms trailers or headers, grouped into the
// stages of payload-bench's per-request breakdown (src/load/fan-out.ts requestStages).

/** @typedef {Record<string, number>} ServerTiming phase (the header's middle part, e.g. `batch-wait`) -> ms */

const HEADER = /^x-server-(.+)-ms$/;

/**
 * @param {Iterable<[string, unknown]>} entries header or metadata entries
 * @returns {ServerTiming}
 */
export function parseTiming(entries) {
  /** @type {ServerTiming} */
  const t = {};
  for (const [key, raw] of entries) {
    const m = HEADER.exec(key.toLowerCase());
    if (!m) continue;
    const v = Number(Array.isArray(raw) ? raw[0] : String(raw));
    if (Number.isFinite(v)) t[/** @type {string} */ (m[1])] = v;
  }
  return t;
}

/** @param {ServerTiming} t @param {string[]} names */
const sum = (t, ...names) => names.reduce((s, n) => s + (t[n] ?? 0), 0);

/**
 * @param {ServerTiming} t
 * @param {number | undefined} compressMs client-side compression time (REST), when measured
 */
export function requestStages(t, compressMs) {
  return {
    clientCompress: compressMs ?? sum(t, 'first-byte'),
    serverReceive: sum(t, 'receive'),
    serverDecompress: sum(t, 'decompress'),
    serverQueue: sum(t, 'queue', 'handoff', 'batch-wait'),
    serverDecode: sum(t, 'decode'),
    serverCompute: sum(t, 'merge', 'compute'),
    serverInjected: sum(t, 'fault'),
  };
}
