// Finds valgrind and builds the callgrind client-request addon (native/callgrind/callgrind.c)
// on demand with the system C compiler, against Debian's valgrind headers and Node's own
// headers. Nothing here is an npm dependency: `npm ci` works on a machine without valgrind,
// and instruction mode then says what to install (ValgrindMissingError) instead of failing
// at install time. The built addon is cached under node_modules/.cache, keyed by the source,
// the Node ABI and the architecture.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const ADDON_SOURCE = join(REPO_ROOT, 'native', 'callgrind', 'callgrind.c');
const CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'payload-bench');

/** What to install, for the message a user sees when instruction mode cannot run. */
export const VALGRIND_INSTALL_HINT =
  'install valgrind 3.x with its headers (Debian/Ubuntu: apt-get install valgrind; it ships /usr/include/valgrind/callgrind.h) and a C compiler (cc)';

/** Instruction mode cannot run here: valgrind, its headers, Node's headers or a C compiler are missing. */
export class ValgrindMissingError extends Error {
  override name = 'ValgrindMissingError';
}

export interface Valgrind {
  /** Absolute path of the valgrind executable. */
  path: string;
  /** `valgrind-3.19.0` */
  version: string;
}

/** valgrind on PATH (or $PAYLOAD_BENCH_VALGRIND), with its version. */
export function findValgrind(env: NodeJS.ProcessEnv = process.env): Valgrind {
  const path = env.PAYLOAD_BENCH_VALGRIND || 'valgrind';
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', env });
  if (r.error || r.status !== 0) {
    throw new ValgrindMissingError(
      `instruction counting needs valgrind, and "${path}" ${r.error ? 'was not found on PATH' : `exited with ${r.status}`}: ${VALGRIND_INSTALL_HINT}`,
    );
  }
  const resolved =
    env.PAYLOAD_BENCH_VALGRIND ||
    spawnSync('sh', ['-c', 'command -v valgrind'], { encoding: 'utf8', env }).stdout.trim() ||
    'valgrind';
  return { path: resolved, version: r.stdout.trim() };
}

/** Directories that may hold node_api.h: next to this Node binary first (official builds, setup-node), then the system's. */
function nodeIncludeDirs(): string[] {
  const prefix = dirname(dirname(process.execPath));
  return [join(prefix, 'include', 'node'), '/usr/include/node', '/usr/local/include/node'];
}

/** Directories that may hold valgrind/callgrind.h. */
function valgrindIncludeDirs(valgrind: Valgrind): string[] {
  return [join(dirname(dirname(valgrind.path)), 'include'), '/usr/include', '/usr/local/include'];
}

/**
 * Path of the built addon, building it first if needed.
 * @throws ValgrindMissingError naming the missing header or compiler
 */
export function buildAddon(valgrind: Valgrind): string {
  const source = readFileSync(ADDON_SOURCE);
  const key = createHash('sha256')
    .update(source)
    .update(process.versions.modules)
    .update(process.arch)
    .digest('hex')
    .slice(0, 12);
  const out = join(CACHE_DIR, `callgrind-${key}.node`);
  if (existsSync(out)) return out;
  const nodeInc = nodeIncludeDirs().find((d) => existsSync(join(d, 'node_api.h')));
  if (!nodeInc)
    throw new ValgrindMissingError(
      `instruction counting builds a small addon and needs Node's headers (node_api.h), looked in ${nodeIncludeDirs().join(', ')}: install Node from an official build or your distribution's nodejs-dev package`,
    );
  const vgInc = valgrindIncludeDirs(valgrind).find((d) => existsSync(join(d, 'valgrind', 'callgrind.h')));
  if (!vgInc)
    throw new ValgrindMissingError(
      `valgrind is installed but valgrind/callgrind.h is not (looked in ${valgrindIncludeDirs(valgrind).join(', ')}): ${VALGRIND_INSTALL_HINT}`,
    );
  const cc = process.env.CC || 'cc';
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(cc, ['-O2', '-shared', '-fPIC', '-Wall', `-I${nodeInc}`, `-I${vgInc}`, '-o', tmp, ADDON_SOURCE], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    const why =
      e.code === 'ENOENT'
        ? `no C compiler "${cc}" on PATH`
        : (e.stderr?.toString().trim().split('\n').slice(0, 5).join('\n') ?? String(err));
    throw new ValgrindMissingError(
      `could not build the callgrind addon (${ADDON_SOURCE}): ${why}; ${VALGRIND_INSTALL_HINT}`,
    );
  }
  renameSync(tmp, out);
  return out;
}

/** The addon's client requests, as the counting worker uses them. */
export interface CallgrindHooks {
  /** Trim and consolidate the C heap (glibc malloc_trim) before a region. */
  settle(): void;
  start(): void;
  stop(): void;
  dump(name: string): void;
  onValgrind(): boolean;
}
