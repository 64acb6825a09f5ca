// Plug-in formats: a team's own encoder measured next to the built-in ones. A plug-in is a
// module whose default export implements Format; loading it checks its shape and registers
// it, after which it is found by id like any built-in (getFormat, parseFormatList, `all`).
// Whether it is *correct* is checked where every format is checked: the bench's round trip
// before timing (a wrong round trip fails the run, exit 4).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FORMATS, FormatError } from './registry.js';
import type { Format, FormatId } from './types.js';

/**
 * What a plug-in module's default export implements: `Format` with any id. The id must not
 * clash with a built-in format's and is what `--formats`, the results and reports show.
 */
export type PluginFormat = Omit<Format, 'id'> & { id: string };

/** Plug-in ids: lowercase letters, digits and dashes, like the built-in ids. */
const ID_RE = /^[a-z][a-z0-9-]{0,62}$/;

const plugins = new Map<string, { format: Format; source: string }>();
const modulePaths: string[] = [];

/** Absolute paths of the modules loaded so far, in load order: what a child process loads again. */
export function pluginModulePaths(): string[] {
  return [...modulePaths];
}

/** True for a format registered by a plug-in module. */
export function isPluginFormat(id: string): boolean {
  return plugins.has(id);
}

/**
 * Checks a value's shape against the Format interface and registers it. Returns the
 * registered format. Registering the same object twice is a no-op.
 * @throws FormatError naming the module and what is wrong
 */
export function registerFormat(value: unknown, source = 'registerFormat'): Format {
  const f = value as Partial<PluginFormat> | null;
  const problems: string[] = [];
  if (typeof f !== 'object' || f === null)
    throw new FormatError(`${source}: the default export is not a Format object (got ${typeof f})`);
  if (typeof f.id !== 'string' || !ID_RE.test(f.id))
    problems.push(`id must be lowercase letters, digits and dashes (got ${JSON.stringify(f.id)})`);
  if (typeof f.description !== 'string') problems.push('description must be a string');
  if (f.transport !== 'grpc' && f.transport !== 'rest')
    problems.push(`transport must be "grpc" or "rest" (got ${JSON.stringify(f.transport)})`);
  if (typeof f.rpc !== 'string') problems.push('rpc must name the RPC, e.g. "Predict"');
  if (typeof f.signature !== 'string') problems.push('signature must be a string, e.g. "serving_default"');
  if (typeof f.encode !== 'function') problems.push('encode(request) must be a function');
  if (typeof f.decode !== 'function') problems.push('decode(bytes, schema) must be a function');
  if (problems.length) throw new FormatError(`${source}: not a Format: ${problems.join('; ')}`);
  const existing = FORMATS.find((x) => x.id === f.id);
  if (existing !== undefined && existing === value) return existing;
  if (existing) {
    throw new FormatError(
      `${source}: format id "${f.id}" is taken by ${isPluginFormat(f.id!) ? `the plug-in ${plugins.get(f.id!)!.source}` : 'a built-in format'}; choose another id`,
    );
  }
  // The registry's list is typed with the built-in ids; a plug-in id is any valid string.
  const format = f as Format & { id: FormatId };
  (FORMATS as Format[]).push(format);
  plugins.set(format.id, { format, source });
  return format;
}

/**
 * Imports a plug-in module by path (relative to the current directory) and registers its
 * default export. A `.ts` module needs a TypeScript loader in the process (e.g. tsx).
 */
export async function loadFormatModule(path: string): Promise<Format> {
  const abs = resolve(path);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
  } catch (err) {
    throw new FormatError(
      `--format-module ${path}: cannot load it: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
  if (mod.default === undefined)
    throw new FormatError(`--format-module ${path}: the module has no default export (export default a Format)`);
  const format = registerFormat(mod.default, `--format-module ${path}`);
  if (!modulePaths.includes(abs)) modulePaths.push(abs);
  return format;
}

/** Loads several plug-in modules in order. */
export async function loadFormatModules(paths: readonly string[]): Promise<Format[]> {
  const out: Format[] = [];
  for (const p of paths) out.push(await loadFormatModule(p));
  return out;
}
