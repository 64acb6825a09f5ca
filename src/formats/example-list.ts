// example-list: RegressionRequest whose Input.example_list carries one tf.Example
// per candidate, context features copied into every example (gRPC Regress;
// Classify and MultiInference take the same Input).
import { inputFormat } from './input-formats.js';

export const exampleList = inputFormat(
  'example-list',
  'RegressionRequest, Input.example_list: one tf.Example per candidate, context copied into each',
  'example_list',
);
