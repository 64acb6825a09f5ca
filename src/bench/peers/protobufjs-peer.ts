// protobufjs (reflection over our own protos/, the way a Node client loads .proto files)
// decoding and encoding the gRPC formats' messages.
import type protobuf from 'protobufjs';
import type { FeatureSpec } from '../../scenario/types.js';
import type { FeatureBatch, NamedTensor, Schema } from '../../tensors/index.js';
import { assembleBatch } from '../../formats/columnar.js';
import { EXAMPLES_INPUT } from '../../formats/tf-example.js';
import { protoType } from '../../wire/protos.js';
import { gatherExamples, type ListValues } from './gather-examples.js';
import type { PeerCodec } from './peer-types.js';
import { toNamed } from './tensor-views.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs messages are untyped objects */
type Msg = any;

const LIST_FIELD: Record<FeatureSpec['dtype'], string> = {
  float32: 'float_list',
  int64: 'int64_list',
  bytes: 'bytes_list',
};

function listOf(features: Msg, spec: FeatureSpec): ListValues | undefined {
  const f = features?.feature?.[spec.name];
  return f?.[LIST_FIELD[spec.dtype]]?.value;
}

function tensors(msg: Msg): NamedTensor[] {
  const out: NamedTensor[] = [];
  for (const [name, t] of Object.entries<Msg>(msg.inputs ?? {})) {
    out.push(
      toNamed(name, {
        dtype: t.dtype,
        dims: (t.tensor_shape?.dim ?? []).map((d: Msg) => d.size),
        content: t.tensor_content,
        floats: t.float_val,
        int64s: t.int64_val,
        strings: t.string_val,
      }),
    );
  }
  return out;
}

function encoder(type: protobuf.Type): (bytes: Uint8Array) => () => Uint8Array {
  return (bytes) => {
    const msg = type.decode(bytes);
    return () => type.encode(msg).finish();
  };
}

const ENCODE_WORK =
  'Type.encode(message).finish() of a message decoded beforehand (prebuilt; ours builds it from columns)';

/** Peer of tensor-typed, tensor-content, tensor-broadcast, tensor-packed. */
export function protobufjsTensorPeer(pack: boolean): PeerCodec {
  const type = protoType('tensorflow.serving.PredictRequest');
  return {
    impl: 'protobufjs',
    decode: (bytes) => tensors(type.decode(bytes)),
    toBatch: (decoded, schema) =>
      assembleBatch(schema, new Map((decoded as NamedTensor[]).map((t) => [t.name, t])), pack),
    decodeWork:
      'PredictRequest.decode, then one typed array per input (a view over tensor_content where aligned, else one copy; ' +
      'Float32Array/BigInt64Array from float_val/int64_val); less than ours: no check of names, dtypes, shapes or value counts, no context broadcast' +
      (pack ? ', no unpacking of the packed matrix into one array per feature (a transpose of every value)' : ''),
    prebuiltEncode: encoder(type),
    encodeWork: ENCODE_WORK,
  };
}

const GATHER_WORK =
  'decode of the request and of every tf.Example, then every feature of every example gathered into one typed array per feature ' +
  '(lists with row splits); less than ours: no ModelSpec/signature checks';

/** Peer of tf-example: PredictRequest whose `examples` input holds serialized tf.Examples. */
export function protobufjsTfExamplePeer(): PeerCodec {
  const type = protoType('tensorflow.serving.PredictRequest');
  const example = protoType('tensorflow.Example');
  return {
    impl: 'protobufjs',
    decode(bytes, schema) {
      const msg: Msg = type.decode(bytes);
      const raw: Uint8Array[] = msg.inputs?.[EXAMPLES_INPUT]?.string_val ?? [];
      const parsed = raw.map((b) => (example.decode(b) as Msg).features);
      return gatherExamples(schema, parsed.length, (i, spec) => listOf(parsed[i], spec));
    },
    toBatch: (decoded) => decoded as FeatureBatch,
    decodeWork: GATHER_WORK,
    prebuiltEncode: encoder(type),
    encodeWork: `${ENCODE_WORK}; the examples stay serialized bytes inside it`,
  };
}

/** Peer of example-list and elwc: RegressionRequest with Input.example_list(_with_context). */
export function protobufjsInputPeer(): PeerCodec {
  const type = protoType('tensorflow.serving.RegressionRequest');
  return {
    impl: 'protobufjs',
    decode(bytes, schema: Schema) {
      const msg: Msg = type.decode(bytes);
      const input = msg.input ?? {};
      const list = input.example_list_with_context ?? input.example_list ?? {};
      const examples: Msg[] = (list.examples ?? []).map((e: Msg) => e.features);
      const context: Msg = list.context?.features;
      // ELWC: a feature of the example wins over the context's (the server concatenates context, then example).
      return gatherExamples(schema, examples.length, (i, spec) => listOf(examples[i], spec) ?? listOf(context, spec));
    },
    toBatch: (decoded) => decoded as FeatureBatch,
    decodeWork: GATHER_WORK.replace(
      'decode of the request and of every tf.Example',
      'decode of the request (every tf.Example nested in it)',
    ),
    prebuiltEncode: encoder(type),
    encodeWork: ENCODE_WORK,
  };
}
