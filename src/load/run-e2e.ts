// The end-to-end pass. Spawns the stub server (its own process) unless a target is given,
// measures the harness floor (a no-op call per transport), then for every bandwidth x batch
// size x compression ("a group": the cells compared with each other) warms every format up
// one search at a time (which measures its serial search time), sets the group's offered load
// (--rate auto: one common rate, a fraction of the fastest format's one-at-a-time rate, so
// every format is measured at the same load and the fastest is not saturated), and measures
// each format until it has its searches or its time cap. A shaping relay (its own process)
// carries the traffic when a bandwidth or RTT is set. A search is the scenario's synthetic
// request, or (--data) the next recorded request, round-robin.
import { redactDetails } from '../data/index.js';
import { getFormat, type Format } from '../formats/index.js';
import type { E2eRun, HarnessFloor } from '../results/index.js';
import { generate, ROW_SPLITS_SUFFIX, type Scenario } from '../scenario/index.js';
import type { RankingRequest } from '../tensors/index.js';
import { DEFAULT_E2E_SCENARIO, type E2eConfig } from './config.js';
import { measureHarnessFloor, type FloorTarget } from './harness-floor.js';
import { startRelayProcess, type RelayProcess } from './relay-process.js';
import { ReplaySet } from './replay.js';
import { resolveE2eInput, type E2eInput } from './resolve-input.js';
import { writeSchemaFile, type SchemaFile } from './schema-file.js';
import { E2eServerError } from './server-error.js';
import { spawnStub, type StubProcess } from './stub-process.js';
import { autoRate, cellSearches, runGroup, type E2eProgressEvent, type Endpoints } from './e2e-cell.js';

export { autoRate, cellSearches, type E2eProgressEvent };

export interface RunE2eOptions {
  onProgress?: (e: E2eProgressEvent) => void;
  /** Aborting stops the current measurement (kept, marked interrupted) and skips the rest. */
  signal?: AbortSignal;
  /** What to send, already resolved (resolveE2eInput); else resolved here. */
  input?: E2eInput;
  /** Use this already loaded scenario instead of loading `config.scenario` (ignored with `input`). */
  scenario?: Scenario;
  /** With `scenario`: recorded requests of that schema to replay round-robin (--data). */
  requests?: RankingRequest[];
}

/** What one pass measured: a run per cell, the harness floor, and warnings about the pass itself. */
export interface E2ePass {
  runs: E2eRun[];
  harnessFloor: HarnessFloor[];
  warnings: string[];
}

export { E2eServerError };

export async function runE2e(config: E2eConfig, opts: RunE2eOptions = {}): Promise<E2ePass> {
  const input: E2eInput =
    opts.input ??
    (opts.scenario
      ? {
          scenario: opts.scenario,
          ...(opts.requests ? { requests: opts.requests } : {}),
          source: opts.requests ? 'data' : 'scenario',
          warnings: [],
        }
      : await resolveE2eInput(config));
  const scenario = input.scenario;
  const requests = input.requests ?? [generate(scenario)];
  const formats = config.formats.map((id) => getFormat(id));
  const emit = opts.onProgress ?? (() => {});
  // Recorded data: server messages that may echo a request are redacted before they are recorded.
  const names = scenario.features.flatMap((f) => [f.name, f.name + ROW_SPLITS_SUFFIX]);
  const redact = input.source === 'data' ? (t: string) => redactDetails(t, names) : (t: string) => t;

  let stub: StubProcess | undefined;
  let schemaFile: SchemaFile | undefined;
  let endpoints: Endpoints;
  if (config.target === null && config.restTarget === null) {
    // The stub serves the scenario named on the command line, else the schema in use (inferred from the data).
    const ref = config.scenario ?? (input.source === 'default' ? DEFAULT_E2E_SCENARIO : undefined);
    try {
      schemaFile = ref === undefined ? writeSchemaFile(scenario) : undefined;
      stub = await spawnStub({ scenario: ref ?? schemaFile!.path, modelName: config.modelName, stub: config.stub });
    } catch (err) {
      schemaFile?.remove();
      throw new E2eServerError((err as Error).message);
    }
    emit({ type: 'server', text: stub.readyLine });
    endpoints = {
      grpc: stub.grpcAddress,
      rest: stub.restAddress,
      label: { grpc: `stub ${stub.grpcAddress}`, rest: `stub ${stub.restAddress}` },
    };
  } else {
    endpoints = {
      grpc: config.target ?? '',
      rest: config.restTarget ?? '',
      label: { grpc: config.target ?? '', rest: config.restTarget ?? '' },
    };
  }

  const pass: E2ePass = { runs: [], harnessFloor: [], warnings: [] };
  const batchSizes = uniqueBatchSizes(
    config.batchSizes,
    requests.reduce((m, r) => Math.max(m, r.candidates), 1),
  );
  const total = config.bandwidths.length * batchSizes.length * config.compressions.length * formats.length;
  const counter = { index: 0, total };
  try {
    const floor = await measureHarnessFloor({
      targets: floorTargets(formats, endpoints),
      modelName: config.modelName,
      calls: config.floorCalls,
      serverCpuMs: () => stub?.cpuMs() ?? null,
      stub: stub !== undefined,
      budgetMs: config.deadlineMs,
      signal: opts.signal,
    });
    pass.harnessFloor = floor.floors;
    pass.warnings.push(...floor.warnings);
    for (const f of floor.floors) emit({ type: 'floor', text: floorLine(f) });

    for (const bandwidth of config.bandwidths) {
      let relay: RelayProcess | undefined;
      let addr = endpoints;
      if (bandwidth !== null || config.rttMs > 0) {
        const targets = [endpoints.grpc, endpoints.rest].filter((t) => t !== '');
        relay = await startRelayProcess(
          targets.map((target) => ({ target, bandwidthBps: bandwidth, rttMs: config.rttMs })),
        );
        const [a, b] = relay.addresses;
        addr = {
          grpc: endpoints.grpc === '' ? '' : a!,
          rest: endpoints.rest === '' ? '' : endpoints.grpc === '' ? a! : b!,
          label: endpoints.label,
        };
      }
      try {
        for (const batchSize of batchSizes) {
          const replay = new ReplaySet(requests, batchSize);
          for (const compression of config.compressions) {
            if (opts.signal?.aborted) return pass;
            const group = {
              config,
              scenario,
              replay,
              redact,
              formats,
              compression,
              batchSize,
              bandwidth,
              addr,
              stub,
              signal: opts.signal,
              emit,
              counter,
            };
            const done = await runGroup(group, pass.runs);
            if (!done) return pass;
          }
        }
      } finally {
        await relay?.close();
      }
    }
  } finally {
    await stub?.stop();
    schemaFile?.remove();
  }
  return pass;
}

/** The transports the formats use, each once. */
function floorTargets(formats: readonly Format[], e: Endpoints): FloorTarget[] {
  const out: FloorTarget[] = [];
  const protocol = (transport: string): 'tfs' | 'oip' =>
    formats.some((f) => f.transport === transport && f.protocol === 'oip') ? 'oip' : 'tfs';
  if (formats.some((f) => f.transport === 'grpc') && e.grpc !== '')
    out.push({ transport: 'grpc', protocol: protocol('grpc'), address: e.grpc, label: e.label.grpc });
  if (formats.some((f) => f.transport === 'rest') && e.rest !== '')
    out.push({ transport: 'rest', protocol: protocol('rest'), address: e.rest, label: e.label.rest });
  return out;
}

function floorLine(f: HarnessFloor): string {
  const p = (q: number): string => {
    const x = f.latency.percentiles.find((e) => e.p === q);
    return x ? `${x.ms.toFixed(3)} ms` : 'n/a';
  };
  const server = f.serverCpuMsPerCall === null ? '' : `, server CPU ${f.serverCpuMsPerCall.toFixed(3)} ms`;
  const idle = f.idle.latency.percentiles.find((e) => e.p === 50);
  return (
    `harness floor ${f.transport}: ${f.call}: p50 ${p(50)}, p99 ${p(99)} over ${f.calls} calls back to back, p50 ${idle ? `${idle.ms.toFixed(3)} ms` : 'n/a'} after ${f.idle.gapMs} ms idle; ` +
    `client CPU ${f.clientCpuMsPerCall.toFixed(3)} ms${server} per call`
  );
}

/** Batch sizes capped at the candidate count, duplicates (after capping) removed. */
export function uniqueBatchSizes(sizes: readonly number[], candidates: number): number[] {
  const out: number[] = [];
  for (const s of sizes) {
    const b = Math.min(s, candidates);
    if (!out.includes(b)) out.push(b);
  }
  return out;
}
