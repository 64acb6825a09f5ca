// The payload-bench library: `import { ... } from 'payload-bench'`. Everything the CLI does,
// a script can do with these, layer by layer (see README "Architecture"):
//   scenario -> tensors -> wire -> formats, codecs -> results -> data -> common
//   -> server (stub), load (e2e), bench (micro) -> report, check
// Names not exported here are internal and may change without notice.

// ---- scenarios: schema, presets, seeded generator ----
export { generate, loadScenario, MAX_CANDIDATES, parseScenario, presetNames, ScenarioError } from './scenario/index.js';
export type { Distribution, DType, FeatureSpec, ParseOptions, Scenario, Scope, Shape } from './scenario/index.js';

// ---- the canonical request and decoded batch ----
export { diffBatches, toFeatureBatch } from './tensors/index.js';
export type { Column, FeatureBatch, NamedTensor, RankingRequest, Schema, Values } from './tensors/index.js';

// ---- wire helpers for writing a plug-in format ----
export { decodePredictRequest, encodePredictRequest } from './wire/predict-request.js';
export { DecodeError } from './wire/proto-reader.js';
export { protoRoot, protoType } from './wire/protos.js';
export type { ModelSpec } from './wire/model-spec.js';

// ---- formats, plug-in formats, codecs ----
export {
  assembleBatch,
  DEFAULT_MODEL,
  formatIds,
  FormatError,
  FORMATS,
  getFormat,
  isPluginFormat,
  loadFormatModule,
  loadFormatModules,
  methodLabel,
  parseFormatList,
  registerFormat,
  toNamedTensors,
} from './formats/index.js';
export type {
  DecodedRequest,
  EncodeOptions,
  Format,
  FormatId,
  PluginFormat,
  RpcMethod,
  Transport,
} from './formats/index.js';
export { CodecError, codecIds, createCodec, describeCodecs, parseCodec, parseCodecList } from './codecs/index.js';
export type { Codec, CodecId, CodecInfo } from './codecs/index.js';

// ---- results: the schema every reporter and the check read ----
export {
  assertResults,
  InvalidResultsError,
  KNOWN_SCHEMA_VERSIONS,
  readResults,
  SCHEMA_VERSION,
  validateResults,
} from './results/index.js';
export type {
  E2eRun,
  Env,
  MicroOp,
  MicroRecord,
  Results,
  ResultsValidation,
  ScenarioInfo,
  SizeRecord,
  Stats,
  SweepRecord,
} from './results/index.js';

// ---- your own recorded requests ----
export { DataError, importData, inferScenario, loadData } from './data/index.js';
export type { DataFormat, DataSpec, DataSummary, LoadedData } from './data/index.js';

// ---- environment capture ----
export { collectEnv } from './common/index.js';

// ---- the stub TF Serving server ----
export { createRawClient, DEFAULT_SERVER_OPTIONS, startServer } from './server/index.js';
export type { RawClient, RunningServer, ServerOptions } from './server/index.js';

// ---- the end-to-end load runner ----
export { e2eResults, renderE2eTables, resolveE2eInput, runE2e, spawnStub } from './load/index.js';
export type { E2eConfig, E2eInput, LoadSpec, RunE2eOptions, StubProcess } from './load/index.js';

// ---- the micro benchmark (bytes and CPU per format x codec) ----
export {
  dumpRequest,
  renderConsole,
  renderFormatList,
  resolveScenarios,
  runBench,
  VerificationError,
  verifyRoundTrips,
} from './bench/index.js';
export type { BenchConfig, MeasurePlan, RunOptions as BenchRunOptions } from './bench/index.js';

// ---- the argument layer: configs as the commands build them, defaults for library callers ----
export { defaultBenchConfig, parseBenchArgs } from './args/bench-args.js';
export { defaultE2eConfig, parseE2eArgs } from './args/e2e-args.js';
export { parseServeArgs } from './args/serve-args.js';
export { UsageError } from './args/validators.js';

// ---- reports: pure renderers of a Results object, and the writer of every file ----
export {
  bencherJson,
  buildCharts,
  findings,
  githubBenchmarkJson,
  renderPng,
  reportHtml,
  resultsCsv,
  summaryMarkdown,
  writeReport,
} from './report/index.js';
export type { WriteReportOptions, WrittenReport } from './report/index.js';

// ---- the regression check ----
export {
  assertComparable,
  check,
  CheckError,
  confirm,
  freshSizes,
  loadResults,
  mergeResults,
  renderCheckMarkdown,
} from './check/index.js';
export type { CheckOptions, CheckReport, CheckRow, Verdict } from './check/index.js';
