// The one argument layer of every `payload-bench` command (src/args): option tables go through
// node:util parseArgs (strict), values through the validators below, and every mistake
// becomes a UsageError worded one way: the flag, the bad value, what is allowed (exit 2).
//
// Why node:util parseArgs and not commander or citty: it is built in (no dependency, no
// start-up cost), typed from an `as const` option table, and strict. What a framework adds
// (its own help text, its own error wording, exit codes) is exactly what we want to own:
// one error style and exit 2 everywhere. The layer on top is this folder: these validators, shared-options.ts and one
// module per command that turns argv into that command's typed config.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit code for a bad command line, in every command. */
export const EXIT_USAGE = 2;

/** A bad command-line argument. `message` names the flag, the value and what is allowed. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = EXIT_USAGE;
}

/** `--flag: expected <allowed>, got "<value>"`: the one wording for a bad value. */
export function badValue(flag: string, allowed: string, value: string): UsageError {
  return new UsageError(`${flag}: expected ${allowed}, got ${JSON.stringify(value)}`);
}

export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** What parseOptions returns: typed values (from the option table) and the positionals. */
export interface ParsedOptions<T extends OptionTable> {
  values: ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>>['values'];
  positionals: string[];
}

/**
 * Parse argv against an option table (strict: unknown options, missing values and stray
 * positionals are usage errors). A string value that looks like a flag (`--out --json`)
 * is refused: it is almost always a forgotten value.
 */
export function parseOptions<T extends OptionTable>(
  argv: readonly string[],
  options: T,
  opts: { positionals?: number } = {},
): ParsedOptions<T> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    // `--out --json`: node says "ambiguous" without the value; name it, as for any bad value.
    const ambiguous = /Option '(?:-\w, )?(--[^' ]+)' argument is ambiguous/.exec(
      err instanceof Error ? err.message : '',
    );
    const next = ambiguous ? argv[argv.indexOf(ambiguous[1]!) + 1] : undefined;
    if (ambiguous && next !== undefined) {
      throw new UsageError(
        `${ambiguous[1]}: expected a value, got ${JSON.stringify(next)} (a value starting with "-" is written ${ambiguous[1]}=<value>)`,
      );
    }
    throw new UsageError(nodeErrorText(err));
  }
  const max = opts.positionals ?? 0;
  if (parsed.positionals.length > max) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[max])} (options start with --; see --help)`,
    );
  }
  for (const [name, v] of Object.entries(parsed.values)) {
    for (const s of Array.isArray(v) ? v : [v]) {
      if (typeof s === 'string' && (s.trim() === '' || /^--[a-z]/.test(s))) throw badValue(`--${name}`, 'a value', s);
    }
  }
  return parsed;
}

/** node:util parseArgs errors, reworded on one line without Node's error code or advice. */
export function nodeErrorText(err: unknown): string {
  if (err instanceof UsageError) return err.message; // already worded (parseOptions)
  const msg = err instanceof Error ? err.message : String(err);
  const unknown = /Unknown option '([^']+)'/.exec(msg);
  if (unknown) return `unknown option ${JSON.stringify(unknown[1])} (see --help)`;
  const missing = /Option '(?:-\w, )?(--[^' ]+)(?: <value>)?' argument missing/.exec(msg);
  if (missing) return `${missing[1]}: expected a value, got nothing`;
  const ambiguous = /Option '(?:-\w, )?(--[^' ]+)' argument is ambiguous/.exec(msg);
  if (ambiguous) return `${ambiguous[1]}: a value starting with "-" must be written as ${ambiguous[1]}=<value>`;
  const notBoolean = /Option '(?:-\w, )?(--[^' ]+)' does not take an argument/.exec(msg);
  if (notBoolean) return `${notBoolean[1]}: is a switch and takes no value`;
  return `${msg.split('\n')[0]!.replace(/\.$/, '')} (see --help)`;
}

// ---- validators: text in, value out, or a UsageError in the one wording ----

export interface Range {
  min: number;
  max: number;
}

/**
 * A count: a decimal integer in [min, max]. `_` separators are allowed (`10_000`); hex,
 * exponents and fractions are not (`0x10`, `1e2`, `2.0`), so a value means what it reads.
 */
export function parseCount(flag: string, text: string, { min, max }: Range): number {
  const t = text.trim().replaceAll('_', '');
  const n = /^-?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw badValue(flag, `an integer from ${min} to ${max}`, text);
  return n;
}

/** A decimal number (`0.5`, `12`) in [min, max]; `above` makes the lower bound exclusive. */
export function parseDecimal(
  flag: string,
  text: string,
  { min, max, above = false }: Range & { above?: boolean },
): number {
  const t = text.trim();
  const n = /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(n) || (above ? n <= min : n < min) || n > max) {
    throw badValue(
      flag,
      `a decimal number ${above ? 'above' : 'from'} ${min} ${above ? 'and up to' : 'to'} ${max}`,
      text,
    );
  }
  return n;
}

/** A probability from 0 to 1. */
export function parseProbability(flag: string, text: string): number {
  return parseDecimal(flag, text, { min: 0, max: 1 });
}

/** A TCP port; 0 asks the OS for a free one when `allowZero`. */
export function parsePort(flag: string, text: string, { allowZero = true } = {}): number {
  return parseCount(flag, text, { min: allowZero ? 0 : 1, max: 65535 });
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** A size in bytes: `1048576`, `512KiB`, `64MiB`, `2GiB` (binary units; `64MB` is refused as ambiguous). */
export function parseSize(flag: string, text: string, { min, max }: Range): number {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Number(m[1]) * unit : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw badValue(
      flag,
      `a size from ${formatSize(min)} to ${formatSize(max)} in bytes, KiB, MiB or GiB (e.g. 64MiB)`,
      text,
    );
  }
  return n;
}

/** 65535 -> `65535 B`, 16777216 -> `16MiB`: exact, the largest unit that divides it. */
export function formatSize(bytes: number): string {
  for (const [unit, f] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= f && bytes % f === 0) return `${bytes / f}${unit}`;
  }
  return `${bytes} B`;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration in milliseconds: `500ms`, `10s`, `1.5s`, `2m`, `1h`. A unit is required
 * unless the value is 0 (`--warmup 0`), so `--duration 10` cannot mean 10 ms to one
 * reader and 10 s to another.
 */
export function parseDuration(flag: string, text: string, { min, max }: Range): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  const ms = m ? Number(m[1]) * (m[2] ? DURATION_UNITS[m[2].toLowerCase()]! : Number(m[1]) === 0 ? 1 : NaN) : NaN;
  if (!Number.isFinite(ms) || ms < min || ms > max) {
    throw badValue(
      flag,
      `a duration from ${formatDuration(min)} to ${formatDuration(max)} with a unit ms, s, m or h (e.g. 500ms, 10s)`,
      text,
    );
  }
  return ms;
}

/** 1500 -> `1.5s`, 120000 -> `2m`, 0 -> `0ms`. */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 60_000 === 0) return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 60_000}m`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A rate in events per second above 0 (`250`, `12.5`). */
export function parseRate(flag: string, text: string, { max }: { max: number }): number {
  const t = text.trim().replace(/\/s$/, '');
  const n = /^\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
  if (!(n > 0) || n > max) throw badValue(flag, `a rate per second above 0 and up to ${max}`, text);
  return n;
}

const BANDWIDTH_UNITS: Record<string, number> = { kbit: 1e3, mbit: 1e6, gbit: 1e9 };

/** A bandwidth in bits per second: `500kbit`, `100mbit`, `1.5gbit` (SI: 1 kbit = 1000 bit). */
export function parseBandwidth(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(kbit|mbit|gbit)\s*$/i.exec(text);
  const bps = m ? Number(m[1]) * BANDWIDTH_UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!(bps >= 1000) || bps > 1e12)
    throw badValue(flag, 'a bandwidth from 1kbit to 1000gbit with a unit kbit, mbit or gbit (e.g. 100mbit)', text);
  return bps;
}

/** `host:port` (IPv6 in brackets), port 1..65535. */
export function parseHostPort(flag: string, text: string): string {
  const t = text.trim();
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(t);
  const port = m ? Number(m[2]) : NaN;
  if (!(port >= 1 && port <= 65535)) throw badValue(flag, 'host:port such as 127.0.0.1:8500', text);
  return t;
}

/** `a,b,c`: trimmed items, none empty, none twice. */
export function parseList(flag: string, text: string): string[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw badValue(flag, 'a comma-separated list without empty items', text);
  const dup = parts.find((p, i) => parts.indexOf(p) !== i);
  if (dup !== undefined) throw new UsageError(`${flag}: ${JSON.stringify(dup)} is listed twice`);
  return parts;
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  const t = text.trim();
  if (!(choices as readonly string[]).includes(t)) throw badValue(flag, `one of ${choices.join(', ')}`, text);
  return t as T;
}

/** Throws unless at most one of the named flags is present. */
export function exclusive(values: Record<string, unknown>, ...flags: string[]): void {
  const given = flags.filter((f) => values[f] !== undefined);
  if (given.length > 1) throw new UsageError(`--${given[0]} and --${given[1]} exclude each other; give one`);
}
