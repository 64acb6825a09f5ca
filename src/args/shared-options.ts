// Options several commands share, declared once: the parseArgs entry, the help line and the
// validation of the value. A command spreads the entries it takes into its own option table
// and calls the matching `read*` function, so `--seed x` is refused with the same words by
// bench, dump, e2e and serve alike.
import { CodecError, parseCodecList } from '../codecs/index.js';
import { DATA_FORMATS, type DataSpec } from '../data/load-data.js';
import { FormatError, parseFormatList, type Format } from '../formats/index.js';
import { MAX_CANDIDATES } from '../scenario/index.js';
import { badValue, parseChoice, parseCount, UsageError } from './validators.js';

/** The largest seed a scenario takes (an unsigned 32-bit integer). */
export const MAX_SEED = 0xffffffff;

/** parseArgs entries, by option name. Each command picks the ones it takes. */
export const SHARED_OPTIONS = {
  scenario: { type: 'string' },
  data: { type: 'string' },
  'data-format': { type: 'string' },
  'skip-corrupt': { type: 'boolean' },
  formats: { type: 'string' },
  codecs: { type: 'string' },
  seed: { type: 'string' },
  candidates: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  'format-module': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** One help line per shared option, aligned like every command's usage text. */
export const SHARED_HELP: Record<keyof typeof SHARED_OPTIONS, string> = {
  scenario: '--scenario <preset|file>   scenario preset name or JSON file',
  data: '--data <file>              your recorded requests: TFRecord of tf.Example or ExampleListWithContext, or JSON Lines of REST bodies',
  'data-format': `--data-format <f>          ${DATA_FORMATS.join(', ')} (default: detected)`,
  'skip-corrupt': '--skip-corrupt             skip and count corrupt records instead of stopping at the first',
  formats: '--formats <a,b|all>        formats (see payload-bench formats)',
  codecs: '--codecs <list>            codec specs, e.g. identity,gzip:1,zstd:3',
  seed: `--seed <S>                 override the scenario's seed (0..${MAX_SEED})`,
  candidates: `--candidates <N>           override the scenario's candidates (1..${MAX_CANDIDATES}); with --data, regroup into requests of N`,
  out: '--out <path>               where to write',
  json: '--json                     machine-readable output on stdout; tables and progress go to stderr',
  'format-module': '--format-module <path>     load a plug-in format (default export implements Format); repeatable',
  help: '-h, --help                 show this help',
};

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function text(values: Values, name: string): string | undefined {
  const v = values[name];
  if (v === undefined || typeof v === 'boolean') return undefined;
  if (Array.isArray(v)) throw new UsageError(`--${name} is given more than once`);
  return v;
}

/** --seed; null when absent. */
export function readSeed(values: Values): number | null {
  const t = text(values, 'seed');
  return t === undefined ? null : parseCount('--seed', t, { min: 0, max: MAX_SEED });
}

/** --candidates; null when absent. */
export function readCandidates(values: Values): number | null {
  const t = text(values, 'candidates');
  return t === undefined ? null : parseCount('--candidates', t, { min: 1, max: MAX_CANDIDATES });
}

/** --scenario given once; `fallback` when absent. */
export function readScenario(values: Values, fallback: string): string;
export function readScenario(values: Values, fallback: null): string | null;
export function readScenario(values: Values, fallback: string | null): string | null {
  const v = values.scenario;
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  if (list.length > 1) throw new UsageError('--scenario: give one scenario to this command');
  return typeof list[0] === 'string' ? list[0] : fallback;
}

/** --scenario, repeatable; each at most once. */
export function readScenarios(values: Values, fallback: readonly string[]): string[] {
  const v = values.scenario;
  const list = (Array.isArray(v) ? v : v === undefined ? [...fallback] : [v]).map(String);
  const dup = list.find((s, i) => list.indexOf(s) !== i);
  if (dup !== undefined) throw new UsageError(`--scenario: ${JSON.stringify(dup)} is given twice`);
  return list;
}

/** --data, --data-format, --skip-corrupt and --candidates as one DataSpec; null without --data. */
export function readData(values: Values): DataSpec | null {
  const path = text(values, 'data');
  const formatText = text(values, 'data-format');
  if (path === undefined) {
    if (formatText !== undefined || values['skip-corrupt'] !== undefined)
      throw new UsageError('--data-format and --skip-corrupt go with --data <file>');
    return null;
  }
  const format = formatText === undefined ? null : parseChoice('--data-format', formatText, DATA_FORMATS);
  return { path, format, skipCorrupt: values['skip-corrupt'] === true, candidates: readCandidates(values) };
}

/** --formats (`a,b` or `all`); `fallback` when absent. Unknown ids are usage errors. */
export function readFormats(values: Values, fallback: string): Format[] {
  const t = text(values, 'formats') ?? fallback;
  try {
    return parseFormatList(t);
  } catch (err) {
    if (err instanceof FormatError) throw new UsageError(`--formats: ${err.message}`);
    throw err;
  }
}

/** --codecs; `fallback` when absent. Returns codec labels such as `gzip:6`. */
export function readCodecs(values: Values, fallback: string): string[] {
  const t = text(values, 'codecs') ?? fallback;
  try {
    return parseCodecList(t).map((c) => c.label);
  } catch (err) {
    if (err instanceof CodecError) throw new UsageError(`--codecs: ${err.message}`);
    throw err;
  }
}

/** --format-module paths, in the order given. */
export function readFormatModules(values: Values): string[] {
  const v = values['format-module'];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.map((p) => {
    if (typeof p !== 'string') throw badValue('--format-module', 'a path to a module', String(p));
    return p;
  });
}
