// What an end-to-end run sends, decided before any load: the user's recorded requests
// (--data; schema inferred, or checked against --scenario), a scenario, or — with --target
// and neither — a scenario built from the model's own signature (GetModelMetadata). With
// --target, a scenario or data is first checked against the signature, and every mismatch
// is explained feature by feature (SignatureError: the CLI exits 2, nothing was sent).
import { loadData, type DataSummary } from '../data/index.js';
import { loadScenario, ROW_SPLITS_SUFFIX, type Scenario } from '../scenario/index.js';
import { fixedWidth, type Column, type RankingRequest } from '../tensors/index.js';
import { DEFAULT_E2E_SCENARIO, type E2eConfig } from './config.js';
import { E2eServerError } from './server-error.js';
import {
  compareWithSignature,
  DEFAULT_SIGNATURE_KEY,
  fetchSignatures,
  pickSignature,
  scenarioFromSignature,
  SIGNATURE_CANDIDATES,
  SignatureError,
  takesSerializedExamples,
  type ModelSignature,
} from './signature-scenario.js';
import { fetchOipSignature, OIP_SIGNATURE_KEY } from './oip-target.js';

export interface E2eInput {
  scenario: Scenario;
  /** Recorded requests, replayed round-robin (one per search); absent: the scenario's synthetic request. */
  requests?: RankingRequest[];
  /** Where the schema came from. */
  source: 'data' | 'scenario' | 'signature' | 'default';
  /** --data: aggregate facts for the results. */
  data?: DataSummary;
  /** --target: the signature the schema was built from or checked against, and whether it was checked. */
  signature?: { key: string; use: 'built' | 'checked' | 'not checked' };
  /** Privacy-safe warnings for the results. */
  warnings: string[];
}

export interface ResolveOptions {
  /** How long to wait for GetModelMetadata. @default 10000 */
  metadataTimeoutMs?: number;
}

/**
 * @throws ScenarioError, DataError (bad --scenario or --data), SignatureError (the target's
 *   signature cannot be used, or does not match) — all usage problems, exit 2
 * @throws E2eServerError when the --target does not answer GetModelMetadata at all (exit 3)
 */
export async function resolveE2eInput(config: E2eConfig, opts: ResolveOptions = {}): Promise<E2eInput> {
  const overrides = {
    ...(config.candidates !== null ? { candidates: config.candidates } : {}),
    ...(config.seed !== null ? { seed: config.seed } : {}),
  };
  const given = config.scenario !== null ? loadScenario(config.scenario, overrides) : undefined;
  const sigKey = config.protocol === 'oip' ? OIP_SIGNATURE_KEY : (config.signature ?? DEFAULT_SIGNATURE_KEY);
  let input: E2eInput;
  if (config.data !== null) {
    const loaded = loadData(config.data, given ? { scenario: given } : {});
    input = {
      scenario: loaded.scenario,
      requests: loaded.requests,
      source: 'data',
      data: loaded.summary,
      warnings: [...loaded.warnings],
    };
  } else if (given) {
    input = { scenario: given, source: 'scenario', warnings: [] };
  } else if (config.target !== null) {
    const sig = pickSignature(
      await signaturesOf(config.target, config.modelName, { ...opts, oip: config.protocol === 'oip' }, true),
      sigKey,
      config.modelName,
    );
    const scenario = scenarioFromSignature(sig, {
      name: `${config.modelName}.${sig.key}`,
      description: `Built from signature "${sig.key}" of model "${config.modelName}" at ${config.target} (GetModelMetadata): every feature an item (a signature cannot tell context), default value distributions.`,
      candidates: config.candidates ?? SIGNATURE_CANDIDATES,
      seed: config.seed ?? 1,
    });
    return { scenario, source: 'signature', signature: { key: sig.key, use: 'built' }, warnings: [] };
  } else {
    return { scenario: loadScenario(DEFAULT_E2E_SCENARIO, overrides), source: 'default', warnings: [] };
  }
  if (config.target !== null) await checkAgainstTarget(input, config, sigKey, opts);
  return input;
}

/** Checks `input.scenario` against the target's signature `key`; sets input.signature, or throws. */
async function checkAgainstTarget(
  input: E2eInput,
  config: E2eConfig,
  key: string,
  opts: ResolveOptions,
): Promise<void> {
  const signatures = await signaturesOf(
    config.target!,
    config.modelName,
    { ...opts, oip: config.protocol === 'oip' },
    false,
  );
  if (!signatures) {
    input.signature = { key, use: 'not checked' };
    input.warnings.push(`features not checked against the target: it does not answer GetModelMetadata with signatures`);
    return;
  }
  if (config.signature === null && config.protocol !== 'oip' && !signatures.has(key)) {
    // No --signature: the formats call their own signatures, which may exist without serving_default.
    input.signature = { key, use: 'not checked' };
    input.warnings.push(
      `features not checked against the target: model "${config.modelName}" has no signature "${key}" (it has: ${[...signatures.keys()].join(', ')}); name one with --signature to check against it`,
    );
    return;
  }
  const sig = pickSignature(signatures, key, config.modelName);
  if (takesSerializedExamples(sig)) {
    input.signature = { key, use: 'not checked' };
    input.warnings.push(
      `features not checked against signature "${key}": it takes serialized tf.Example strings, whose features are not in its metadata`,
    );
    return;
  }
  if (input.source === 'data' && input.data?.schema === 'inferred' && input.requests) listsFromSignature(input, sig);
  const what = input.source === 'data' ? 'the data' : `scenario "${input.scenario.name}"`;
  const problems = compareWithSignature(input.scenario, sig, what);
  if (problems.length) {
    throw new SignatureError(
      `${what} does not match signature "${key}" of model "${config.modelName}" at ${config.target} (nothing was sent):\n  ${problems.join('\n  ')}`,
    );
  }
  input.signature = { key, use: 'checked' };
}

/**
 * The target's signatures. `required`: a server that answers without them is an error
 * (building needs them); otherwise undefined (checking is then skipped, with a warning).
 */
type SignatureSource = ResolveOptions & { oip?: boolean };
async function signaturesOf(
  target: string,
  model: string,
  opts: SignatureSource,
  required: true,
): Promise<Map<string, ModelSignature>>;
async function signaturesOf(
  target: string,
  model: string,
  opts: SignatureSource,
  required: false,
): Promise<Map<string, ModelSignature> | undefined>;
async function signaturesOf(target: string, model: string, opts: SignatureSource, required: boolean) {
  // Open Inference Protocol servers describe the model with ModelMetadata, read as a signature.
  const r = await (opts.oip ? fetchOipSignature : fetchSignatures)(target, model, opts.metadataTimeoutMs ?? 10_000);
  if (r.kind === 'ok') return r.signatures;
  const rpc = opts.oip ? 'ModelMetadata' : 'GetModelMetadata';
  if (r.kind === 'unreachable') throw new E2eServerError(`--target ${target}: ${rpc} got no answer (${r.details})`);
  if (r.code === 'NOT_FOUND' || required) {
    throw new SignatureError(
      `--target ${target}: ${rpc} for model "${model}" failed: ${r.code}: ${r.details}${required ? '; give --scenario or --data instead' : ''}`,
    );
  }
  return undefined;
}

/**
 * Inference sees only the sample: a list feature whose values happened to have one length
 * in every example comes out a scalar or a vector. Where the signature takes that feature
 * as a list (`<name>` + `<name>_row_splits`), follow the signature: the schema says list and
 * the requests get row_splits, values unchanged.
 */
function listsFromSignature(input: E2eInput, sig: ModelSignature): void {
  const lists = new Set(
    sig.inputs.filter((t) => sig.inputs.some((u) => u.name === t.name + ROW_SPLITS_SUFFIX)).map((t) => t.name),
  );
  const fixed = input.scenario.features.filter((f) => f.shape.kind !== 'list' && lists.has(f.name));
  if (!fixed.length) return;
  const width = new Map(fixed.map((f) => [f.name, fixedWidth(f)!]));
  const features = input.scenario.features.map((f) =>
    width.has(f.name)
      ? { ...f, shape: { kind: 'list' as const, min: width.get(f.name)!, max: width.get(f.name)! } }
      : f,
  );
  const scenario = { ...input.scenario, features };
  input.scenario = scenario;
  input.requests = input.requests!.map((r) => {
    const columns = new Map<string, Column>(r.columns);
    for (const f of fixed) {
      const w = width.get(f.name)!;
      const rows = f.scope === 'context' ? 1 : r.candidates;
      columns.set(f.name, {
        values: r.columns.get(f.name)!.values,
        rowSplits: Int32Array.from({ length: rows + 1 }, (_, i) => i * w),
      });
    }
    return { schema: { features }, candidates: r.candidates, columns };
  });
  input.warnings.push(
    `data: ${fixed.length} feature(s) had one length in every example but signature "${sig.key}" takes them as lists; sent as lists: ${fixed.map((f) => f.name).join(', ')}`,
  );
}
