// Programmatic API: start the stub TF Serving server (gRPC + REST) and stop it
// gracefully. Used by `npm run serve`, the tests and the end-to-end load test.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { loadScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/types.js';
import { DEFAULT_MODEL } from '../formats/types.js';
import type { BatchingParameters } from './batching-params.js';
import { CallRunner, type RunnerStats } from './call-runner.js';
import { FaultInjector, NO_FAULTS, type FaultOptions } from './faults.js';
import { predictionServiceDefinition, predictionServiceHandlers } from './grpc-service.js';
import { attachToHttp2Servers, DEFAULT_WINDOW_BYTES } from './grpc-http2.js';
import { harnessServiceDefinition, harnessServiceHandlers } from './harness-noop.js';
import { RestHandler } from './rest-handler.js';
import { oipServiceDefinition, oipServiceHandlers } from './oip-grpc-service.js';
import { OipRestHandler } from './oip-rest.js';
import { Servable } from './servable.js';
import { defaultWorkers, InlineExecutor, WorkerPool, type Executor } from './worker-pool.js';

/** Default cap on what a compressed REST body may inflate to (a compression bomb stops here). */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 256 * 1024 ** 2;

/** TF Serving's default message limit: INT_MAX. */
export const DEFAULT_MAX_MESSAGE_BYTES = 2 ** 31 - 1;

export interface ServerOptions {
  /** gRPC port; 0 picks a free one. @default 8500 */
  port: number;
  /** REST port; 0 picks a free one. @default 8501 */
  restPort: number;
  /** Address both servers listen on. @default '127.0.0.1' */
  host: string;
  /** Preset name, scenario file path, or a parsed scenario: the model's schema. @default 'etsy-search' */
  scenario: string | Scenario;
  /** Model name clients must ask for. @default 'ranker' */
  modelName: string;
  /** Extra dense-layer units per candidate (see RankingModel). @default 0 */
  modelCost: number;
  /** Injected faults. @default none */
  faults: FaultOptions;
  /** Largest request message (gRPC, after decompression) or REST body (before and after decompression). @default 2^31 - 1 */
  maxMessageBytes: number;
  /**
   * Largest size a compressed REST body may inflate to: inflation stops there and the call is
   * answered 413. gRPC has only grpc-js's one limit, `maxMessageBytes` (it inflates as a stream
   * and stops there). @default 256 MiB
   */
  maxDecompressedBytes: number;
  /** HTTP/2 stream and connection receive window of the gRPC server; 0 keeps Node's 64 KiB. @default 16 MiB */
  windowBytes: number;
  /** On close, in-flight calls get this long to finish before connections are cut. @default 30000 */
  drainTimeoutMs: number;
  /** Worker threads that decode and compute; 0 runs them on the main thread. @default the machine's cores */
  workers: number;
  /** TF Serving's batching (--enable_batching with these parameters); null: off. @default null */
  batching: BatchingParameters | null;
  /** TF Serving's --rest_api_timeout_in_ms: REST calls still queued after this are dropped; 0 = none. @default 30000 */
  restTimeoutMs: number;
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  port: 8500,
  restPort: 8501,
  host: '127.0.0.1',
  scenario: 'etsy-search',
  modelName: DEFAULT_MODEL,
  modelCost: 0,
  faults: NO_FAULTS,
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
  windowBytes: DEFAULT_WINDOW_BYTES,
  drainTimeoutMs: 30_000,
  workers: defaultWorkers(),
  batching: null,
  restTimeoutMs: 30_000,
};

export interface RunningServer {
  host: string;
  grpcPort: number;
  restPort: number;
  /** `host:port` of each listener (IPv6 hosts in brackets). */
  grpcAddress: string;
  restAddress: string;
  servable: Servable;
  /** Calls accepted and not yet answered. */
  inFlight(): number;
  /** Calls, model calls, dropped and refused calls since start (also GET /stub/stats on the REST port). */
  stats(): RunnerStats;
  /** Stop accepting, let in-flight calls finish (up to drainTimeoutMs), then release the ports. */
  close(): Promise<void>;
}

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export async function startServer(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const o: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...options };
  const scenario = typeof o.scenario === 'string' ? loadScenario(o.scenario) : o.scenario;
  const servable = new Servable(o.modelName, { features: scenario.features }, o.modelCost);
  if (!Number.isSafeInteger(o.workers) || o.workers < 0)
    throw new Error(`workers must be an integer >= 0, got ${o.workers}`);
  const executor: Executor =
    o.workers === 0 ? new InlineExecutor(servable) : await WorkerPool.start(o.workers, servable);
  const runner = new CallRunner(servable, {
    executor,
    faults: new FaultInjector(o.faults),
    ...(o.batching ? { batching: o.batching } : {}),
  });
  const fail = async (err: unknown): Promise<never> => {
    await runner.close();
    throw err;
  };

  const grpcServer = new grpc.Server({
    'grpc.max_receive_message_length': o.maxMessageBytes,
    'grpc.max_send_message_length': -1,
  });
  grpcServer.addService(predictionServiceDefinition(), predictionServiceHandlers(servable, runner));
  grpcServer.addService(oipServiceDefinition(), oipServiceHandlers(servable, runner));
  grpcServer.addService(harnessServiceDefinition(), harnessServiceHandlers());
  const grpcPort = await new Promise<number>((resolve, reject) => {
    grpcServer.bindAsync(hostPort(o.host, o.port), grpc.ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    );
  }).catch(fail);
  try {
    attachToHttp2Servers(grpcServer, o.windowBytes);
  } catch (err) {
    grpcServer.forceShutdown();
    return fail(err);
  }

  const rest = new RestHandler(servable, runner, o.maxMessageBytes, o.restTimeoutMs, o.maxDecompressedBytes);
  const oipRest = new OipRestHandler(servable, runner, o.maxMessageBytes, o.restTimeoutMs, o.maxDecompressedBytes);
  const http: HttpServer = createHttpServer((req, res) =>
    (OipRestHandler.handles(req.url) ? oipRest.handle : rest.handle)(req, res),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(o.restPort, o.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    grpcServer.forceShutdown();
    return fail(err);
  }
  const restPort = (http.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      rest.draining = true;
      oipRest.draining = true;
      const grpcDone = new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
      const httpDone = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), o.drainTimeoutMs)),
      );
      const r = await Promise.race([Promise.all([grpcDone, httpDone]), timeout]);
      clearTimeout(timer);
      if (r === 'timeout') {
        grpcServer.forceShutdown();
        http.closeAllConnections();
        await Promise.all([grpcDone, httpDone]);
      }
      await runner.close();
    })());

  return {
    host: o.host,
    grpcPort,
    restPort,
    grpcAddress: hostPort(o.host, grpcPort),
    restAddress: hostPort(o.host, restPort),
    servable,
    inFlight: () => runner.inFlight,
    stats: () => runner.stats(),
    close,
  };
}
