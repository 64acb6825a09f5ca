// The one model this server serves: its name, version 1, schema, signatures and scorer,
// and the ModelSpec check every RPC starts with (worded as TF Serving's ServerCore).
import type { Schema } from '../tensors/feature-batch.js';
import type { ModelSpec } from '../wire/model-spec.js';
import { invalidArgument, modelNotFound } from './errors.js';
import { RankingModel } from './model.js';
import { buildSignatures, type Signature } from './signatures.js';

export const MODEL_VERSION = 1;

/** The ModelSpec a response echoes (protobufjs object, keepCase names). */
export interface ModelSpecObject {
  name: string;
  version: { value: number };
  signature_name: string;
}

export class Servable {
  readonly version = MODEL_VERSION;
  readonly signatures: Map<string, Signature>;
  readonly model: RankingModel;

  constructor(
    readonly name: string,
    readonly schema: Schema,
    readonly modelCost: number,
  ) {
    this.signatures = buildSignatures(schema);
    this.model = new RankingModel(schema, { cost: modelCost });
  }

  /** Throws the status TF Serving answers when `spec` does not name this model. */
  checkSpec(spec: ModelSpec): void {
    if (!spec.name) throw invalidArgument('ModelSpec has no name specified.');
    if (spec.versionLabel !== undefined) {
      throw invalidArgument("ModelSpec has 'version_label' set, but it is not currently allowed by the server.");
    }
    if (spec.name !== this.name || (spec.version !== undefined && spec.version !== this.version))
      throw modelNotFound(spec);
  }

  specObject(signatureName: string): ModelSpecObject {
    return { name: this.name, version: { value: this.version }, signature_name: signatureName };
  }
}
