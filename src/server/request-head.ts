// Reads just the head of a request message (ModelSpec, or MultiInference tasks) by
// skipping over the top-level fields, so the server can check the model and pick the
// signature's decoder before the real decode. Length-delimited fields are skipped in O(1).
import { readModelSpec, type ModelSpec } from '../wire/model-spec.js';
import { ProtoReader } from '../wire/proto-reader.js';

export interface Task {
  modelSpec: ModelSpec;
  methodName: string;
}

export interface RequestHead {
  /** Field 1 as a ModelSpec (Predict, Classify, Regress, GetModelMetadata); undefined when absent. */
  modelSpec?: ModelSpec;
  /** Field 1 as repeated InferenceTask (MultiInference). */
  tasks: Task[];
}

/** Throws DecodeError on malformed bytes. */
export function readRequestHead(bytes: Uint8Array, multi: boolean): RequestHead {
  const r = new ProtoReader(bytes);
  const head: RequestHead = { tasks: [] };
  while (!r.done()) {
    const t = r.tag();
    if (t !== ((1 << 3) | 2)) {
      r.skip(t & 7);
      continue;
    }
    const sub = r.sub();
    if (!multi) {
      head.modelSpec = readModelSpec(sub);
      continue;
    }
    let modelSpec: ModelSpec = { name: '', signatureName: '' };
    let methodName = '';
    while (!sub.done()) {
      const u = sub.tag();
      if (u === ((1 << 3) | 2)) modelSpec = readModelSpec(sub.sub());
      else if (u === ((2 << 3) | 2)) methodName = sub.string();
      else sub.skip(u & 7);
    }
    head.tasks.push({ modelSpec, methodName });
  }
  return head;
}
