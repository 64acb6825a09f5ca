// Collects the environment a run was measured in (runtime, machine, package and codec
// versions, git commit), so results carry what is needed to compare them with others.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeCodecs } from '../codecs/index.js';
import type { Env } from '../results/index.js';

/** Repository root (where package.json and node_modules live). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
}

function readPackageJson(file: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** This tool's own name and version from package.json. */
export function toolVersion(root = REPO_ROOT): string {
  return readPackageJson(join(root, 'package.json'))?.version ?? '0.0.0';
}

/**
 * Installed versions of every runtime dependency: node_modules/<name>/package.json, looked up
 * the way Node resolves packages (this package's node_modules, then each parent's), so an
 * installed payload-bench whose dependencies were hoisted into the project still finds them.
 */
export function packageVersions(root = REPO_ROOT): Record<string, string> {
  const deps = Object.keys(readPackageJson(join(root, 'package.json'))?.dependencies ?? {}).sort();
  const out: Record<string, string> = {};
  for (const name of deps) {
    let version: string | undefined;
    for (let dir = root; !version; dir = dirname(dir)) {
      const file = join(dir, 'node_modules', name, 'package.json');
      if (existsSync(file)) version = readPackageJson(file)?.version;
      if (dirname(dir) === dir) break;
    }
    out[name] = version || 'not installed';
  }
  return out;
}

/** Codec id -> implementation and version, e.g. `zstd` -> `zstd-napi 0.0.13 (libzstd 1.5.7)`. */
export function codecVersions(ids?: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of describeCodecs()) if (!ids || ids.includes(c.id)) out[c.id] = c.implementation;
  return out;
}

/** `git` output, or null when git or the repository is unavailable. Read-only commands only. */
function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', ['--no-optional-locks', ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    }).trim();
  } catch {
    return null;
  }
}

export function collectEnv(codecIds?: readonly string[], root = REPO_ROOT): Env {
  // Only this package's own checkout: an installed copy must not report its host project's commit.
  const commit = existsSync(join(root, '.git')) ? git(['rev-parse', 'HEAD'], root) : null;
  // Dirty: uncommitted or untracked changes to what is measured (not to results/ or docs).
  const status =
    commit === null
      ? null
      : git(
          [
            'status',
            '--porcelain',
            '--untracked-files=normal',
            '--',
            'src',
            'bench',
            'package.json',
            'package-lock.json',
            'tsconfig.json',
          ],
          root,
        );
  const cpus = os.cpus();
  return {
    node: process.versions.node,
    v8: process.versions.v8,
    zlib: process.versions.zlib ?? 'unknown',
    platform: process.platform,
    arch: process.arch,
    os: `${os.type()} ${os.release()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    packages: packageVersions(root),
    codecVersions: codecVersions(codecIds),
    gitCommit: commit && /^[0-9a-f]{40,64}$/.test(commit) ? commit : null,
    gitDirty: commit === null || status === null ? null : status.length > 0,
  };
}
