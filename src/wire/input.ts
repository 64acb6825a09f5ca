// Input (tensorflow_serving/apis/input.proto) inside ClassificationRequest /
// RegressionRequest (model_spec = 1, input = 2) and MultiInferenceRequest
// (tasks = 1, input = 2): writing, and locating each example's bytes for parsing.
import type { Schema, RankingRequest } from '../tensors/feature-batch.js';
import { ExampleParser, featureSources, writeExample } from './example.js';
import { readModelSpec, writeModelSpec, type ModelSpec } from './model-spec.js';
import { DecodeError, ProtoReader } from './proto-reader.js';
import { ProtoWriter, WIRE_LEN } from './proto-writer.js';

export type InputKind = 'example_list' | 'example_list_with_context';

export interface RequestHead {
  /** Classification/Regression: the ModelSpec. MultiInference: tasks. */
  modelSpec?: ModelSpec;
  tasks?: { modelSpec: ModelSpec; methodName: string }[];
}

/** Writes Input (field 2 of the request) for a ranking request. */
export function writeInput(w: ProtoWriter, req: RankingRequest, kind: InputKind): void {
  const features = req.schema.features;
  w.tag(2, WIRE_LEN);
  const input = w.begin();
  w.tag(kind === 'example_list' ? 1 : 2, WIRE_LEN);
  const list = w.begin();
  if (kind === 'example_list') {
    const all = featureSources(req, features);
    for (let i = 0; i < req.candidates; i++) {
      w.tag(1, WIRE_LEN);
      const ex = w.begin();
      writeExample(w, all, i);
      w.end(ex);
    }
  } else {
    const items = featureSources(
      req,
      features.filter((f) => f.scope === 'item'),
    );
    const context = featureSources(
      req,
      features.filter((f) => f.scope === 'context'),
    );
    for (let i = 0; i < req.candidates; i++) {
      w.tag(1, WIRE_LEN);
      const ex = w.begin();
      writeExample(w, items, i);
      w.end(ex);
    }
    w.tag(2, WIRE_LEN);
    const ctx = w.begin();
    writeExample(w, context, 0);
    w.end(ctx);
  }
  w.end(list);
  w.end(input);
}

/** A Classification/RegressionRequest: model_spec then input. */
export function encodeInputRequest(
  spec: ModelSpec,
  req: RankingRequest,
  kind: InputKind,
  sizeHint: number,
): Uint8Array {
  const w = new ProtoWriter(sizeHint);
  writeModelSpec(w, 1, spec);
  writeInput(w, req, kind);
  return w.finish();
}

/** A MultiInferenceRequest: tasks then input. */
export function encodeMultiInferenceRequest(
  tasks: { modelSpec: ModelSpec; methodName: string }[],
  req: RankingRequest,
  kind: InputKind,
  sizeHint: number,
): Uint8Array {
  const w = new ProtoWriter(sizeHint);
  for (const t of tasks) {
    w.tag(1, WIRE_LEN);
    const m = w.begin();
    writeModelSpec(w, 1, t.modelSpec);
    w.tag(2, WIRE_LEN);
    w.string(t.methodName);
    w.end(m);
  }
  writeInput(w, req, kind);
  return w.finish();
}

export interface ParsedInput extends RequestHead {
  kind: InputKind;
  batch: { candidates: number; tensors: ReturnType<ExampleParser['columns']> };
}

/**
 * Parse a Classification/Regression/MultiInference request's Input into canonical
 * columns. `multi` selects how field 1 is read (tasks vs model_spec). ELWC: the
 * context's bytes are parsed again for every example, as TF Serving does when it
 * merges context into each example before ParseExample.
 */
export function decodeInputRequest(bytes: Uint8Array, schema: Schema, multi: boolean): ParsedInput {
  const r = new ProtoReader(bytes);
  const head: RequestHead = {};
  let input: ProtoReader | undefined;
  while (!r.done()) {
    const t = r.tag();
    if (t === ((1 << 3) | 2)) {
      if (multi) {
        const tr = r.sub();
        let modelSpec: ModelSpec = { name: '', signatureName: '' };
        let methodName = '';
        while (!tr.done()) {
          const u = tr.tag();
          if (u === ((1 << 3) | 2)) modelSpec = readModelSpec(tr.sub());
          else if (u === ((2 << 3) | 2)) methodName = tr.string();
          else tr.skip(u & 7);
        }
        (head.tasks ??= []).push({ modelSpec, methodName });
      } else head.modelSpec = readModelSpec(r.sub());
    } else if (t === ((2 << 3) | 2)) {
      input = r.sub();
    } else r.skip(t & 7);
  }
  if (!input || input.done()) throw new DecodeError('Input is empty.');
  let kind: InputKind | undefined;
  let list: ProtoReader | undefined;
  while (!input.done()) {
    const t = input.tag();
    if (t === ((1 << 3) | 2)) {
      kind = 'example_list';
      list = input.sub();
    } else if (t === ((2 << 3) | 2)) {
      kind = 'example_list_with_context';
      list = input.sub();
    } else input.skip(t & 7);
  }
  if (!kind || !list) throw new DecodeError('Input is empty.');
  const examples: number[] = [];
  let ctxStart = 0;
  let ctxEnd = 0;
  while (!list.done()) {
    const t = list.tag();
    if (t === ((1 << 3) | 2)) {
      const n = list.len();
      examples.push(list.pos, list.pos + n);
      list.pos += n;
    } else if (t === ((2 << 3) | 2) && kind === 'example_list_with_context') {
      const n = list.len();
      ctxStart = list.pos;
      ctxEnd = list.pos + n;
      list.pos += n;
    } else list.skip(t & 7);
  }
  const n = examples.length / 2;
  if (n === 0) throw new DecodeError('Input is empty.');
  const parser = new ExampleParser(schema.features, n);
  for (let i = 0; i < n; i++) {
    if (ctxEnd > ctxStart) parser.parseInto(bytes, ctxStart, ctxEnd, i);
    parser.parseInto(bytes, examples[2 * i]!, examples[2 * i + 1]!, i);
    parser.finishRow(i);
  }
  return { ...head, kind, batch: { candidates: n, tensors: parser.columns() } };
}
