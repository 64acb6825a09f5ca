// `payload-bench <command>`: the one command-line entry. Finds the command, loads any
// --format-module plug-ins (so every later step sees them by id), runs the command and
// returns its exit code. Each command lives in src/cli/commands/<command>.ts.
import { readFileSync } from 'node:fs';
import { FormatError, loadFormatModules } from '../formats/index.js';
import { EXIT_USAGE, UsageError } from '../args/validators.js';
import { COMMANDS, type CommandModule, type CommandName } from './commands/index.js';

/** This package's version, from its package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

export function mainUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: payload-bench <command> [options]

Benchmarks how ranking features travel to TensorFlow Serving: every payload format, every
codec, bytes, CPU and end-to-end latency.

Commands:
${lines.join('\n')}

Options:
  -h, --help       this help; \`payload-bench <command> --help\` for a command's options
  -v, --version    print the version

Every command takes --format-module <path> (repeatable) where formats are chosen: a module
whose default export implements Format, measured next to the built-in formats.
Exit codes: 0 done, 1 failure, 2 bad arguments; see each command's help for the rest.
npm run <command> -- [options] is the same as payload-bench <command> [options].`;
}

/** Splits `--format-module <path>` / `--format-module=<path>` out of argv. */
export function takeFormatModules(argv: readonly string[]): { modules: string[]; rest: string[] } {
  const modules: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--format-module=')) modules.push(a.slice('--format-module='.length));
    else if (a === '--format-module') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('-') || v.trim() === '')
        throw new UsageError(`--format-module: expected a path to a module, got ${JSON.stringify(v ?? '')}`);
      modules.push(v);
    } else rest.push(a);
  }
  for (const m of modules)
    if (m.trim() === '') throw new UsageError('--format-module: expected a path to a module, got ""');
  return { modules, rest };
}

/**
 * Runs one command line (without node and script). Resolves with the exit code, or with
 * undefined when the command set process.exitCode itself.
 */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    process.stdout.write(`${mainUsage()}\n`);
    return first === undefined ? EXIT_USAGE : 0;
  }
  if (first === '-v' || first === '--version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, first)) {
    process.stderr.write(
      `payload-bench: unknown command ${JSON.stringify(first)} (commands: ${Object.keys(COMMANDS).join(', ')}; see --help)\n`,
    );
    return EXIT_USAGE;
  }
  const name = first as CommandName;
  const command = COMMANDS[name];
  let args = rest;
  try {
    if (command.formatModules) {
      const taken = takeFormatModules(rest);
      args = taken.rest;
      await loadFormatModules(taken.modules);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof FormatError) {
      process.stderr.write(`payload-bench ${name}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  if ('script' in command && command.script) {
    process.argv = [process.argv[0]!, `payload-bench ${name}`, ...args];
    await command.load();
    return undefined;
  }
  const mod = (await command.load()) as CommandModule;
  return mod.run!(args, name);
}

/** The process entry: runs main() on process.argv and sets the exit code. */
export function runCli(argv: readonly string[] = process.argv.slice(2)): void {
  main(argv).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`payload-bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
