// Scenario and feature-spec types: the schema every other stage is built from.

export type { Distribution, DType, FeatureSpec, Scope, Shape } from '../tensors/schema.js';
import type { FeatureSpec } from '../tensors/schema.js';

export interface Scenario {
  name: string;
  description: string;
  candidates: number;
  seed: number;
  features: FeatureSpec[];
}
