// `payload-bench export artillery` as a function: argv in, files written, an exit code out
// (0 written, 2 bad arguments, scenario, data or folder). The CLI and `npm run export` call it.
import { DataError } from '../../data/index.js';
import { resolveE2eInput } from '../../load/index.js';
import { ScenarioError } from '../../scenario/index.js';
import { buildExport, README_FILE, SCRIPT_FILE } from '../../export/build-export.js';
import { parseExportArgs } from '../../args/export-args.js';
import { ExportFolderError, writeExport } from '../../export/write-export.js';

export interface ExportIo {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: ExportIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export async function runExport(argv: readonly string[], io: ExportIo = STDIO): Promise<number> {
  const parsed = parseExportArgs(argv);
  if (parsed.kind === 'help') {
    io.out(`${parsed.text}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    io.err(`export: ${parsed.message}\n`);
    return parsed.exitCode;
  }
  const config = parsed.config;
  try {
    // Nothing is contacted at export time: the targets are where Artillery will send later.
    const input = await resolveE2eInput({ ...config.e2e, target: null, restTarget: null });
    const built = buildExport(config, input);
    const dir = writeExport(built, config.out);
    const m = built.manifest;
    const payloads = built.files.filter((f) => f.path.endsWith('.bin'));
    const bytes = payloads.reduce(
      (n, f) => n + (typeof f.content === 'string' ? f.content.length : f.content.byteLength),
      0,
    );
    io.out(
      `export: ${m.combinations.length} combination(s), ${payloads.length} payload file(s) (${(bytes / 1e6).toFixed(1)} MB) of scenario ${m.scenario.name} written to ${dir}\n` +
        `  ${SCRIPT_FILE}: ${m.load.warmupMs / 1000} s warmup + ${m.load.durationMs / 1000} s at ${m.load.rate} searches/s; ${README_FILE} has the commands\n`,
    );
    for (const w of m.warnings) io.err(`export: note: ${w}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ScenarioError) {
      io.err(`export: --scenario: ${err.message}\n`);
      return 2;
    }
    if (err instanceof DataError || err instanceof ExportFolderError) {
      io.err(`export: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/** The dispatcher's entry. */
export function run(argv: readonly string[]): Promise<number> {
  return runExport(argv);
}
