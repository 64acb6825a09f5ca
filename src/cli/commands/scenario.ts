// `payload-bench scenario infer --data <file> --out <scenario.json>`: infer a scenario
// from recorded requests and show how close its synthetic requests come to the data.
// `payload-bench scenario show <preset|file>`: print a validated scenario.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseCodec } from '../../codecs/index.js';
import {
  compareInferred,
  DataError,
  importData,
  inferScenario,
  toRankingRequest,
  type DataFormat,
} from '../../data/index.js';
import { FORMATS, FormatError, parseFormatList } from '../../formats/index.js';
import { loadScenario, parseScenario, ScenarioError } from '../../scenario/index.js';

const USAGE = `usage:
  payload-bench scenario infer --data <file> --out <scenario.json> [--name NAME] [--data-format tfrecord-example|tfrecord-elwc|jsonl]
                            [--skip-corrupt] [--candidates N] [--max-requests N] [--formats a,b] [--codec zstd:3]
  payload-bench scenario show <preset|file>`;

function fail(msg: string, code = 2, usage = true): never {
  process.stderr.write(`scenario: ${msg}\n${usage ? `${USAGE}\n` : ''}`);
  process.exit(code);
}

function main(): void {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === '--help' || cmd === '-h') {
    process.stdout.write(`${USAGE}
`);
    return;
  }
  if (cmd === 'show') {
    if (rest.length !== 1) fail('show takes one preset name or file');
    process.stdout.write(`${JSON.stringify(loadScenario(rest[0]!), null, 2)}\n`);
    return;
  }
  if (cmd !== 'infer') fail(cmd ? `unknown command "${cmd}"` : 'missing command');
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        data: { type: 'string' },
        out: { type: 'string' },
        name: { type: 'string' },
        'data-format': { type: 'string' },
        'skip-corrupt': { type: 'boolean' },
        candidates: { type: 'string' },
        'max-requests': { type: 'string' },
        formats: { type: 'string' },
        codec: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (typeof values.data !== 'string') fail('--data <file> is required');
  if (typeof values.out !== 'string') fail('--out <scenario.json> is required');
  const int = (flag: string): number | undefined => {
    const v = values[flag];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) fail(`--${flag} expects a positive integer, got "${String(v)}"`);
    return n;
  };
  const formatFlag = values['data-format'];
  if (formatFlag !== undefined && !['tfrecord-example', 'tfrecord-elwc', 'jsonl'].includes(formatFlag as string)) {
    fail(`--data-format expects tfrecord-example, tfrecord-elwc or jsonl, got "${String(formatFlag)}"`);
  }
  const candidates = int('candidates');
  const maxRequests = int('max-requests') ?? 50;
  const data = importData(values.data, {
    format: formatFlag as DataFormat | undefined,
    skipCorrupt: values['skip-corrupt'] === true,
    ...(candidates ? { candidates } : {}),
  });
  const name = typeof values.name === 'string' ? values.name : 'inferred';
  const scenario = inferScenario(data.requests, {
    name,
    description: `Inferred by payload-bench from ${data.requests.length} requests of ${data.format} data (aggregate statistics only).`,
  });
  // Round-trip through the validator: what we write must load back.
  parseScenario(JSON.parse(JSON.stringify(scenario)), 'inferred scenario');
  writeFileSync(values.out, `${JSON.stringify(scenario, null, 2)}\n`);
  const ctx = scenario.features.filter((f) => f.scope === 'context').length;
  process.stderr.write(
    `read ${data.records} records (${data.format}), ${data.requests.length} requests` +
      `${data.corrupt.length ? `, ${data.corrupt.length} corrupt skipped` : ''}${data.droppedExamples ? `, ${data.droppedExamples} examples left over after regrouping` : ''}\n` +
      `wrote ${values.out}: ${scenario.features.length} features (${ctx} context), ${scenario.candidates} candidates per request\n`,
  );
  const sample = data.requests.slice(0, maxRequests).map((r, i) => toRankingRequest(r, scenario, i));
  const formats = typeof values.formats === 'string' ? parseFormatList(values.formats) : [...FORMATS];
  const codec = parseCodec(typeof values.codec === 'string' ? values.codec : 'zstd:3');
  const rows = compareInferred(scenario, sample, formats, codec);
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  process.stdout.write(`synthetic vs real over ${sample.length} request(s); compression ratio with ${codec.label}\n`);
  process.stdout.write(
    `${'format'.padEnd(18)} ${'real bytes'.padStart(12)} ${'synthetic'.padStart(12)} ${'diff'.padStart(8)} ${'real ratio'.padStart(11)} ${'synth ratio'.padStart(12)} ${'diff'.padStart(8)}\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${r.format.padEnd(18)} ${String(r.realBytes).padStart(12)} ${String(r.syntheticBytes).padStart(12)} ${pct(r.bytesDiff).padStart(8)} ${r.realRatio.toFixed(2).padStart(11)} ${r.syntheticRatio.toFixed(2).padStart(12)} ${pct(r.ratioDiff).padStart(8)}\n`,
    );
  }
}

try {
  main();
} catch (err) {
  if (
    err instanceof DataError ||
    err instanceof ScenarioError ||
    err instanceof FormatError ||
    (err as Error).name === 'CodecError'
  )
    fail((err as Error).message, 2, false);
  throw err;
}
