// Writes a built export to its folder. An existing folder is reused only when it is empty or
// holds an earlier export (its manifest.json), whose payloads are replaced; anything else is
// refused, so a mistyped --out never mixes files into an unrelated folder.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BuiltExport } from './build-export.js';
import { MANIFEST_FILE } from './build-export.js';

export class ExportFolderError extends Error {
  override name = 'ExportFolderError';
}

/** @returns the absolute folder written */
export function writeExport(built: BuiltExport, out: string): string {
  const dir = resolve(out);
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
      throw new ExportFolderError(
        `--out ${out}: the folder exists, is not empty and holds no earlier export (${MANIFEST_FILE}); give a new or empty folder`,
      );
    }
    rmSync(join(dir, 'payloads'), { recursive: true, force: true });
  }
  for (const f of built.files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
  return dir;
}
