// tf-example: PredictRequest with one DT_STRING [N] input "examples" holding a
// serialized tf.Example per candidate (context copied into each). The server's
// work is ParseExampleV2: parse every example and gather each feature.
import type { RankingRequest, Schema } from '../tensors/feature-batch.js';
import { DT_STRING } from '../wire/dtypes.js';
import { ExampleParser, featureSources, writeExample } from '../wire/example.js';
import { writeModelSpec } from '../wire/model-spec.js';
import { decodePredictRequest } from '../wire/predict-request.js';
import { DecodeError } from '../wire/proto-reader.js';
import { ProtoWriter, WIRE_LEN, WIRE_VARINT } from '../wire/proto-writer.js';
import { estimateExampleBytes } from './input-formats.js';
import { DEFAULT_MODEL, type DecodedRequest, type EncodeOptions, type Format } from './types.js';

export const EXAMPLES_INPUT = 'examples';

export const tfExample: Format = {
  id: 'tf-example',
  description: 'PredictRequest, input "examples": DT_STRING [N] of serialized tf.Example, context copied into each',
  transport: 'grpc',
  rpc: 'Predict',
  signature: 'examples',
  encode(req: RankingRequest, opts: EncodeOptions = {}): Uint8Array {
    const w = new ProtoWriter(estimateExampleBytes(req));
    writeModelSpec(w, 1, { name: opts.modelName ?? DEFAULT_MODEL, signatureName: opts.signatureName ?? 'examples' });
    const sources = featureSources(req, req.schema.features);
    w.tag(2, WIRE_LEN);
    const entry = w.begin();
    w.tag(1, WIRE_LEN);
    w.string(EXAMPLES_INPUT);
    w.tag(2, WIRE_LEN);
    const tensor = w.begin();
    w.tag(1, WIRE_VARINT);
    w.uint32(DT_STRING);
    w.tag(2, WIRE_LEN);
    const shape = w.begin();
    w.tag(2, WIRE_LEN);
    const dim = w.begin();
    if (req.candidates) {
      w.tag(1, WIRE_VARINT);
      w.uint32(req.candidates);
    }
    w.end(dim);
    w.end(shape);
    for (let i = 0; i < req.candidates; i++) {
      w.tag(8, WIRE_LEN);
      const ex = w.begin();
      writeExample(w, sources, i);
      w.end(ex);
    }
    w.end(tensor);
    w.end(entry);
    return w.finish();
  },
  decode(bytes: Uint8Array, schema: Schema): DecodedRequest {
    const { modelSpec, inputs } = decodePredictRequest(bytes);
    const extra = [...inputs.keys()].filter((k) => k !== EXAMPLES_INPUT);
    if (extra.length)
      throw new DecodeError(
        `input tensor alias not found in signature: ${extra[0]}. Inputs expected to be in the set {${EXAMPLES_INPUT}}.`,
      );
    const t = inputs.get(EXAMPLES_INPUT);
    if (!t)
      throw new DecodeError(
        `Request inputs do not match required inputs for the signature. Missing: {${EXAMPLES_INPUT}}`,
      );
    if (t.dtype !== 'bytes' || t.shape.length !== 1) {
      throw new DecodeError(
        `input "${EXAMPLES_INPUT}": expected a DT_STRING vector of serialized tf.Example, got ${t.dtype} [${t.shape.join(',')}]`,
      );
    }
    const examples = t.values as Uint8Array[];
    const n = examples.length;
    const parser = new ExampleParser(schema.features, n);
    for (let i = 0; i < n; i++) {
      const e = examples[i]!;
      parser.parseInto(e, 0, e.length, i);
      parser.finishRow(i);
    }
    return { batch: { candidates: n, tensors: parser.columns() }, modelSpec };
  },
};
