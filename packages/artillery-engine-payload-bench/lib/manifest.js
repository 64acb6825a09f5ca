// @ts-check
// Reads an export folder's manifest.json and the payload files it lists, checking everything
// up front: a wrong path or a truncated file fails when Artillery loads the engine, with the
// offending file and what was expected, never in the middle of a run.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const MANIFEST_KIND = 'payload-bench/artillery-export';
export const MANIFEST_VERSION = 1;

/**
 * @typedef {{ file: string, bytes: number, candidates: number, headers?: Record<string, string> }} BatchEntry
 * @typedef {{ id: string, format: string, batchSize: number, searches: BatchEntry[][] }} PayloadSet
 * @typedef {{ key: string, scenarioName: string, format: string, compression: 'identity' | 'gzip' | 'deflate',
 *   batchSize: number, transport: 'grpc' | 'rest', path: string, contentType?: string, payloads: string }} Combination
 * @typedef {{ rate: number, arrival: 'constant' | 'poisson', warmupMs: number, durationMs: number, budgetMs: number, hardCapMs: number, connections: number | null }} LoadPlan
 * @typedef {{ kind: string, manifestVersion: number, modelName: string, load: LoadPlan,
 *   targets: { grpc: string, rest: string }, payloads: PayloadSet[], combinations: Combination[] }} Manifest
 * @typedef {{ combination: Combination, searches: { bytes: Buffer, headers?: Record<string, string>, candidates: number }[][] }} LoadedCombination
 */

export class ManifestError extends Error {
  name = 'ManifestError';
}

/**
 * @param {string} path absolute path of manifest.json
 * @returns {{ manifest: Manifest, combinations: Map<string, LoadedCombination> }}
 */
export function loadManifest(path) {
  /** @type {any} */
  let m;
  try {
    m = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ManifestError(`payload-bench engine: cannot read manifest ${path}: ${/** @type {Error} */ (err).message}`);
  }
  if (m?.kind !== MANIFEST_KIND) throw new ManifestError(`payload-bench engine: ${path}: expected kind "${MANIFEST_KIND}", got ${JSON.stringify(m?.kind)}`);
  if (m.manifestVersion !== MANIFEST_VERSION) {
    throw new ManifestError(`payload-bench engine: ${path}: manifestVersion ${JSON.stringify(m.manifestVersion)} is not supported (this engine reads ${MANIFEST_VERSION}); re-export with the same payload-bench version`);
  }
  if (!Array.isArray(m.payloads) || !Array.isArray(m.combinations) || m.combinations.length === 0) {
    throw new ManifestError(`payload-bench engine: ${path}: expected non-empty "payloads" and "combinations" arrays`);
  }
  const dir = dirname(path);
  /** @type {Map<string, LoadedCombination['searches']>} */
  const sets = new Map();
  for (const set of /** @type {PayloadSet[]} */ (m.payloads)) {
    if (!Array.isArray(set.searches) || set.searches.length === 0) throw new ManifestError(`payload-bench engine: ${path}: payload set "${set.id}" has no searches`);
    sets.set(
      set.id,
      set.searches.map((batches, s) =>
        batches.map((b, i) => {
          const file = resolve(dir, b.file);
          let bytes;
          try {
            bytes = readFileSync(file);
          } catch (err) {
            throw new ManifestError(`payload-bench engine: payload ${b.file} (search ${s}, batch ${i} of "${set.id}"): ${/** @type {Error} */ (err).message}`);
          }
          if (bytes.length !== b.bytes) throw new ManifestError(`payload-bench engine: payload ${b.file}: expected ${b.bytes} bytes, found ${bytes.length}`);
          return { bytes, candidates: b.candidates, ...(b.headers ? { headers: b.headers } : {}) };
        }),
      ),
    );
  }
  /** @type {Map<string, LoadedCombination>} */
  const combinations = new Map();
  for (const c of /** @type {Combination[]} */ (m.combinations)) {
    const searches = sets.get(c.payloads);
    if (!searches) throw new ManifestError(`payload-bench engine: ${path}: combination "${c.key}" names payload set "${c.payloads}", which is not in "payloads"`);
    if (c.transport !== 'grpc' && c.transport !== 'rest') throw new ManifestError(`payload-bench engine: combination "${c.key}": transport must be grpc or rest, got ${JSON.stringify(c.transport)}`);
    if (!['identity', 'gzip', 'deflate'].includes(c.compression)) throw new ManifestError(`payload-bench engine: combination "${c.key}": compression must be identity, gzip or deflate, got ${JSON.stringify(c.compression)}`);
    combinations.set(c.key, { combination: c, searches });
  }
  return { manifest: m, combinations };
}
