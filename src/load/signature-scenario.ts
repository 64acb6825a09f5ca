// A real target's own description of what it takes: reads the model's signatures with
// GetModelMetadata (gRPC, metadata_field ["signature_def"], the Any unpacked as
// tensorflow.serving.SignatureDefMap), builds a scenario matching one signature (so a user
// only names the model), and explains, feature by feature, where a scenario or recorded
// data does not match a signature (missing input, extra feature, dtype, shape).
//
// What metadata cannot say: whether a feature is per request (context) or per candidate
// (item): a columnar signature takes both as [-1, ...]. Built scenarios make every feature
// an item (tensor-broadcast then sends every feature per candidate), and value
// distributions are the scenario defaults (payload sizes are then only indicative).
import { ROW_SPLITS_SUFFIX, RESERVED_NAMES, parseScenario, ScenarioError } from '../scenario/parse-scenario.js';
import type { DType, FeatureSpec, Scenario } from '../scenario/types.js';
import { createRawClient } from '../common/raw-client.js';
import { DT_INT64, DT_STRING, TF_DTYPE, dtypeFromTf, tfDtypeName } from '../wire/dtypes.js';
import { protoType } from '../wire/protos.js';

/** The signature TF Serving uses when a request names none. */
export const DEFAULT_SIGNATURE_KEY = 'serving_default';
export const SIGNATURE_DEF_MAP_TYPE = 'tensorflow.serving.SignatureDefMap';
/** Candidates per search of a scenario built from a signature (when --candidates is not given). */
export const SIGNATURE_CANDIDATES = 100;
/** List length of a variable-length input in a built scenario. */
export const SIGNATURE_LIST = { min: 1, max: 5 } as const;

/** One input of a signature, by the alias requests use (the SignatureDef's map key). */
export interface SignatureInput {
  name: string;
  /** TensorFlow DataType enum value. */
  dtype: number;
  /** Dimensions, -1 unknown; null when the rank itself is unknown. */
  shape: number[] | null;
}

export interface ModelSignature {
  key: string;
  methodName: string;
  /** Sorted by name. */
  inputs: SignatureInput[];
}

/** The signature cannot be used as asked (the CLI exits 2). */
export class SignatureError extends Error {
  override name = 'SignatureError';
}

export type MetadataOutcome =
  | { kind: 'ok'; signatures: Map<string, ModelSignature> }
  /** The server answered, but not with signatures (UNIMPLEMENTED, NOT_FOUND, ...). */
  | { kind: 'rejected'; code: string; details: string }
  /** No answer at all (UNAVAILABLE, DEADLINE_EXCEEDED). */
  | { kind: 'unreachable'; details: string };

const STATUS: Record<number, string> = {
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

/** Asks `address` (host:port, gRPC) for `modelName`'s signatures. Never throws for server answers. */
export async function fetchSignatures(
  address: string,
  modelName: string,
  timeoutMs = 10_000,
): Promise<MetadataOutcome> {
  const Req = protoType('tensorflow.serving.GetModelMetadataRequest');
  const bytes = Req.encode(
    Req.fromObject({ model_spec: { name: modelName }, metadata_field: ['signature_def'] }),
  ).finish();
  const client = createRawClient(address);
  try {
    const r = await client.call('GetModelMetadata', bytes, { deadlineMs: timeoutMs });
    if (r.code === 14 || r.code === 4) return { kind: 'unreachable', details: r.details };
    if (r.code !== 0 || !r.response)
      return { kind: 'rejected', code: STATUS[r.code] ?? `STATUS_${r.code}`, details: r.details };
    return { kind: 'ok', signatures: parseMetadataResponse(r.response) };
  } finally {
    client.close();
  }
}

interface TensorInfoObject {
  dtype?: number;
  tensor_shape?: { dim?: { size?: number }[]; unknown_rank?: boolean };
}

/**
 * Signatures from GetModelMetadataResponse bytes.
 * @throws SignatureError when the response carries no SignatureDefMap
 */
export function parseMetadataResponse(bytes: Uint8Array): Map<string, ModelSignature> {
  const Res = protoType('tensorflow.serving.GetModelMetadataResponse');
  const res = Res.toObject(Res.decode(bytes), { longs: Number }) as {
    metadata?: Record<string, { type_url?: string; value?: Uint8Array }>;
  };
  const any = res.metadata?.signature_def;
  if (!any?.value) throw new SignatureError('the GetModelMetadata response has no "signature_def" metadata');
  if (!any.type_url?.endsWith(`/${SIGNATURE_DEF_MAP_TYPE}`))
    throw new SignatureError(
      `the "signature_def" metadata is a ${any.type_url ?? '(no type URL)'}, expected a ${SIGNATURE_DEF_MAP_TYPE}`,
    );
  const Map_ = protoType(SIGNATURE_DEF_MAP_TYPE);
  const map = Map_.toObject(Map_.decode(any.value), { longs: Number }) as {
    signature_def?: Record<string, { inputs?: Record<string, TensorInfoObject>; method_name?: string }>;
  };
  const out = new Map<string, ModelSignature>();
  for (const key of Object.keys(map.signature_def ?? {}).sort()) {
    const def = map.signature_def![key]!;
    const inputs = Object.entries(def.inputs ?? {})
      .map(
        ([name, t]): SignatureInput => ({
          name,
          dtype: t.dtype ?? 0,
          shape:
            !t.tensor_shape || t.tensor_shape.unknown_rank
              ? null
              : (t.tensor_shape.dim ?? []).map((d) => Number(d.size ?? 0)),
        }),
      )
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    out.set(key, { key, methodName: def.method_name ?? '', inputs });
  }
  return out;
}

/** The signature called `key`, or an error listing the ones there are. */
export function pickSignature(signatures: Map<string, ModelSignature>, key: string, model: string): ModelSignature {
  const sig = signatures.get(key);
  if (!sig)
    throw new SignatureError(
      `model "${model}" has no signature "${key}" (it has: ${[...signatures.keys()].join(', ') || 'none'}); choose one with --signature`,
    );
  return sig;
}

/** A signature taking serialized tf.Example strings (Classify / Regress, or one DT_STRING `examples` / `inputs`). */
export function takesSerializedExamples(sig: ModelSignature): boolean {
  if (/\/(classify|regress)$/.test(sig.methodName)) return true;
  const only = sig.inputs.length === 1 ? sig.inputs[0]! : undefined;
  return only !== undefined && only.dtype === DT_STRING && (only.name === 'examples' || only.name === 'inputs');
}

const shapeText = (s: readonly number[] | null): string => (s === null ? '(unknown rank)' : `[${s.join(',')}]`);

export interface SignatureScenarioOptions {
  name: string;
  description: string;
  candidates: number;
  seed: number;
}

/**
 * A scenario whose requests match `sig` input for input: DT_FLOAT / DT_INT64 / DT_STRING;
 * [-1] a scalar, [-1, L] a vector of L, `<name>` + `<name>_row_splits` a variable-length list.
 * Every feature is an item; distributions are the defaults.
 * @throws SignatureError listing every input that cannot be built
 */
export function scenarioFromSignature(sig: ModelSignature, opts: SignatureScenarioOptions): Scenario {
  if (takesSerializedExamples(sig)) {
    throw new SignatureError(
      `signature "${sig.key}" (${sig.methodName || 'no method'}) takes serialized tf.Example strings: the features inside are not in its metadata; give --scenario or --data, or choose another --signature`,
    );
  }
  const byName = new Map(sig.inputs.map((t) => [t.name, t]));
  const problems: string[] = [];
  const features: Omit<FeatureSpec, 'dist'>[] = [];
  for (const t of sig.inputs) {
    const base = t.name.endsWith(ROW_SPLITS_SUFFIX) ? t.name.slice(0, -ROW_SPLITS_SUFFIX.length) : undefined;
    if (base !== undefined && byName.has(base)) continue; // the row_splits half of a list, handled with its values
    const where = `input "${t.name}" (${tfDtypeName(t.dtype)} ${shapeText(t.shape)})`;
    const dtype = dtypeFromTf(t.dtype);
    if (!dtype)
      problems.push(`${where}: dtype ${tfDtypeName(t.dtype)}; payload-bench sends DT_FLOAT, DT_INT64 and DT_STRING`);
    if (RESERVED_NAMES.has(t.name))
      problems.push(
        `${where}: "${t.name}" is one of payload-bench's own inputs (${[...RESERVED_NAMES].join(', ')}); choose the columnar signature with --signature`,
      );
    const splits = byName.get(t.name + ROW_SPLITS_SUFFIX);
    let shape: FeatureSpec['shape'] | undefined;
    if (splits) {
      if (splits.dtype !== DT_INT64)
        problems.push(`input "${splits.name}": row_splits must be DT_INT64, got ${tfDtypeName(splits.dtype)}`);
      if (splits.shape !== null && splits.shape.length !== 1)
        problems.push(`input "${splits.name}": row_splits must have rank 1, got ${shapeText(splits.shape)}`);
      if (t.shape !== null && t.shape.length !== 1)
        problems.push(`${where}: the values of a variable-length list must have rank 1`);
      shape = { kind: 'list', ...SIGNATURE_LIST };
    } else if (t.shape === null) {
      problems.push(`${where}: unknown rank; cannot tell a scalar from a vector`);
    } else if (t.shape.length === 0) {
      problems.push(`${where}: rank 0 (one value per call); payload-bench sends a batch dimension first`);
    } else if (t.shape.length === 1) {
      shape = { kind: 'scalar' };
    } else if (t.shape.length === 2 && t.shape[1]! > 0) {
      shape = { kind: 'vector', length: t.shape[1]! };
    } else if (t.shape.length === 2) {
      problems.push(
        `${where}: variable inner dimension and no "${t.name}${ROW_SPLITS_SUFFIX}" input; cannot tell how many values each candidate has`,
      );
    } else {
      problems.push(
        `${where}: rank ${t.shape.length}; payload-bench sends [batch], [batch, L] or a list with row_splits`,
      );
    }
    if (dtype && shape) features.push({ name: t.name, dtype, scope: 'item', shape });
  }
  if (sig.inputs.length === 0) problems.push('it has no inputs');
  if (problems.length)
    throw new SignatureError(
      `signature "${sig.key}": cannot build requests from its metadata:\n  ${problems.join('\n  ')}\ngive --scenario or --data for this model instead`,
    );
  try {
    return parseScenario({ ...opts, features }, `signature "${sig.key}"`);
  } catch (err) {
    if (err instanceof ScenarioError) throw new SignatureError(err.message);
    throw err;
  }
}

function featureText(f: FeatureSpec): string {
  switch (f.shape.kind) {
    case 'scalar':
      return `a scalar per candidate, sent as [N]`;
    case 'vector':
      return `a vector of ${f.shape.length} per candidate, sent as [N,${f.shape.length}]`;
    case 'list':
      return `a variable-length list, sent as "${f.name}" [values] + "${f.name}${ROW_SPLITS_SUFFIX}" [N+1]`;
  }
}

/** Fixed shape `want` (-1 = any) fits the signature's `have`: same rank, inner dimensions -1 or equal. */
function fits(have: readonly number[] | null, want: readonly number[]): boolean {
  if (have === null) return true;
  return have.length === want.length && have.every((d, i) => i === 0 || d === -1 || want[i] === -1 || d === want[i]);
}

/**
 * Every mismatch between what `scenario` sends (as the tensor formats do) and `sig`, one line
 * per feature or input: extra feature, missing input, dtype, shape. Empty when they match.
 * `what` names the side being checked, e.g. `the data` or `scenario "tiny"`.
 */
export function compareWithSignature(scenario: Scenario, sig: ModelSignature, what: string): string[] {
  const byName = new Map(sig.inputs.map((t) => [t.name, t]));
  const used = new Set<string>();
  const problems: string[] = [];
  for (const f of scenario.features) {
    const t = byName.get(f.name);
    const dt: DType = f.dtype;
    if (!t) {
      problems.push(
        `feature "${f.name}": extra: ${what} has it (${dt}, ${featureText(f)}), signature "${sig.key}" has no input "${f.name}"`,
      );
      continue;
    }
    used.add(f.name);
    if (t.dtype !== TF_DTYPE[dt])
      problems.push(
        `feature "${f.name}": dtype: ${what} has ${dt} (${tfDtypeName(TF_DTYPE[dt])}), the signature's input takes ${tfDtypeName(t.dtype)}`,
      );
    if (f.shape.kind === 'list') {
      const s = byName.get(f.name + ROW_SPLITS_SUFFIX);
      if (!s) {
        problems.push(
          `feature "${f.name}": shape: ${what} has ${featureText(f)}; the signature has no input "${f.name}${ROW_SPLITS_SUFFIX}" (its "${f.name}" takes ${shapeText(t.shape)})`,
        );
      } else {
        used.add(s.name);
        if (s.dtype !== DT_INT64)
          problems.push(
            `input "${s.name}": dtype: row_splits are sent as DT_INT64, the signature's input takes ${tfDtypeName(s.dtype)}`,
          );
        if (!fits(s.shape, [-1]))
          problems.push(
            `input "${s.name}": shape: row_splits are sent as [N+1], the signature's input takes ${shapeText(s.shape)}`,
          );
        if (!fits(t.shape, [-1]))
          problems.push(
            `feature "${f.name}": shape: ${what} has ${featureText(f)}, the signature's input takes ${shapeText(t.shape)}`,
          );
      }
    } else {
      const want = f.shape.kind === 'scalar' ? [-1] : [-1, f.shape.length];
      if (!fits(t.shape, want))
        problems.push(
          `feature "${f.name}": shape: ${what} has ${featureText(f)}, the signature's input takes ${shapeText(t.shape)}`,
        );
      if (byName.has(f.name + ROW_SPLITS_SUFFIX)) {
        used.add(f.name + ROW_SPLITS_SUFFIX);
        problems.push(
          `feature "${f.name}": shape: ${what} has ${featureText(f)}, the signature takes a variable-length list ("${f.name}" + "${f.name}${ROW_SPLITS_SUFFIX}")`,
        );
      }
    }
  }
  const unused = new Set(sig.inputs.filter((t) => !used.has(t.name)).map((t) => t.name));
  for (const t of sig.inputs) {
    if (!unused.has(t.name)) continue;
    // The row_splits half of a missing list is named in the line of its values.
    if (t.name.endsWith(ROW_SPLITS_SUFFIX) && unused.has(t.name.slice(0, -ROW_SPLITS_SUFFIX.length))) continue;
    const list = unused.has(t.name + ROW_SPLITS_SUFFIX);
    const takes = list
      ? `a variable-length list of ${tfDtypeName(t.dtype)}, "${t.name}" + "${t.name}${ROW_SPLITS_SUFFIX}"`
      : `${tfDtypeName(t.dtype)} ${shapeText(t.shape)}`;
    problems.push(
      `input "${t.name}": missing: signature "${sig.key}" takes it (${takes}), ${what} has no feature "${t.name}"`,
    );
  }
  return problems;
}
