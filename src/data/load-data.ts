// Loads a user's recorded requests for a run (bench, e2e, serve): imports the file, infers
// the schema from it (or checks the data against a given scenario, feature by feature),
// converts every request, and summarises the data for the results. Privacy: the summary,
// the warnings and every error message hold only feature names, counts and file positions;
// values from the data leave this module only inside the returned requests.
import { basename, extname } from 'node:path';
import { parseScenario } from '../scenario/parse-scenario.js';
import type { DType, FeatureSpec, Scenario } from '../scenario/types.js';
import { fixedWidth, type RankingRequest } from '../tensors/feature-batch.js';
import { importData, type DataFormat } from './import-data.js';
import { inferScenario } from './infer-scenario.js';
import type { RawFeature, RawKind, RawRequest } from './raw-example.js';
import { DataError } from './tfrecord.js';
import { toRankingRequest } from './to-request.js';

export const DATA_FORMATS: readonly DataFormat[] = ['tfrecord-example', 'tfrecord-elwc', 'jsonl'];

/** What the user asked for with --data, --data-format, --skip-corrupt and --candidates. */
export interface DataSpec {
  /** Path of the file of recorded requests. */
  path: string;
  /** Force a format; null detects it from the file. */
  format: DataFormat | null;
  /** Skip (and count) corrupt records instead of stopping at the first. */
  skipCorrupt: boolean;
  /** Regroup examples into requests of this many candidates; null replays records as recorded. */
  candidates: number | null;
}

/** Aggregate facts about the data, safe to record in results (no values). */
export interface DataSummary {
  path: string;
  format: DataFormat;
  /** Records (or lines) in the file, corrupt ones included. */
  records: number;
  /** Requests after regrouping: what is replayed. */
  requests: number;
  corruptSkipped: number;
  /** Examples left over when regrouping did not divide evenly (not used). */
  droppedExamples: number;
  /** --candidates: requests regrouped to this many candidates; null: as recorded. */
  regroupedTo: number | null;
  candidatesPerRequest: { min: number; max: number; mean: number };
  /** `inferred` from the data, or `scenario <name>` it was checked against. */
  schema: string;
  features: number;
}

export interface LoadedData {
  /** The inferred scenario, or the given one (validated against the data). */
  scenario: Scenario;
  /** Every request, converted against `scenario`, in file order. */
  requests: RankingRequest[];
  summary: DataSummary;
  /** Privacy-safe warnings for the results (counts, positions, feature names). */
  warnings: string[];
}

export interface LoadDataOptions {
  /** Check the data against this scenario instead of inferring one. */
  scenario?: Scenario;
  /** Name of the inferred scenario. @default the file's name without its extension */
  name?: string;
}

/**
 * Import, infer or check, convert.
 * @throws DataError naming the file, record and offset (corrupt data), or listing every
 *   feature the data and the given scenario disagree on
 */
export function loadData(spec: DataSpec, opts: LoadDataOptions = {}): LoadedData {
  const data = importData(spec.path, {
    ...(spec.format !== null ? { format: spec.format } : {}),
    skipCorrupt: spec.skipCorrupt,
    ...(spec.candidates !== null ? { candidates: spec.candidates } : {}),
  });
  const warnings: string[] = [];
  let scenario: Scenario;
  if (opts.scenario) {
    const check = checkAgainstScenario(data.requests, opts.scenario);
    if (check.problems.length) {
      throw new DataError(
        `${spec.path}: the data does not match scenario "${opts.scenario.name}":\n  ${check.problems.join('\n  ')}`,
      );
    }
    if (check.extra.length)
      warnings.push(
        `data: ${check.extra.length} feature(s) in the data are not in scenario "${opts.scenario.name}" and are not sent: ${preview(check.extra)}`,
      );
    scenario = opts.scenario;
  } else {
    const name = opts.name ?? (basename(spec.path, extname(spec.path)) || 'data');
    const inferred = inferScenario(data.requests, {
      name,
      description: `Schema inferred by payload-bench from ${data.requests.length} recorded request(s) of ${data.format} data (aggregate statistics only).`,
    });
    // Through the validator, as a scenario file would be (feature names the formats cannot carry fail here).
    scenario = parseScenario(JSON.parse(JSON.stringify(inferred)), `schema inferred from ${spec.path}`);
  }
  const requests = data.requests.map((raw, i) => toRankingRequest(raw, scenario, i));
  if (data.corrupt.length) {
    const where = data.corrupt
      .slice(0, 5)
      .map((c) => `record ${c.index} at byte offset ${c.offset}`)
      .join(', ');
    warnings.push(
      `data: skipped ${data.corrupt.length} corrupt record(s) of ${data.records} (--skip-corrupt): ${where}${data.corrupt.length > 5 ? ', ...' : ''}`,
    );
  }
  if (data.droppedExamples)
    warnings.push(
      `data: ${data.droppedExamples} example(s) left over after regrouping into requests of ${spec.candidates} were not used`,
    );
  const counts = requests.map((r) => r.candidates);
  const summary: DataSummary = {
    path: spec.path,
    format: data.format,
    records: data.records,
    requests: requests.length,
    corruptSkipped: data.corrupt.length,
    droppedExamples: data.droppedExamples,
    regroupedTo: spec.candidates,
    candidatesPerRequest: {
      min: counts.reduce((a, b) => Math.min(a, b), Infinity),
      max: counts.reduce((a, b) => Math.max(a, b), 0),
      mean: Number((counts.reduce((a, b) => a + b, 0) / counts.length).toFixed(2)),
    },
    schema: opts.scenario ? `scenario ${opts.scenario.name}` : 'inferred',
    features: scenario.features.length,
  };
  return { scenario, requests, summary, warnings };
}

const KIND: Record<DType, RawKind> = { float32: 'float', int64: 'int64', bytes: 'bytes' };

function shapeText(spec: FeatureSpec): string {
  switch (spec.shape.kind) {
    case 'scalar':
      return 'scalar: exactly 1 value';
    case 'vector':
      return `vector: exactly ${spec.shape.length} values`;
    case 'list':
      return 'variable-length list';
  }
}

/**
 * Every disagreement between the data and a scenario, one line per feature: missing from
 * the data, another dtype, a value count the scenario's fixed shape cannot hold. Features
 * of the data the scenario does not name are returned apart (they are simply not sent).
 */
export function checkAgainstScenario(
  requests: readonly RawRequest[],
  scenario: Scenario,
): { problems: string[]; extra: string[] } {
  const problems: string[] = [];
  const known = new Set(scenario.features.map((f) => f.name));
  const extra = new Set<string>();
  for (const r of requests) {
    for (const ex of r.context ? [r.context, ...r.examples] : r.examples)
      for (const name of ex.keys()) if (!known.has(name)) extra.add(name);
  }
  for (const spec of scenario.features) {
    let seen = 0;
    let missing = 0;
    let minLen = Infinity;
    let maxLen = 0;
    const kinds = new Set<RawKind>();
    const visit = (f: RawFeature | undefined): void => {
      seen++;
      if (!f) return void missing++;
      if (f.values.length > 0) kinds.add(f.kind);
      minLen = Math.min(minLen, f.values.length);
      maxLen = Math.max(maxLen, f.values.length);
    };
    for (const r of requests) {
      if (spec.scope === 'context') visit(r.context?.get(spec.name) ?? r.examples[0]?.get(spec.name));
      else for (const ex of r.examples) visit(ex.get(spec.name) ?? r.context?.get(spec.name));
    }
    const where = spec.scope === 'context' ? 'requests' : 'examples';
    if (missing === seen) {
      problems.push(`feature "${spec.name}" (${spec.dtype}, ${spec.scope}): missing from the data`);
      continue;
    }
    if (missing > 0)
      problems.push(`feature "${spec.name}" (${spec.dtype}, ${spec.scope}): missing in ${missing} of ${seen} ${where}`);
    const want = KIND[spec.dtype];
    // JSON cannot tell a float feature holding whole numbers from an int64 (as toRankingRequest accepts).
    const wrong = [...kinds].filter((k) => k !== want && !(k === 'int64' && want === 'float'));
    if (wrong.length)
      problems.push(
        `feature "${spec.name}": the data has ${wrong.join(' and ')} values, the scenario says ${spec.dtype}`,
      );
    const w = fixedWidth(spec);
    if (w !== undefined && Number.isFinite(minLen) && (minLen !== w || maxLen !== w)) {
      const has = minLen === maxLen ? `${minLen}` : `${minLen} to ${maxLen}`;
      problems.push(
        `feature "${spec.name}": the data has ${has} value(s) per ${where.slice(0, -1)}, the scenario's shape (${shapeText(spec)}) needs ${w}`,
      );
    }
  }
  return { problems, extra: [...extra] };
}

function preview(names: readonly string[]): string {
  return names.length > 10 ? `${names.slice(0, 10).join(', ')}, ... (${names.length} in all)` : names.join(', ');
}

/** Parses a --data-format value; undefined when it is not one. */
export function parseDataFormat(v: string): DataFormat | undefined {
  return (DATA_FORMATS as readonly string[]).includes(v) ? (v as DataFormat) : undefined;
}
