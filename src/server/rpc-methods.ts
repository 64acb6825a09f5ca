// The five PredictionService methods on raw request bytes: check the ModelSpec, pick
// the signature, decode with the formats' own decoders (the code the offline benchmark
// measures) and describe the response (protobufjs objects, keepCase field names).
// Decoding and answering are separate halves joined by a plain-data plan, so a worker
// thread can decode and the batcher can answer each request from its slice of a batch.
import { getFormat } from '../formats/index.js';
import { decodeInputRequest } from '../wire/input.js';
import type { ModelSpec } from '../wire/model-spec.js';
import { protoType } from '../wire/protos.js';
import { DT_FLOAT } from '../wire/dtypes.js';
import type { DecodedCall } from './call-kinds.js';
import { invalidArgument, signatureNotFound, unimplemented } from './errors.js';
import { readRequestHead } from './request-head.js';
import type { Servable } from './servable.js';
import {
  CLASSIFY_METHOD,
  DEFAULT_SIGNATURE,
  REGRESS_METHOD,
  SCORES_OUTPUT,
  SIGNATURE_DEF_FIELD,
  SIGNATURE_DEF_MAP_TYPE_URL,
  signatureDefMapObject,
  type Signature,
} from './signatures.js';

export type InputMethod = 'Classify' | 'Regress';

const PREDICT_DECODERS = {
  columnar: getFormat('tensor-content'), // same decoder as tensor-typed and tensor-broadcast
  packed: getFormat('tensor-packed'),
  examples: getFormat('tf-example'),
} as const;

/** A DT_FLOAT [N] TensorProto (float_val, as TF Serving's AsProtoField writes it). */
function floatTensor(values: Float32Array): Record<string, unknown> {
  return { dtype: DT_FLOAT, tensor_shape: { dim: [{ size: values.length }] }, float_val: Array.from(values) };
}

function regressionResult(scores: Float32Array): Record<string, unknown> {
  return { regressions: Array.from(scores, (value) => ({ value })) };
}

/** One class per example: no class labels in this model, so the label is empty (as TF Serving does without a classes output). */
function classificationResult(scores: Float32Array): Record<string, unknown> {
  return { classifications: Array.from(scores, (score) => ({ classes: [{ label: '', score }] })) };
}

function requireSpec(spec: ModelSpec | undefined): ModelSpec {
  if (!spec) throw invalidArgument('Missing ModelSpec');
  return spec;
}

/** Predict: signature serving_default (columnar), packed or examples. */
export function decodePredict(servable: Servable, bytes: Uint8Array): DecodedCall {
  const spec = requireSpec(readRequestHead(bytes, false).modelSpec);
  servable.checkSpec(spec);
  const key = spec.signatureName || DEFAULT_SIGNATURE;
  const sig = servable.signatures.get(key);
  if (!sig) throw signatureNotFound(key);
  if (sig.kind === 'regression' || sig.kind === 'classification') {
    throw invalidArgument(
      `signature "${key}" (method_name ${sig.methodName}) takes serialized tf.Example in Input; this stub serves it on Classify / Regress / MultiInference, not on Predict`,
    );
  }
  const { batch } = PREDICT_DECODERS[sig.kind].decode(bytes, servable.schema);
  return { batch, plan: key, signature: key };
}

export function respondPredict(servable: Servable, plan: unknown, scores: Float32Array): Record<string, unknown> {
  const key = plan as string;
  return { model_spec: servable.specObject(key), outputs: { [SCORES_OUTPUT]: floatTensor(scores) } };
}

/** The signature a Classify / Regress call runs, with TF Serving's errors. */
export function inputSignature(servable: Servable, signatureName: string, method: InputMethod): Signature {
  const key = signatureName || DEFAULT_SIGNATURE;
  const sig = servable.signatures.get(key);
  if (!sig) throw invalidArgument(`No signature was found with the name: ${key}`);
  const want = method === 'Classify' ? CLASSIFY_METHOD : REGRESS_METHOD;
  if (sig.methodName !== want) {
    throw invalidArgument(
      `Expected ${method === 'Classify' ? 'classification' : 'regression'} signature method_name to be ${want}. Was: ${sig.methodName}`,
    );
  }
  return sig;
}

/** Classify / Regress: Input of example_list or example_list_with_context. */
export function decodeInputMethod(servable: Servable, bytes: Uint8Array, method: InputMethod): DecodedCall {
  const spec = requireSpec(readRequestHead(bytes, false).modelSpec);
  servable.checkSpec(spec);
  const sig = inputSignature(servable, spec.signatureName, method);
  const { batch } = decodeInputRequest(bytes, servable.schema, false);
  return { batch, plan: sig.key, signature: sig.key };
}

export function respondInputMethod(
  servable: Servable,
  plan: unknown,
  scores: Float32Array,
  method: InputMethod,
): Record<string, unknown> {
  return {
    model_spec: servable.specObject(plan as string),
    result: method === 'Classify' ? classificationResult(scores) : regressionResult(scores),
  };
}

interface MultiTask {
  key: string;
  classify: boolean;
}

/** MultiInference: one Input, several classify / regress tasks on the same model. */
export function decodeMultiInference(servable: Servable, bytes: Uint8Array): DecodedCall {
  const { tasks } = readRequestHead(bytes, true);
  if (tasks.length === 0) throw invalidArgument('Missing ModelSpec');
  const keys = new Set<string>();
  const plan: MultiTask[] = [];
  for (const task of tasks) {
    if (!task.modelSpec.name) throw invalidArgument('Found ModelSpec with an empty model name.');
    if (task.modelSpec.name !== tasks[0]!.modelSpec.name) {
      throw invalidArgument('All ModelSpecs in a MultiInferenceRequest must access the same model name.');
    }
    servable.checkSpec(task.modelSpec);
    const key = task.modelSpec.signatureName || DEFAULT_SIGNATURE;
    if (keys.has(key)) throw invalidArgument(`Duplicate evaluation of signature: ${key}`);
    keys.add(key);
    if (!servable.signatures.has(key)) throw invalidArgument(`Requested signature not found in model graph: ${key}`);
    let classify: boolean;
    if (task.methodName === CLASSIFY_METHOD) classify = true;
    else if (task.methodName === REGRESS_METHOD) classify = false;
    else throw unimplemented(`Unsupported signature method_name: ${task.methodName}`);
    inputSignature(servable, key, classify ? 'Classify' : 'Regress');
    plan.push({ key, classify });
  }
  const { batch } = decodeInputRequest(bytes, servable.schema, true);
  return { batch, plan, signature: `multi-inference:${plan.map((p) => p.key).join(',')}` };
}

export function respondMultiInference(
  servable: Servable,
  plan: unknown,
  scores: Float32Array,
): Record<string, unknown> {
  return {
    results: (plan as MultiTask[]).map((p) =>
      p.classify
        ? { model_spec: servable.specObject(p.key), classification_result: classificationResult(scores) }
        : { model_spec: servable.specObject(p.key), regression_result: regressionResult(scores) },
    ),
  };
}

/** Serialized SignatureDefMap of a servable (cached: the schema never changes). */
const signatureDefCache = new WeakMap<Servable, Uint8Array>();
export function signatureDefMapBytes(servable: Servable): Uint8Array {
  let b = signatureDefCache.get(servable);
  if (!b) {
    const T = protoType('tensorflow.serving.SignatureDefMap');
    b = T.encode(T.fromObject(signatureDefMapObject(servable.signatures))).finish();
    signatureDefCache.set(servable, b);
  }
  return b;
}

/** GetModelMetadata: the signature_def field only, as TF Serving. */
export function getModelMetadata(servable: Servable, bytes: Uint8Array): Record<string, unknown> {
  const head = readRequestHead(bytes, false);
  const spec = requireSpec(head.modelSpec);
  const fields = metadataFields(bytes);
  if (fields.length === 0) throw invalidArgument('GetModelMetadataRequest must specify at least one metadata_field');
  for (const f of fields) if (f !== SIGNATURE_DEF_FIELD) throw invalidArgument(`Metadata field ${f} is not supported`);
  servable.checkSpec(spec);
  return {
    model_spec: { name: servable.name, version: { value: servable.version }, signature_name: '' },
    metadata: {
      [SIGNATURE_DEF_FIELD]: { type_url: SIGNATURE_DEF_MAP_TYPE_URL, value: signatureDefMapBytes(servable) },
    },
  };
}

/** GetModelMetadataRequest.metadata_field (field 2, repeated string). */
function metadataFields(bytes: Uint8Array): string[] {
  const T = protoType('tensorflow.serving.GetModelMetadataRequest');
  let msg: { metadata_field?: string[] };
  try {
    msg = T.toObject(T.decode(bytes)) as { metadata_field?: string[] };
  } catch (err) {
    throw invalidArgument(`Could not parse GetModelMetadataRequest: ${(err as Error).message}`);
  }
  return msg.metadata_field ?? [];
}
