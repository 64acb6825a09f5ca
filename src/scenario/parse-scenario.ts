// Validates a scenario file (JSON) into a Scenario, with errors that name the
// field, the bad value and what is allowed. Also expands `count` templates.
import type { DType, Distribution, FeatureSpec, Scenario, Scope, Shape } from './types.js';

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export const MAX_CANDIDATES = 1_000_000;
const MAX_WIDTH = 100_000;
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.\-]{0,127}$/;
/** Input names the tensor formats use for their own tensors; features may not take them. */
export const RESERVED_NAMES = new Set(['examples', 'packed_item_dense', 'packed_context_dense']);
/** Suffix of the row_splits input that carries a variable-length feature's row boundaries. */
export const ROW_SPLITS_SUFFIX = '_row_splits';

type Json = unknown;

function show(v: Json): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

class Ctx {
  constructor(private readonly source: string) {}
  fail(path: string, value: Json, expected: string): never {
    throw new ScenarioError(`${this.source}: ${path}: expected ${expected}, got ${show(value)}`);
  }
  obj(path: string, v: Json): Record<string, Json> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, v, 'an object');
    return v as Record<string, Json>;
  }
  keys(path: string, o: Record<string, Json>, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.fail(`${path}.${k}`, o[k], `no such field (allowed: ${allowed.join(', ')})`);
    }
  }
  num(path: string, v: Json, opts: { int?: boolean; min?: number; max?: number; gt?: number } = {}): number {
    const kind = opts.int ? 'an integer' : 'a number';
    const lo = opts.gt !== undefined ? `> ${opts.gt}` : opts.min !== undefined ? `>= ${opts.min}` : '';
    const hi = opts.max !== undefined ? `<= ${opts.max}` : '';
    const what = [kind, lo, lo && hi ? 'and' : '', hi].filter(Boolean).join(' ');
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, v, what);
    if (opts.int && !Number.isSafeInteger(v)) this.fail(path, v, what);
    if (opts.min !== undefined && v < opts.min) this.fail(path, v, what);
    if (opts.max !== undefined && v > opts.max) this.fail(path, v, what);
    if (opts.gt !== undefined && !(v > opts.gt)) this.fail(path, v, what);
    return v;
  }
  str(path: string, v: Json): string {
    if (typeof v !== 'string') this.fail(path, v, 'a string');
    return v;
  }
  oneOf<T extends string>(path: string, v: Json, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !allowed.includes(v as T))
      this.fail(path, v, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    return v as T;
  }
}

const DTYPES = ['float32', 'int64', 'bytes'] as const;
const SCOPES = ['context', 'item'] as const;
const DIST_FOR: Record<DType, readonly Distribution['kind'][]> = {
  float32: ['continuous', 'quantized', 'sparse', 'edge'],
  int64: ['categorical', 'quantized', 'sparse', 'edge'],
  bytes: ['categorical', 'text', 'edge'],
};

export interface ParseOptions {
  /** Overrides the file's candidate count. */
  candidates?: number;
  /** Overrides the file's seed. */
  seed?: number;
}

/** Validate parsed JSON as a scenario. `source` names the file in errors. */
export function parseScenario(json: Json, source = 'scenario', opts: ParseOptions = {}): Scenario {
  const c = new Ctx(source);
  const root = c.obj('(root)', json);
  c.keys('(root)', root, ['$schema', 'name', 'description', 'candidates', 'seed', 'features']);
  const name = c.str('name', root.name);
  const description = root.description === undefined ? '' : c.str('description', root.description);
  const candidates = c.num('candidates', opts.candidates ?? root.candidates, {
    int: true,
    min: 1,
    max: MAX_CANDIDATES,
  });
  const seed = c.num('seed', opts.seed ?? root.seed ?? 1, { int: true, min: 0, max: 0xffffffff });
  if (!Array.isArray(root.features) || root.features.length === 0)
    c.fail('features', root.features, 'a non-empty array of feature specs');
  const features: FeatureSpec[] = [];
  (root.features as Json[]).forEach((f, i) => features.push(...parseFeature(c, `features[${i}]`, f)));
  checkNames(c, features);
  return { name, description, candidates, seed, features };
}

function parseFeature(c: Ctx, path: string, json: Json): FeatureSpec[] {
  const f = c.obj(path, json);
  c.keys(path, f, ['name', 'count', 'dtype', 'scope', 'shape', 'dist']);
  const name = c.str(`${path}.name`, f.name);
  const dtype = c.oneOf(`${path}.dtype`, f.dtype, DTYPES);
  const scope = c.oneOf(`${path}.scope`, f.scope ?? 'item', SCOPES);
  const shape = parseShape(c, `${path}.shape`, f.shape ?? 'scalar');
  const dist = parseDist(c, `${path}.dist`, f.dist ?? defaultDist(dtype), dtype);
  if (f.count === undefined) {
    if (name.includes('{i}')) c.fail(`${path}.name`, name, 'a "count" field when the name has an {i} template');
    return [{ name, dtype, scope, shape, dist }];
  }
  const count = c.num(`${path}.count`, f.count, { int: true, min: 1, max: 100_000 });
  if (!name.includes('{i}')) c.fail(`${path}.name`, name, 'a name containing {i} when "count" is given');
  const digits = String(count - 1).length;
  const out: FeatureSpec[] = [];
  for (let i = 0; i < count; i++)
    out.push({ name: name.replaceAll('{i}', String(i).padStart(digits, '0')), dtype, scope, shape, dist });
  return out;
}

function defaultDist(dtype: DType): Json {
  switch (dtype) {
    case 'float32':
      return { kind: 'continuous' };
    case 'int64':
      return { kind: 'categorical', cardinality: 1000 };
    case 'bytes':
      return { kind: 'text' };
  }
}

function parseShape(c: Ctx, path: string, json: Json): Shape {
  if (json === 'scalar') return { kind: 'scalar' };
  const o = c.obj(path, json);
  const kind = c.oneOf(`${path}.kind`, o.kind, ['scalar', 'vector', 'list'] as const);
  switch (kind) {
    case 'scalar':
      c.keys(path, o, ['kind']);
      return { kind };
    case 'vector':
      c.keys(path, o, ['kind', 'length']);
      return { kind, length: c.num(`${path}.length`, o.length, { int: true, min: 1, max: MAX_WIDTH }) };
    case 'list': {
      c.keys(path, o, ['kind', 'min', 'max']);
      const min = c.num(`${path}.min`, o.min ?? 0, { int: true, min: 0, max: MAX_WIDTH });
      const max = c.num(`${path}.max`, o.max, { int: true, min: Math.max(min, 1), max: MAX_WIDTH });
      return { kind, min, max };
    }
  }
}

function parseDist(c: Ctx, path: string, json: Json, dtype: DType): Distribution {
  const o = c.obj(path, json);
  const allowed = DIST_FOR[dtype];
  const kind = c.oneOf(`${path}.kind`, o.kind, allowed);
  switch (kind) {
    case 'continuous':
      c.keys(path, o, ['kind', 'mean', 'std', 'lognormal']);
      if (o.lognormal !== undefined && typeof o.lognormal !== 'boolean')
        c.fail(`${path}.lognormal`, o.lognormal, 'true or false');
      return {
        kind,
        mean: c.num(`${path}.mean`, o.mean ?? 0),
        std: c.num(`${path}.std`, o.std ?? 1, { min: 0 }),
        lognormal: o.lognormal === true,
      };
    case 'quantized': {
      c.keys(path, o, ['kind', 'levels', 'min', 'max']);
      const min = c.num(`${path}.min`, o.min ?? 0);
      return {
        kind,
        levels: c.num(`${path}.levels`, o.levels, { int: true, min: 1, max: 1 << 24 }),
        min,
        max: c.num(`${path}.max`, o.max ?? 1, { min }),
      };
    }
    case 'categorical':
      c.keys(path, o, ['kind', 'cardinality', 'skew', 'offset']);
      return {
        kind,
        cardinality: c.num(`${path}.cardinality`, o.cardinality, { int: true, min: 1, max: 2 ** 52 }),
        skew: c.num(`${path}.skew`, o.skew ?? 1, { min: 0, max: 10 }),
        offset: c.num(`${path}.offset`, o.offset ?? 0, { int: true, min: 0, max: 2 ** 52 }),
      };
    case 'sparse':
      c.keys(path, o, ['kind', 'zeroShare', 'mean', 'std']);
      return {
        kind,
        zeroShare: c.num(`${path}.zeroShare`, o.zeroShare, { min: 0, max: 1 }),
        mean: c.num(`${path}.mean`, o.mean ?? 0),
        std: c.num(`${path}.std`, o.std ?? 1, { min: 0 }),
      };
    case 'edge':
      c.keys(path, o, ['kind']);
      return { kind };
    case 'text': {
      c.keys(path, o, ['kind', 'minWords', 'maxWords', 'vocabulary']);
      const minWords = c.num(`${path}.minWords`, o.minWords ?? 1, { int: true, min: 0, max: 10_000 });
      return {
        kind,
        minWords,
        maxWords: c.num(`${path}.maxWords`, o.maxWords ?? Math.max(minWords, 3), {
          int: true,
          min: Math.max(minWords, 1),
          max: 10_000,
        }),
        vocabulary: c.num(`${path}.vocabulary`, o.vocabulary ?? 1000, { int: true, min: 1, max: 10_000_000 }),
      };
    }
  }
}

function checkNames(c: Ctx, features: FeatureSpec[]): void {
  const seen = new Map<string, number>();
  features.forEach((f, i) => {
    const path = `features (expanded) [${i}].name`;
    if (!NAME_RE.test(f.name))
      c.fail(
        path,
        f.name,
        'a name of letters, digits, "_", ".", "-" starting with a letter or "_" (at most 128 characters)',
      );
    if (RESERVED_NAMES.has(f.name))
      c.fail(path, f.name, `a name other than the reserved ${[...RESERVED_NAMES].join(', ')}`);
    const prev = seen.get(f.name);
    if (prev !== undefined) c.fail(path, f.name, `a unique name (also used by expanded feature ${prev})`);
    seen.set(f.name, i);
  });
  for (const f of features) {
    if (f.shape.kind === 'list' && seen.has(f.name + ROW_SPLITS_SUFFIX)) {
      c.fail(
        `feature "${f.name + ROW_SPLITS_SUFFIX}".name`,
        f.name + ROW_SPLITS_SUFFIX,
        `a name that does not collide with the row_splits input of list feature "${f.name}"`,
      );
    }
  }
}
