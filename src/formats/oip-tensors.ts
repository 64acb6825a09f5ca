// Shared by the four Open Inference Protocol formats: which tensors a request becomes
// (tensor-broadcast's: one per feature, context once with leading dimension 1, lists as
// values + row_splits) and the server side's checks before the columnar assembly,
// worded as Triton words them: unknown, repeated or missing inputs and wrong datatypes.
import type { DType } from '../scenario/types.js';
import type { RankingRequest, Schema, Values } from '../tensors/feature-batch.js';
import { dtypeFromOip, isOipDatatype, OIP_DATATYPE, OIP_DATATYPES } from '../wire/oip-datatypes.js';
import { DecodeError } from '../wire/proto-reader.js';
import { assembleBatch, elementCount, expectedInputs, ROW_SPLITS_SUFFIX, toNamedTensors } from './columnar.js';
import type { NamedTensor } from '../tensors/named-tensor.js';
import type { FeatureBatch } from '../tensors/feature-batch.js';

/** Name of the model's one output, as the TF Serving signatures name it. */
export const OIP_SCORES_OUTPUT = 'scores';

/** The tensors an OIP request carries: tensor-broadcast's. */
export function oipTensors(req: RankingRequest): NamedTensor[] {
  return toNamedTensors(req, { contextOnce: true, pack: false });
}

const inputDtypes = new WeakMap<Schema, Map<string, DType>>();

/** Input name -> dtype of the model's inputs, in signature order (cached per schema: a server decodes many requests). */
export function oipInputDtypes(schema: Schema): Map<string, DType> {
  let out = inputDtypes.get(schema);
  if (out) return out;
  const byFeature = new Map(schema.features.map((f) => [f.name, f.dtype]));
  out = new Map<string, DType>();
  for (const name of expectedInputs(schema, false)) out.set(name, byFeature.get(name) ?? 'int64');
  inputDtypes.set(schema, out);
  return out;
}

/** One input as a request names it, with a reader for its data once its dtype and size are checked. */
export interface OipInput {
  name: string;
  datatype: string;
  shape: number[];
  read(dtype: DType, count: number): Values;
}

const list = (names: readonly string[]): string =>
  `[${names
    .slice(0, 12)
    .map((n) => `'${n}'`)
    .join(',')}${names.length > 12 ? `,... (${names.length} in all)` : ''}]`;

/**
 * Server side: check the inputs against the model (Triton's wording), read each one's
 * data and assemble the canonical batch (context features broadcast).
 */
export function assembleOip(schema: Schema, inputs: readonly OipInput[], model: string): FeatureBatch {
  const expected = oipInputDtypes(schema);
  const named = new Map<string, NamedTensor>();
  for (const input of inputs) {
    const { name, datatype } = input;
    if (named.has(name)) throw new DecodeError(`input '${name}' already exists in request`);
    const dtype = expected.get(name);
    if (!dtype) throw new DecodeError(`unexpected inference input '${name}' for model '${model}'`);
    if (!isOipDatatype(datatype)) {
      throw new DecodeError(
        `invalid datatype '${datatype}' for input '${name}' (datatypes: ${OIP_DATATYPES.join(', ')})`,
      );
    }
    if (dtypeFromOip(datatype) !== dtype) {
      throw new DecodeError(
        `inference input '${name}' data-type is '${datatype}', but model '${model}' expects '${OIP_DATATYPE[dtype]}'`,
      );
    }
    const count = elementCount(name, input.shape);
    named.set(name, { name, dtype, shape: input.shape, values: input.read(dtype, count) });
  }
  if (named.size !== expected.size) {
    const missing = [...expected.keys()].filter((k) => !named.has(k));
    throw new DecodeError(
      `expected ${expected.size} inputs but got ${named.size} inputs for model '${model}'. Got input(s) ${list([...named.keys()])}, but missing required input(s) ${list(missing)}. Please provide all required input(s).`,
    );
  }
  return assembleBatch(schema, named, false);
}

export { ROW_SPLITS_SUFFIX };
