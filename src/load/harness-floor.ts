// The harness floor of a run: a no-op call through the same client library, transport code
// and server process as the cells, one at a time, per transport. Against the stub it calls
// its no-op method / route (answered at once, no queue, decode or model); against another
// server, the cheapest call it has (GetModelMetadata on gRPC, GET model status on REST), which
// is named in the results. Round-trip percentiles and CPU per call (client from
// process.cpuUsage, server from its process when it is ours) tell what the machinery costs by
// itself: a difference between cells smaller than this cannot be read. Calls are timed back to
// back, and again each after an idle pause, as paced searches arrive: a process that has gone
// idle takes longer to wake up (on a small VM, milliseconds), and the cells pay that too.
import type { HarnessFloor } from '../results/index.js';
import { NOOP_REST_PATH } from '../common/harness-paths.js';
import { NOOP_GRPC_PATH } from '../common/harness-paths.js';
import { protoType } from '../wire/protos.js';
import { createGrpcCaller } from './grpc-transport.js';
import { LatencySamples } from './latency-samples.js';
import { createRestCaller } from './rest-transport.js';
import type { Transport } from './transport.js';

export interface FloorTarget {
  transport: 'grpc' | 'rest';
  /** The API the server speaks (for the call used when it has no no-op). */
  protocol: 'tfs' | 'oip';
  /** `host:port` to call. */
  address: string;
  /** What the results call it (e.g. `stub 127.0.0.1:40123`). */
  label: string;
}

export interface FloorOptions {
  targets: FloorTarget[];
  modelName: string;
  /** Calls measured per transport (after a short warmup). */
  calls: number;
  /** The server's CPU time so far in ms (our stub's process), or null: unknown. */
  serverCpuMs: () => number | null;
  /** True when the server is the stub, which has the no-op. */
  stub: boolean;
  /** Budget used for the summary's over-budget count. */
  budgetMs: number;
  signal?: AbortSignal;
}

const WARMUP_CALLS = 50;
/** Idle pause before each of the idle calls, ms: longer than the scheduler's busy-poll, like a paced search's gap. */
export const FLOOR_IDLE_GAP_MS = 10;
/** Idle calls per transport (at most): enough for a p99. */
const IDLE_CALLS = 100;
const CALL_CAP_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000;

/** What is called on each transport, and with which bytes. */
function floorCall(t: FloorTarget, o: FloorOptions): { transport: Transport; bytes: Uint8Array; call: string } {
  const options = { address: t.address, compression: 'identity' as const, connections: 1, modelName: o.modelName };
  if (t.transport === 'grpc') {
    if (o.stub)
      return {
        transport: createGrpcCaller(NOOP_GRPC_PATH, options),
        bytes: new Uint8Array(0),
        call: `no-op (gRPC ${NOOP_GRPC_PATH}, empty message)`,
      };
    if (t.protocol === 'oip') {
      const live = '/inference.GRPCInferenceService/ServerLive';
      return {
        transport: createGrpcCaller(live, options),
        bytes: new Uint8Array(0),
        call: 'ServerLive (the server has no no-op)',
      };
    }
    const Req = protoType('tensorflow.serving.GetModelMetadataRequest');
    const bytes = Req.encode(
      Req.fromObject({ model_spec: { name: o.modelName }, metadata_field: ['signature_def'] }),
    ).finish();
    return {
      transport: createGrpcCaller('/tensorflow.serving.PredictionService/GetModelMetadata', options),
      bytes,
      call: 'GetModelMetadata (the server has no no-op)',
    };
  }
  const path = t.protocol === 'oip' ? '/v2/health/live' : `/v1/models/${encodeURIComponent(o.modelName)}`;
  if (o.stub) {
    const route = {
      method: 'POST' as const,
      path: NOOP_REST_PATH,
      contentType: 'application/octet-stream',
      readyPath: path,
    };
    return {
      transport: createRestCaller(route, options),
      bytes: new Uint8Array(0),
      call: `no-op (POST ${NOOP_REST_PATH}, empty body)`,
    };
  }
  const route = { method: 'GET' as const, path, contentType: 'application/json', readyPath: path };
  return {
    transport: createRestCaller(route, options),
    bytes: new Uint8Array(0),
    call: `GET ${path} (${t.protocol === 'oip' ? 'liveness' : 'model status'}; the server has no no-op)`,
  };
}

/** Measures the floor of every target, one after the other; a target that fails is left out with a warning. */
export async function measureHarnessFloor(o: FloorOptions): Promise<{ floors: HarnessFloor[]; warnings: string[] }> {
  const floors: HarnessFloor[] = [];
  const warnings: string[] = [];
  for (const t of o.targets) {
    if (o.signal?.aborted) break;
    const { transport, bytes, call } = floorCall(t, o);
    try {
      await transport.ready(CONNECT_TIMEOUT_MS);
      const once = async (): Promise<number | string> => {
        const t0 = performance.now();
        const r = await transport.call(bytes, t0 + CALL_CAP_MS);
        return r.kind === 'ok'
          ? r.endAt - t0
          : r.kind === 'error'
            ? `${r.code}: ${r.details}`
            : `no answer within ${CALL_CAP_MS} ms`;
      };
      for (let i = 0; i < WARMUP_CALLS; i++) {
        const r = await once();
        if (typeof r === 'string') throw new Error(r);
      }
      const samples = new LatencySamples();
      const server0 = o.serverCpuMs();
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < o.calls && !o.signal?.aborted; i++) {
        const r = await once();
        if (typeof r === 'string') throw new Error(r);
        samples.record(r);
      }
      const cpu = process.cpuUsage(cpu0);
      const server1 = o.serverCpuMs();
      const n = Math.max(1, samples.count);
      const idle = new LatencySamples();
      for (let i = 0; i < Math.min(IDLE_CALLS, o.calls) && !o.signal?.aborted; i++) {
        await new Promise((r) => setTimeout(r, FLOOR_IDLE_GAP_MS));
        const r = await once();
        if (typeof r === 'string') throw new Error(r);
        idle.record(r);
      }
      floors.push({
        transport: t.transport,
        target: t.label,
        call,
        calls: samples.count,
        latency: samples.summary(o.budgetMs),
        idle: { gapMs: FLOOR_IDLE_GAP_MS, latency: idle.summary(o.budgetMs) },
        clientCpuMsPerCall: round4((cpu.user + cpu.system) / 1000 / n),
        serverCpuMsPerCall: server0 !== null && server1 !== null ? round4((server1 - server0) / n) : null,
      });
    } catch (err) {
      warnings.push(`harness floor (${t.transport}) not measured: ${call} failed: ${(err as Error).message}`);
    } finally {
      transport.close();
    }
  }
  return { floors, warnings };
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
