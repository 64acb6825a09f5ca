// Checks that parsed JSON is a Results object this version can render, before any renderer
// touches it: a known schemaVersion and the fields the report reads, with each problem
// named by its path, the offending value and what was expected.
import { SCHEMA_VERSION, type Results } from '../results/index.js';

/** Results schema versions this report can read. */
export const KNOWN_SCHEMA_VERSIONS: readonly number[] = [SCHEMA_VERSION];

export type ResultsValidation =
  | { state: 'valid'; results: Results }
  | { state: 'unknown-version'; version: unknown; message: string }
  | { state: 'invalid'; errors: string[] };

const MAX_ERRORS = 12;

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

class Checker {
  errors: string[] = [];
  private add(path: string, expected: string, got: unknown): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(`${path}: expected ${expected}, got ${show(got)}`);
    else if (this.errors.length === MAX_ERRORS) this.errors.push('... (more problems not listed)');
  }
  object(v: unknown, path: string): v is Record<string, unknown> {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return true;
    this.add(path, 'an object', v);
    return false;
  }
  array(v: unknown, path: string): v is unknown[] {
    if (Array.isArray(v)) return true;
    this.add(path, 'an array', v);
    return false;
  }
  string(v: unknown, path: string): void {
    if (typeof v !== 'string') this.add(path, 'a string', v);
  }
  number(v: unknown, path: string): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.add(path, 'a finite number', v);
  }
  oneOf(v: unknown, path: string, allowed: readonly string[]): void {
    if (typeof v !== 'string' || !allowed.includes(v)) this.add(path, `one of ${allowed.join(', ')}`, v);
  }
  fields(o: Record<string, unknown>, path: string, strings: string[], numbers: string[]): void {
    for (const k of strings) this.string(o[k], `${path}.${k}`);
    for (const k of numbers) this.number(o[k], `${path}.${k}`);
  }
  records(v: unknown, path: string, each: (o: Record<string, unknown>, p: string) => void): void {
    if (!this.array(v, path)) return;
    v.forEach((item, i) => {
      if (this.object(item, `${path}[${i}]`)) each(item, `${path}[${i}]`);
    });
  }
}

const MICRO_OPS = ['encode', 'compress', 'decompress', 'decode', 'total', 'floor', 'calibration'] as const;

export function validateResults(value: unknown): ResultsValidation {
  const c = new Checker();
  if (!c.object(value, 'results')) return { state: 'invalid', errors: c.errors };
  const v = value.schemaVersion;
  if (typeof v !== 'number' || !KNOWN_SCHEMA_VERSIONS.includes(v)) {
    return {
      state: 'unknown-version',
      version: v,
      message: `schemaVersion ${show(v)} is not one this report reads (known: ${KNOWN_SCHEMA_VERSIONS.join(', ')}); re-run the bench with this version or use a matching payload-bench`,
    };
  }
  if (c.object(value.tool, 'tool')) {
    if (value.tool.name !== 'payload-bench') c.errors.push(`tool.name: expected "payload-bench", got ${show(value.tool.name)}`);
    c.string(value.tool.version, 'tool.version');
  }
  c.string(value.createdAt, 'createdAt');
  if (c.object(value.env, 'env')) {
    c.fields(value.env, 'env', ['node', 'v8', 'zlib', 'platform', 'arch', 'os', 'cpuModel'], ['cores', 'totalMemGiB']);
    c.object(value.env.packages, 'env.packages');
    c.object(value.env.codecVersions, 'env.codecVersions');
  }
  c.object(value.config, 'config');
  c.records(value.scenarios, 'scenarios', (o, p) => c.fields(o, p, ['name', 'description', 'fingerprint'], ['candidates', 'features', 'contextFeatures', 'seed']));
  c.records(value.sizes, 'sizes', (o, p) => c.fields(o, p, ['scenario', 'format', 'codec'], ['rawBytes', 'compressedBytes']));
  c.records(value.micro, 'micro', (o, p) => {
    c.fields(o, p, ['scenario', 'format', 'codec'], ['bytes', 'xFloor']);
    c.oneOf(o.op, `${p}.op`, MICRO_OPS);
    if (c.object(o.stats, `${p}.stats`)) {
      c.fields(o.stats, `${p}.stats`, [], ['medianMs', 'meanMs', 'p99Ms', 'minMs', 'maxMs', 'rmePct', 'samples']);
      c.array(o.stats.roundMediansMs, `${p}.stats.roundMediansMs`);
    }
  });
  if (value.sweeps !== undefined) {
    c.records(value.sweeps, 'sweeps', (o, p) => {
      c.fields(o, p, ['scenario', 'format', 'codec'], ['value', 'rawBytes', 'compressedBytes', 'encodeMs', 'decodeMs', 'totalMs', 'perUnitUs']);
      c.oneOf(o.dimension, `${p}.dimension`, ['candidates', 'features']);
    });
  }
  if (value.e2e !== undefined) {
    c.records(value.e2e, 'e2e', (o, p) => {
      c.fields(o, p, ['scenario', 'format', 'compression', 'target', 'endReason'], ['batchSize', 'durationS', 'achievedRate', 'schedulerLagP99Ms']);
      c.oneOf(o.mode, `${p}.mode`, ['closed', 'open']);
      if (o.bandwidth !== undefined) c.string(o.bandwidth, `${p}.bandwidth`);
      if (c.object(o.requests, `${p}.requests`)) {
        c.fields(o.requests, `${p}.requests`, [], ['intended', 'sent', 'dropped', 'ok', 'clientTimeouts']);
        c.object(o.requests.errors, `${p}.requests.errors`);
      }
      if (c.object(o.searches, `${p}.searches`)) c.fields(o.searches, `${p}.searches`, [], ['intended', 'completed', 'failed']);
      if (c.object(o.latency, `${p}.latency`)) {
        for (const kind of ['request', 'search'] as const) {
          const l = o.latency[kind];
          if (!c.object(l, `${p}.latency.${kind}`)) continue;
          c.fields(l, `${p}.latency.${kind}`, [], ['count', 'meanMs', 'p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs']);
          c.array(l.curve, `${p}.latency.${kind}.curve`);
        }
      }
      if (c.object(o.breakdown, `${p}.breakdown`)) c.fields(o.breakdown, `${p}.breakdown`, [], ['clientEncodeMs', 'wireQueueMs', 'serverDecodeMs', 'serverComputeMs', 'clientDecodeMs']);
      if (c.object(o.cost, `${p}.cost`)) c.fields(o.cost, `${p}.cost`, [], ['clientCpuMsPerSearch', 'serverCpuMsPerSearch', 'coresPer1kSearchesPerSec']);
      c.array(o.warnings, `${p}.warnings`);
    });
  }
  c.oneOf(value.state, 'state', ['complete', 'interrupted']);
  c.array(value.warnings, 'warnings');
  if (c.errors.length > 0) return { state: 'invalid', errors: c.errors };
  return { state: 'valid', results: value as unknown as Results };
}
