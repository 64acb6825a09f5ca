// Strict runtime validation of a Results object (the schema in types.ts): unknown or missing fields fail, every problem named by its path.
import { SCHEMA_VERSION, type E2eRun, type Results } from './types.js';

type Check = (v: unknown, path: string, errs: string[]) => void;

const describe = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 50 ? `${s.slice(0, 47)}...` : s;
};

function num(opts: { int?: boolean; min?: number; max?: number } = {}): Check {
  return (v, path, errs) => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      return void errs.push(`${path}: expected a finite number, got ${describe(v)}`);
    if (opts.int && !Number.isSafeInteger(v)) errs.push(`${path}: expected an integer, got ${v}`);
    if (opts.min !== undefined && v < opts.min) errs.push(`${path}: expected >= ${opts.min}, got ${v}`);
    if (opts.max !== undefined && v > opts.max) errs.push(`${path}: expected <= ${opts.max}, got ${v}`);
  };
}

const nonNeg = num({ min: 0 });
const count = num({ int: true, min: 0 });

function str(opts: { nonEmpty?: boolean; pattern?: RegExp } = {}): Check {
  return (v, path, errs) => {
    if (typeof v !== 'string') return void errs.push(`${path}: expected a string, got ${describe(v)}`);
    if (opts.nonEmpty && v.length === 0) errs.push(`${path}: expected a non-empty string`);
    if (opts.pattern && !opts.pattern.test(v)) errs.push(`${path}: ${describe(v)} does not match ${opts.pattern}`);
  };
}

const text = str();
const name = str({ nonEmpty: true });

function oneOf(...allowed: readonly (string | number | boolean | null)[]): Check {
  return (v, path, errs) => {
    if (!allowed.includes(v as string))
      errs.push(`${path}: expected one of ${allowed.map((a) => describe(a)).join(', ')}, got ${describe(v)}`);
  };
}

const bool: Check = (v, path, errs) => {
  if (typeof v !== 'boolean') errs.push(`${path}: expected true or false, got ${describe(v)}`);
};

function nullable(inner: Check): Check {
  return (v, path, errs) => (v === null ? undefined : inner(v, path, errs));
}

function array(item: Check): Check {
  return (v, path, errs) => {
    if (!Array.isArray(v)) return void errs.push(`${path}: expected an array, got ${describe(v)}`);
    v.forEach((x, i) => item(x, `${path}[${i}]`, errs));
  };
}

function record(value: Check): Check {
  return (v, path, errs) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      return void errs.push(`${path}: expected an object, got ${describe(v)}`);
    for (const [k, x] of Object.entries(v)) value(x, `${path}.${k}`, errs);
  };
}

/** An object with exactly these fields (`optional` may be absent); unknown fields fail. */
function obj(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v, path, errs) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      return void errs.push(`${path}: expected an object, got ${describe(v)}`);
    const o = v as Record<string, unknown>;
    for (const [k, c] of Object.entries(required)) {
      if (!(k in o)) errs.push(`${path}.${k}: missing`);
      else c(o[k], `${path}.${k}`, errs);
    }
    for (const [k, c] of Object.entries(optional)) if (k in o && o[k] !== undefined) c(o[k], `${path}.${k}`, errs);
    for (const k of Object.keys(o)) if (!(k in required) && !(k in optional)) errs.push(`${path}.${k}: unknown field`);
  };
}

const env = obj({
  node: name,
  v8: name,
  zlib: name,
  platform: name,
  arch: name,
  os: name,
  cpuModel: name,
  cores: num({ int: true, min: 1 }),
  totalMemGiB: nonNeg,
  packages: record(name),
  codecVersions: record(name),
  gitCommit: nullable(str({ pattern: /^[0-9a-f]{40,64}$/ })),
  gitDirty: nullable(bool),
});

const stats = obj(
  {
    medianMs: nonNeg,
    meanMs: nonNeg,
    minMs: nonNeg,
    maxMs: nonNeg,
    rmePct: nonNeg,
    samples: num({ int: true, min: 1 }),
    roundMediansMs: array(nonNeg),
  },
  { p99Ms: nonNeg },
);

const scenarioInfo = obj({
  name,
  description: text,
  candidates: num({ int: true, min: 1 }),
  features: num({ int: true, min: 1 }),
  contextFeatures: count,
  seed: count,
  fingerprint: str({ pattern: /^[0-9a-f]{8,64}$/ }),
});

const sizeRecord = obj({ scenario: name, format: name, codec: name, rawBytes: count, compressedBytes: count });

const microRecord = obj(
  {
    scenario: name,
    format: name,
    codec: name,
    op: oneOf('encode', 'compress', 'decompress', 'decode', 'total', 'floor', 'floor-cold', 'calibration'),
    bytes: count,
    stats,
    xFloor: nonNeg,
  },
  { derived: oneOf('sum-of-medians') },
);

const peerRecord = obj({
  scenario: name,
  format: name,
  op: oneOf('encode', 'decode'),
  impl: name,
  work: name,
  bytes: count,
  stats,
  oursRatio: nonNeg,
});

const peersSection = obj({
  versions: record(name),
  records: array(peerRecord),
  alignment: array(obj({ scenario: name, format: name, tensors: count, aligned: count })),
});

const sweepRecord = obj({
  scenario: name,
  dimension: oneOf('candidates', 'features'),
  value: num({ int: true, min: 1 }),
  format: name,
  codec: name,
  rawBytes: count,
  compressedBytes: count,
  encodeMs: nonNeg,
  decodeMs: nonNeg,
  totalMs: nonNeg,
  perUnitUs: nonNeg,
});

const instructionRecord = obj({
  scenario: name,
  format: name,
  codec: name,
  op: oneOf('encode', 'compress', 'decompress', 'decode'),
  instructions: count,
  runs: array(count),
});

const percentile = obj({ p: num({ min: 0, max: 100 }), ms: nonNeg, lowMs: nullable(nonNeg), highMs: nullable(nonNeg) });

const latency = obj(
  {
    count,
    capped: count,
    overBudget: count,
    minMs: nonNeg,
    meanMs: nonNeg,
    maxMs: nonNeg,
    percentiles: array(percentile),
  },
  { answered: count, answeredMedianMs: nullable(nonNeg) },
);

const ms = num();

const breakdown = obj({
  requests: count,
  latencyMs: nonNeg,
  clientEncodeMs: ms,
  clientCompressMs: ms,
  serverReceiveMs: ms,
  serverDecompressMs: ms,
  serverQueueMs: ms,
  serverDecodeMs: ms,
  serverComputeMs: ms,
  serverInjectedMs: ms,
  clientDecodeMs: ms,
  unattributedMs: ms,
  attributedShare: ms,
});

const e2eRun = obj(
  {
    scenario: name,
    format: name,
    compression: name,
    batchSize: num({ int: true, min: 1 }),
    mode: oneOf('closed', 'open'),
    target: name,
    searchTarget: count,
    serialSearchMs: nonNeg,
    durationS: nonNeg,
    endReason: oneOf('duration', 'requests', 'interrupted', 'error'),
    budgetMs: nonNeg,
    hardCapMs: nonNeg,
    requests: obj({ intended: count, sent: count, dropped: count, ok: count, errors: record(count), capped: count }),
    searches: obj({
      intended: count,
      completed: count,
      withinBudget: count,
      capped: count,
      failed: count,
      dropped: count,
    }),
    achievedRate: nonNeg,
    saturated: bool,
    latency: obj({ request: latency, search: latency, service: latency }),
    breakdown: nullable(breakdown),
    cost: obj(
      { clientCpuMsPerSearch: nonNeg, serverCpuMsPerSearch: nonNeg, coresPer1kSearchesPerSec: nonNeg },
      { monthlyUsd: nonNeg },
    ),
    schedulerLagP99Ms: nonNeg,
    warnings: array(text),
  },
  {
    concurrency: num({ int: true, min: 1 }),
    targetRate: nonNeg,
    arrival: oneOf('constant', 'poisson'),
    commonRate: obj({ from: name, fraction: nonNeg, serialSearchMs: nonNeg }),
    bandwidth: name,
    rttMs: nonNeg,
    server: obj(
      { workers: nullable(count), batching: nullable(name) },
      { modelCallsPerSearch: nonNeg, droppedExpired: count },
    ),
  },
);

const harnessFloor = obj({
  transport: oneOf('grpc', 'rest'),
  target: name,
  call: name,
  calls: count,
  latency,
  idle: obj({ gapMs: nonNeg, latency }),
  clientCpuMsPerCall: nonNeg,
  serverCpuMsPerCall: nullable(nonNeg),
});

/** Each percentile's interval contains its estimate, and percentiles ascend. */
function e2eConsistency(runs: readonly E2eRun[], errs: string[]): void {
  runs.forEach((x, i) => {
    for (const kind of ['request', 'search', 'service'] as const) {
      const l = x.latency[kind];
      const at = `$.e2e[${i}].latency.${kind}`;
      if (l.capped > l.count || l.overBudget > l.count) errs.push(`${at}: capped or overBudget above count`);
      l.percentiles.forEach((p, j) => {
        if ((p.lowMs !== null && p.lowMs > p.ms) || (p.highMs !== null && p.highMs < p.ms))
          errs.push(`${at}.percentiles[${j}]: interval does not contain the estimate`);
        if (j > 0 && (p.p <= l.percentiles[j - 1]!.p || p.ms < l.percentiles[j - 1]!.ms))
          errs.push(`${at}.percentiles[${j}]: not ascending`);
      });
    }
  });
}

const configCheck: Check = (v, path, errs) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    errs.push(`${path}: expected an object, got ${describe(v)}`);
};

const results = obj(
  {
    schemaVersion: oneOf(SCHEMA_VERSION),
    tool: obj({ name: oneOf('payload-bench'), version: name }),
    createdAt: str({ pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/ }),
    env,
    config: configCheck,
    scenarios: array(scenarioInfo),
    sizes: array(sizeRecord),
    micro: array(microRecord),
    state: oneOf('complete', 'interrupted'),
    warnings: array(text),
  },
  {
    sweeps: array(sweepRecord),
    e2e: array(e2eRun),
    harnessFloor: array(harnessFloor),
    peers: peersSection,
    instructions: array(instructionRecord),
  },
);

/** Every problem found, as `path: what is wrong`; empty when `v` is a valid Results. */
export function validateResults(v: unknown): string[] {
  const errs: string[] = [];
  results(v, '$', errs);
  if (errs.length) return errs;
  const r = v as Results;
  const names = new Set(r.scenarios.map((s) => s.name));
  if (names.size !== r.scenarios.length) errs.push('$.scenarios: two scenarios share a name');
  const known = (list: readonly { scenario: string }[], where: string): void =>
    list.forEach((x, i) => {
      if (!names.has(x.scenario)) errs.push(`$.${where}[${i}].scenario: "${x.scenario}" is not in $.scenarios`);
    });
  known(r.sizes, 'sizes');
  known(r.micro, 'micro');
  known(r.sweeps ?? [], 'sweeps');
  known(r.peers?.records ?? [], 'peers.records');
  r.peers?.alignment.forEach((a, i) => {
    if (a.aligned > a.tensors) errs.push(`$.peers.alignment[${i}]: aligned (${a.aligned}) > tensors (${a.tensors})`);
  });
  r.micro.forEach((m, i) => {
    if (m.derived === 'sum-of-medians' && m.stats.p99Ms !== undefined)
      errs.push(`$.micro[${i}].stats.p99Ms: a sum of medians has no p99`);
  });
  known(r.instructions ?? [], 'instructions');
  known(r.e2e ?? [], 'e2e');
  e2eConsistency(r.e2e ?? [], errs);
  r.micro.forEach((m, i) => {
    if (m.stats.minMs > m.stats.medianMs || m.stats.medianMs > m.stats.maxMs)
      errs.push(`$.micro[${i}].stats: expected minMs <= medianMs <= maxMs`);
  });
  return errs;
}

export class InvalidResultsError extends Error {
  override name = 'InvalidResultsError';
}

/** `v` as Results, or throws listing (up to 20 of) its problems. */
export function assertResults(v: unknown): Results {
  const errs = validateResults(v);
  if (errs.length) {
    const more = errs.length > 20 ? `\n  ... and ${errs.length - 20} more` : '';
    throw new InvalidResultsError(
      `invalid results (${errs.length} problem${errs.length === 1 ? '' : 's'}):\n  ${errs.slice(0, 20).join('\n  ')}${more}`,
    );
  }
  return v as Results;
}
