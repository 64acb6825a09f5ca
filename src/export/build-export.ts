// Builds an Artillery export in memory: every format x batch size's request bytes (the same
// bytes `npm run e2e` sends: the scenario's request, or each recorded request round-robin,
// split into batches and encoded), the manifest, the Artillery script and the README. Pure:
// the caller writes the files (write-export.ts).
import { combinationKey } from '../../packages/artillery-engine-payload-bench/lib/metric-names.js';
import { dataScenarioInfo, scenarioInfo } from '../common/scenario-info.js';
import { toolVersion } from '../common/env.js';
import { getFormat, type EncodeOptions, type Format } from '../formats/index.js';
import { e2eConfigRecord, ReplaySet, uniqueBatchSizes, type E2eInput } from '../load/index.js';
import { generate } from '../scenario/index.js';
import { renderArtilleryYaml } from './artillery-yaml.js';
import type { ExportConfig } from './config.js';
import {
  MANIFEST_KIND,
  MANIFEST_VERSION,
  type BatchEntry,
  type Combination,
  type Manifest,
  type PayloadSet,
} from './manifest.js';
import { renderExportReadme } from './export-readme.js';

export interface ExportFile {
  /** Relative to the export folder. */
  path: string;
  content: Uint8Array | string;
}

export interface BuiltExport {
  manifest: Manifest;
  files: ExportFile[];
}

export const MANIFEST_FILE = 'manifest.json';
export const SCRIPT_FILE = 'artillery.yml';
export const README_FILE = 'README.md';

export function buildExport(config: ExportConfig, input: E2eInput): BuiltExport {
  const e2e = config.e2e;
  const scenario = input.scenario;
  const requests = input.requests ?? [generate(scenario)];
  const encodeOptions: EncodeOptions = {
    modelName: e2e.modelName,
    ...(e2e.signature !== null ? { signatureName: e2e.signature } : {}),
  };
  const batchSizes = uniqueBatchSizes(
    e2e.batchSizes,
    requests.reduce((m, r) => Math.max(m, r.candidates), 1),
  );
  const formats = e2e.formats.map((id) => getFormat(id));

  const files: ExportFile[] = [];
  const payloads: PayloadSet[] = [];
  const combinations: Combination[] = [];
  for (const batchSize of batchSizes) {
    const replay = new ReplaySet(requests, batchSize);
    for (const format of formats) {
      const id = `${format.id}.b${batchSize}`;
      const digits = String(replay.batches.length - 1).length;
      const searches: BatchEntry[][] = replay.batches.map((batches, s) =>
        batches.map((batch, i) => {
          const bytes = format.encode(batch, encodeOptions);
          const file = `payloads/${format.id}/b${batchSize}/r${String(s).padStart(digits, '0')}-${String(i).padStart(String(batches.length - 1).length, '0')}.bin`;
          files.push({ path: file, content: bytes });
          const headers = extraHeaders(format, bytes);
          return { file, bytes: bytes.byteLength, candidates: batch.candidates, ...(headers ? { headers } : {}) };
        }),
      );
      payloads.push({ id, format: format.id, batchSize, searches });
      for (const compression of e2e.compressions) {
        combinations.push({
          key: combinationKey(format.id, compression, batchSize),
          scenarioName: scenarioName(format.id, compression, batchSize),
          format: format.id,
          compression,
          batchSize,
          transport: format.transport,
          path: format.transport === 'grpc' ? grpcPath(format) : restPath(format, e2e.modelName),
          ...(format.transport === 'rest' ? { contentType: format.contentType ?? 'application/json' } : {}),
          payloads: id,
        });
      }
    }
  }
  // Scenario order as e2e measures: batch size, then compression, then format.
  combinations.sort(
    (a, b) =>
      a.batchSize - b.batchSize ||
      e2e.compressions.indexOf(a.compression) - e2e.compressions.indexOf(b.compression) ||
      e2e.formats.indexOf(a.format as never) - e2e.formats.indexOf(b.format as never),
  );

  const warnings = [...input.warnings];
  if (combinations.length > 1) {
    warnings.push(
      `${combinations.length} combinations: a plain \`artillery run\` mixes them (each search picks one at random, ~${round(config.rate / combinations.length)}/s each); run one at a time with --scenario-name to measure each at ${config.rate}/s as \`npm run e2e\` does`,
    );
  }
  const manifest: Manifest = {
    kind: MANIFEST_KIND,
    manifestVersion: MANIFEST_VERSION,
    tool: { name: 'payload-bench', version: toolVersion() },
    createdAt: new Date().toISOString(),
    modelName: e2e.modelName,
    scenario: input.data ? dataScenarioInfo(scenario, input.data, null) : scenarioInfo(scenario),
    load: {
      rate: config.rate,
      arrival: e2e.load.mode === 'open' ? e2e.load.arrival : 'constant',
      warmupMs: e2e.warmupMs,
      durationMs: config.durationMs,
      budgetMs: e2e.deadlineMs,
      hardCapMs: config.hardCapMs,
      connections: e2e.connections,
    },
    targets: { grpc: config.grpcTarget, rest: config.restTarget },
    payloads,
    combinations,
    // What was sent, for the record: aggregate facts about recorded data only, never its values (as e2e records it).
    config: {
      ...e2eConfigRecord(e2e),
      command: 'export artillery',
      input: { source: input.source },
      ...(input.data ? { data: { ...e2e.data, ...input.data } } : {}),
      out: config.out,
    },
    warnings,
  };
  files.push({ path: MANIFEST_FILE, content: `${JSON.stringify(manifest, null, 2)}\n` });
  files.push({
    path: SCRIPT_FILE,
    content: renderArtilleryYaml(
      manifest,
      MANIFEST_FILE,
      files.map((f) => f.path).filter((p) => p.endsWith('.bin')),
    ),
  });
  files.push({ path: README_FILE, content: renderExportReadme(manifest, { script: SCRIPT_FILE, out: config.out }) });
  return { manifest, files };
}

/**
 * A scenario name no other one contains as a substring, so `artillery run --scenario-name`
 * (which also matches names as a regular expression) picks exactly one.
 */
export function scenarioName(format: string, compression: string, batchSize: number): string {
  return `${format} ${compression} ${batchSize}-per-batch`;
}

function grpcPath(f: Format): string {
  const service =
    'protocol' in f && f.protocol === 'oip' ? 'inference.GRPCInferenceService' : 'tensorflow.serving.PredictionService';
  return `/${service}/${f.rpc}`;
}

function restPath(f: Format, modelName: string): string {
  if ('protocol' in f && f.protocol === 'oip') return `/v2/models/${encodeURIComponent(modelName)}/infer`;
  return `/v1/models/${encodeURIComponent(modelName)}:${f.rpc.toLowerCase()}`;
}

function extraHeaders(f: Format, bytes: Uint8Array): Record<string, string> | undefined {
  const h = (f as { headers?: (body: Uint8Array) => Record<string, string> }).headers;
  return typeof h === 'function' ? h.call(f, bytes) : undefined;
}

const round = (x: number): number => Number(x.toPrecision(2));
