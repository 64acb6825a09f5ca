// protobuf-es 2 (@bufbuild/protobuf, reflection over descriptors of our own protos/, see
// proto-descriptors.ts) decoding and encoding the gRPC formats' messages.
import { fromBinary, toBinary, type DescMessage } from '@bufbuild/protobuf';
import type { FeatureSpec } from '../../scenario/types.js';
import type { FeatureBatch, NamedTensor } from '../../tensors/index.js';
import { assembleBatch } from '../../formats/columnar.js';
import { EXAMPLES_INPUT } from '../../formats/tf-example.js';
import { gatherExamples, type ListValues } from './gather-examples.js';
import type { PeerCodec } from './peer-types.js';
import { esMessage } from './proto-descriptors.js';
import { toNamed } from './tensor-views.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- messages of runtime descriptors are untyped */
type Msg = any;

const LIST_CASE: Record<FeatureSpec['dtype'], string> = {
  float32: 'floatList',
  int64: 'int64List',
  bytes: 'bytesList',
};

function listOf(features: Msg, spec: FeatureSpec): ListValues | undefined {
  const kind = features?.feature?.[spec.name]?.kind;
  return kind?.case === LIST_CASE[spec.dtype] ? kind.value.value : undefined;
}

function tensors(msg: Msg): NamedTensor[] {
  const out: NamedTensor[] = [];
  for (const [name, t] of Object.entries<Msg>(msg.inputs ?? {})) {
    out.push(
      toNamed(name, {
        dtype: t.dtype,
        dims: (t.tensorShape?.dim ?? []).map((d: Msg) => d.size),
        content: t.tensorContent,
        floats: t.floatVal,
        int64s: t.int64Val,
        strings: t.stringVal,
      }),
    );
  }
  return out;
}

function encoder(desc: DescMessage): (bytes: Uint8Array) => () => Uint8Array {
  return (bytes) => {
    const msg = fromBinary(desc, bytes);
    return () => toBinary(desc, msg);
  };
}

const ENCODE_WORK = 'toBinary(schema, message) of a message decoded beforehand (prebuilt; ours builds it from columns)';
const GATHER_WORK =
  'fromBinary of the request and of every tf.Example, then every feature of every example gathered into one typed array per feature ' +
  '(lists with row splits); less than ours: no ModelSpec/signature checks';

export function protobufEsTensorPeer(pack: boolean): PeerCodec {
  const desc = esMessage('tensorflow.serving.PredictRequest');
  return {
    impl: 'protobuf-es',
    decode: (bytes) => tensors(fromBinary(desc, bytes)),
    toBatch: (decoded, schema) =>
      assembleBatch(schema, new Map((decoded as NamedTensor[]).map((t) => [t.name, t])), pack),
    decodeWork:
      'fromBinary(PredictRequest), then one typed array per input (a view over tensor_content where aligned, else one copy; ' +
      'Float32Array/BigInt64Array from floatVal/int64Val); less than ours: no check of names, dtypes, shapes or value counts, no context broadcast' +
      (pack ? ', no unpacking of the packed matrix into one array per feature (a transpose of every value)' : ''),
    prebuiltEncode: encoder(desc),
    encodeWork: ENCODE_WORK,
  };
}

export function protobufEsTfExamplePeer(): PeerCodec {
  const desc = esMessage('tensorflow.serving.PredictRequest');
  const example = esMessage('tensorflow.Example');
  return {
    impl: 'protobuf-es',
    decode(bytes, schema) {
      const msg: Msg = fromBinary(desc, bytes);
      const raw: Uint8Array[] = msg.inputs?.[EXAMPLES_INPUT]?.stringVal ?? [];
      const parsed = raw.map((b) => (fromBinary(example, b) as Msg).features);
      return gatherExamples(schema, parsed.length, (i, spec) => listOf(parsed[i], spec));
    },
    toBatch: (decoded) => decoded as FeatureBatch,
    decodeWork: GATHER_WORK,
    prebuiltEncode: encoder(desc),
    encodeWork: `${ENCODE_WORK}; the examples stay serialized bytes inside it`,
  };
}

export function protobufEsInputPeer(): PeerCodec {
  const desc = esMessage('tensorflow.serving.RegressionRequest');
  return {
    impl: 'protobuf-es',
    decode(bytes, schema) {
      const msg: Msg = fromBinary(desc, bytes);
      const list = msg.input?.kind?.value ?? {};
      const examples: Msg[] = (list.examples ?? []).map((e: Msg) => e.features);
      const context: Msg = list.context?.features;
      return gatherExamples(schema, examples.length, (i, spec) => listOf(examples[i], spec) ?? listOf(context, spec));
    },
    toBatch: (decoded) => decoded as FeatureBatch,
    decodeWork: GATHER_WORK.replace(
      'fromBinary of the request and of every tf.Example',
      'fromBinary of the request (every tf.Example nested in it)',
    ),
    prebuiltEncode: encoder(desc),
    encodeWork: ENCODE_WORK,
  };
}
