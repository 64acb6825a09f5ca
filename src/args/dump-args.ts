// Command-line parsing for `npm run dump`: argv in, a typed DumpConfig or a usage error
// (exit 2). Pure: checks the format and codec against their registries, loads nothing.
import { CodecError, parseCodec } from '../codecs/index.js';
import { FormatError, getFormat, type FormatId } from '../formats/index.js';
import { MAX_CANDIDATES } from '../scenario/index.js';
import { DEFAULT_SCENARIO } from '../bench/measure-plan.js';
import { intOption } from './bench-args.js';
import { nodeErrorText, parseOptions, UsageError } from './validators.js';

export type { DumpConfig } from '../bench/dump-request.js';
import type { DumpConfig } from '../bench/dump-request.js';

export type ParsedDumpArgs =
  | { kind: 'run'; config: DumpConfig }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string; exitCode: 2 };

export const DUMP_USAGE = `Usage: payload-bench dump --format <id> --out <file> [options]

Writes the exact bytes one format puts on the wire for one request (optionally
compressed) and prints one JSON line describing them on stdout.

Options:
  --format <id>           format id (see npm run formats)                  required
  --out <file>            file to write                                     required
  --codec <spec>          compress with this codec, e.g. gzip:6 (default identity)
  --scenario <preset|file>  scenario (default ${DEFAULT_SCENARIO})
  --candidates <N>        override the scenario's candidate count
  --seed <S>              override the scenario's seed
  -h, --help              show this help`;

const OPTIONS = {
  format: { type: 'string' },
  codec: { type: 'string' },
  scenario: { type: 'string' },
  candidates: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseDumpArgs(argv: readonly string[]): ParsedDumpArgs {
  const fail = (message: string): ParsedDumpArgs => ({ kind: 'error', message, exitCode: 2 });
  let parsed;
  try {
    parsed = parseOptions(argv, OPTIONS, { positionals: Number.MAX_SAFE_INTEGER });
  } catch (err) {
    return fail(nodeErrorText(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help', text: DUMP_USAGE };
  if (positionals.length) return fail(`unexpected argument "${positionals[0]}" (options start with --; see --help)`);
  const required = (v: string | undefined): string | undefined =>
    v === undefined || v.trim() === '' || v.startsWith('--') ? undefined : v;
  const formatId = required(values.format);
  if (!formatId) return fail('--format is required: one format id (see npm run formats)');
  const out = required(values.out);
  if (!out) return fail('--out is required: the file to write the request bytes to');
  try {
    const format = getFormat(formatId.trim()).id;
    const codec = parseCodec(values.codec ?? 'identity').label;
    const scenario = values.scenario ?? DEFAULT_SCENARIO;
    if (scenario.trim() === '') return fail('--scenario: expected a preset name or a file path, got an empty string');
    return {
      kind: 'run',
      config: {
        format,
        codec,
        scenario,
        candidates: intOption('--candidates', values.candidates, 1, MAX_CANDIDATES) ?? null,
        seed: intOption('--seed', values.seed, 0, 0xffffffff) ?? null,
        out,
      },
    };
  } catch (err) {
    if (err instanceof FormatError || err instanceof CodecError || err instanceof UsageError) return fail(err.message);
    throw err;
  }
}
